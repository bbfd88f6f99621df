// The requirement part of a line, read as pip's `parse_req_from_line` and packaging 24.1's PEP 508 parser read it.

import { LineBuilder, isSpace, skipSpaces, skipWs } from './builder.js';
import { parseMarker } from './marker.js';
import { normalizeName } from './names.js';
import { explainBadVersion, matchVersion, readOperator } from './specifier.js';
import type { ExtrasNode, NameNode, RequirementNode, SpecifierClause, SpecifierNode } from './types.js';
import { describeUrl, isArchiveName, lastSegment, looksLikePath, nonLocalFileHost, parseWheelFilename, urlFilename, urlScheme } from './url.js';

// packaging's `\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b`: a name may end in `_` (a word character) but not in `.` or `-`.
const IDENTIFIER = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?/y;
/** A marker glued to a URL by `;` without a following space. */
const MARKER_IN_URL = /;\s*[a-z_.]+\s*(==|!=|<|>|~=|in\b|not\b)/i;
const PEP508_WITH_URL = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\]\s*)?@/;
const UNKNOWN_SCHEME_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function matchIdentifier(text: string, i: number, end: number): number {
  IDENTIFIER.lastIndex = i;
  const m = IDENTIFIER.exec(text);
  if (!m) return 0;
  return Math.min(m[0].length, end - i);
}

function nameNode(b: LineBuilder, start: number, end: number): NameNode {
  const text = b.text.slice(start, end);
  return b.withWritten({ text, normalized: normalizeName(text), range: b.range(start, end) }, start, end);
}

/**
 * Parses `text[start, end)`, the requirement of a line with its options already split off.
 * `editable` marks the value of `-e`, which pip reads as a path or a VCS URL.
 */
export function parseRequirement(b: LineBuilder, start: number, end: number, editable = false): RequirementNode {
  const text = b.text;
  start = skipSpaces(text, start, end);
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--; // Python's strip(), which keeps U+FEFF
  const req: RequirementNode = { range: b.range(start, end), editable, hashes: [] };
  if (start >= end) return req;

  const colon = text.indexOf(':', start);
  const scheme = colon !== -1 && colon < end && colon - start < 32 ? urlScheme(text.slice(start, colon + 1)) : undefined;
  // pip splits off the marker before parsing: at '; ' after a URL, at the first ';' otherwise.
  const sep = scheme ? '; ' : ';';
  let markerAt = text.indexOf(sep, start);
  if (markerAt >= end) markerAt = -1;
  let reqEnd = markerAt === -1 ? end : markerAt;
  while (reqEnd > start && isSpace(text.charCodeAt(reqEnd - 1))) reqEnd--;

  if (scheme) parseUrlRequirement(b, req, start, reqEnd);
  else if (editable || isPathRequirement(text, start, reqEnd)) parsePathRequirement(b, req, start, reqEnd);
  else parsePep508(b, req, start, reqEnd);

  if (markerAt !== -1) {
    b.token('semicolon', markerAt, markerAt + 1);
    if (skipSpaces(text, markerAt + 1, end) >= end) {
      // pip treats an empty marker as no marker at all.
      b.report('empty-marker', `Nothing follows ';': add a marker such as python_version >= "3.9", or remove the ';'`, markerAt, markerAt + 1, 'warning');
    } else req.marker = parseMarker(b, markerAt + sep.length, end);
  } else if (scheme && !req.marker && MARKER_IN_URL.test(text.slice(start, end))) {
    b.report(
      'marker-needs-space',
      `After a URL pip needs a space before ';' to read a marker; as written, the marker is part of the URL`,
      start,
      end,
      'warning',
    );
  }
  return req;
}

/** pip reads a requirement as a path when it looks like one; decided cheaply for the common `name==1.0`. */
function isPathRequirement(text: string, start: number, end: number): boolean {
  const n = matchIdentifier(text, start, end);
  if (n > 0) {
    const next = start + n < end ? text[start + n] : '';
    // A name followed by what PEP 508 allows next cannot be a path; a bare dotted name may be an archive file.
    if ('=<>!~([@; \t'.includes(next) && next !== '') return false;
    if (next === '' && !text.slice(start, end).includes('.')) return false;
  }
  const arg = text.slice(start, end);
  if (PEP508_WITH_URL.test(arg)) return false;
  // A scheme pip does not know (`novcs+http://…`) makes no URL: unless an archive name, pip reads it as PEP 508.
  if (UNKNOWN_SCHEME_URL.test(arg) && !isArchiveName(stripExtrasSuffix(arg))) return false;
  // pip's `_get_url_from_path`: with an '@' whose left side does not look like a path (even an empty one, as
  // in `@ https://…`), the line is a PEP 508 requirement, and one without a name is rejected.
  const at = arg.indexOf('@');
  if (at !== -1 && !looksLikePath(arg.slice(0, at))) return false;
  return looksLikePath(arg) || isArchiveName(stripExtrasSuffix(arg));
}

function stripExtrasSuffix(s: string): string {
  const at = extrasSuffixAt(s, false);
  return at === -1 ? s : s.slice(0, at);
}

/**
 * Where a trailing `[…]` starts: what /^(.+)(\[[^\]]+\])$/ (`lazy` false: the last `[` that fits) or
 * /^(.+?)(\[[^\]]*\])$/ (`lazy`: the first) would split off, or -1. Found without the patterns, which tried
 * every `[` and scanned to the end from each: a line of `[` took seconds.
 */
function extrasSuffixAt(s: string, lazy: boolean): number {
  const last = s.length - 1;
  if (s.charCodeAt(last) !== 93 /* ] */) return -1;
  // The `[` lies after any other `]`, leaves something before it (`.+`, which stops at a line terminator)
  // and, for the greedy pattern, something between the brackets (`[^\]]+`).
  const terminator = s.search(/[\n\r\u2028\u2029]/);
  const from = Math.max(1, s.lastIndexOf(']', last - 1) + 1);
  const to = Math.min(last - (lazy ? 1 : 2), terminator === -1 ? last : terminator);
  if (from > to) return -1;
  const open = lazy ? s.indexOf('[', from) : s.lastIndexOf('[', to);
  return open >= from && open <= to ? open : -1;
}

function parseUrlRequirement(b: LineBuilder, req: RequirementNode, start: number, end: number): void {
  const url = b.text.slice(start, end);
  b.token('url', start, end);
  const node = b.withWritten(describeUrl(url, b.range(start, end)), start, end);
  req.url = node;
  // After `;` with no space (`…tgz;\tpython_version>"3"`) pip reads the marker as part of the URL: the
  // marker-needs-space warning says so, and the whitespace is not the URL's fault.
  if (/\s/.test(url) && !MARKER_IN_URL.test(url)) {
    b.report('invalid-url', `A URL cannot contain spaces; percent-encode them as %20`, start, end);
  }
  if (reportNonLocalFile(b, url, start, end)) return;
  nameFromUrl(b, req, node.kind === 'wheel' ? urlFilename(url) : undefined, node.egg, start, end);
  if (req.editable && node.kind !== 'vcs' && node.kind !== 'file') {
    b.report('invalid-editable', `An editable requirement must be a local path or a VCS URL (git+https://…), not '${b.shown(start, end)}'`, start, end);
  } else if (req.editable && node.kind === 'vcs' && node.egg === undefined) {
    b.report('invalid-editable', `pip needs the project name of an editable VCS URL: add #egg=<name> to it`, start, end);
  }
  // pip prefixes `git://…` and `svn://…` with `git+` / `svn+` after -e only; elsewhere they are not URLs to it.
  const bare = /^(git|svn):/i.exec(url);
  if (bare && !req.editable) {
    b.report('invalid-url', `pip reads '${bare[1]}:' URLs only after -e: write ${bare[1]}+${bare[1]}://… or ${bare[1]}+https://…`, start, end);
  }
}

/** pip turns a file: URL into a path, and fails on one with a host: `file://name.whl` means `file:name.whl` or `file:///…`. */
function reportNonLocalFile(b: LineBuilder, url: string, start: number, end: number): boolean {
  const host = nonLocalFileHost(url);
  if (host === undefined) return false;
  const shown = b.quote(host, start, end);
  b.report(
    'invalid-url',
    `pip reads '${shown}' as the host of this file: URL and supports local files only: write file:///absolute/path or file:relative/path`,
    start,
    end,
  );
  return true;
}

function parsePathRequirement(b: LineBuilder, req: RequirementNode, start: number, end: number): void {
  const text = b.text.slice(start, end);
  const nameAtUrl = PEP508_WITH_URL.test(text) && text.includes('://');
  if (req.editable && (UNKNOWN_SCHEME_URL.test(text) || nameAtUrl)) {
    // A URL whose scheme pip does not know (`-e hg://…`), or `name @ url`, which pip reads after -e only as a
    // path: neither a local project folder nor a VCS URL.
    b.token('url', start, end);
    req.url = b.withWritten(describeUrl(text, b.range(start, end)), start, end);
    const fix = nameAtUrl ? `; pip reads 'name @ URL' only without -e (or write -e <VCS URL>#egg=<name>)` : '';
    b.report('invalid-editable', `An editable requirement must be a local path or a VCS URL (git+https://…), not '${b.shown(start, end)}'${fix}`, start, end);
    return;
  }
  const at = extrasSuffixAt(text, true);
  const pathEnd = at !== -1 ? start + at : end;
  b.token('path', start, pathEnd);
  req.path = b.spanned(start, pathEnd);
  if (at !== -1) parseExtras(b, req, pathEnd, end);
  const base = lastSegment(b.text.slice(start, pathEnd));
  nameFromUrl(b, req, base.toLowerCase().endsWith('.whl') ? base : undefined, undefined, start, pathEnd);
}

/** A bare URL or path names its project by a wheel file name or an `#egg=` fragment. */
function nameFromUrl(b: LineBuilder, req: RequirementNode, wheel: string | undefined, egg: string | undefined, start: number, end: number): void {
  if (wheel) {
    const w = parseWheelFilename(wheel);
    // Where a variable's value is in the URL, the messages quote it as written.
    const shown = b.quote(wheel, start, end);
    if (!w) {
      b.report('invalid-wheel-filename', `'${shown}' is not a valid wheel file name (name-version-python-abi-platform.whl)`, start, end);
      return;
    }
    // pip reads the file name as the requirement `name==version`, which packaging must accept.
    if (
      matchIdentifier(w.name, 0, w.name.length) !== w.name.length ||
      matchVersion('==', w.version, 0) !== w.version.length ||
      explainBadVersion('==', w.version)
    ) {
      const reads = shown === wheel ? ` reads as ${w.name}==${w.version}, which` : '';
      b.report('invalid-wheel-filename', `'${shown}'${reads} is not a valid requirement: pip rejects it`, start, end);
      return;
    }
    req.name = b.withWritten({ text: w.name, normalized: normalizeName(w.name), range: b.range(start, end) }, start, end);
    req.pinnedVersion = w.version;
    return;
  }
  if (egg === undefined) return;
  const s = eggStart(b.text, start, end);
  if (matchIdentifier(b.text, s, s + egg.length) === 0) {
    b.report('invalid-egg-fragment', `'#egg=${b.quote(egg, s, s + egg.length)}' does not name a project; use '#egg=<project name>'`, start, end);
    return;
  }
  // pip hands the whole value to packaging as a requirement: `pkg`, `pkg[x]`, even `pkg==1.0` or `pkg;marker`.
  // Its parts lie inside the URL token, so they get nodes with ranges but no tokens of their own.
  const sub = new LineBuilder(b.line);
  const inner: RequirementNode = { range: b.range(s, s + egg.length), editable: false, hashes: [] };
  const semi = egg.indexOf(';');
  parsePep508(sub, inner, s, semi === -1 ? s + egg.length : s + semi);
  if (semi !== -1) inner.marker = parseMarker(sub, s + semi + 1, s + egg.length);
  for (const d of sub.finish()) b.add(d);
  req.name = inner.name;
  if (inner.extras) req.extras = inner.extras;
  if (inner.specifier) req.specifier = inner.specifier;
  if (inner.marker) req.marker = inner.marker;
  if (!sub.hasErrors() && (inner.extras || inner.specifier || inner.marker || inner.url)) {
    b.report(
      'invalid-egg-fragment',
      `Only a bare project name in #egg= is supported: pip 24 reads the rest but deprecates it, and pip 26 rejects it`,
      s,
      s + egg.length,
      'warning',
    );
  }
}

/** Where the value of the first `#egg=` / `&egg=` of the fragment of the URL `text[start, end)` starts. */
function eggStart(text: string, start: number, end: number): number {
  let at = text.indexOf('#', start);
  do at = text.indexOf('egg=', at + 1);
  while (at !== -1 && at < end && text[at - 1] !== '#' && text[at - 1] !== '&');
  return at + 4;
}

/** `name`: the requirement's name as messages show it, when it has one. */
function parseExtras(b: LineBuilder, req: RequirementNode, open: number, end: number, name?: string): number {
  const text = b.text;
  b.token('extrasOpen', open, open + 1);
  const extras: ExtrasNode = { range: b.range(open, end), items: [], closed: false };
  req.extras = extras;
  let i = skipWs(text, open + 1, end);
  let expectName = true;
  while (i < end) {
    const c = text[i];
    if (c === ']') {
      b.token('extrasClose', i, i + 1);
      extras.closed = true;
      if (expectName && extras.items.length > 0) b.report('invalid-extras', `Remove the trailing ',' or add an extra name after it`, i - 1, i);
      i++;
      extras.range = b.range(open, i);
      return i;
    }
    if (c === ',') {
      if (expectName) b.report('invalid-extras', `Expected an extra name before ','`, i, i + 1);
      b.token('comma', i, i + 1);
      expectName = true;
      i = skipWs(text, i + 1, end);
      continue;
    }
    const n = matchIdentifier(text, i, end);
    if (n > 0 && expectName) {
      b.token('extra', i, i + n);
      extras.items.push(nameNode(b, i, i + n));
      expectName = false;
      i = skipWs(text, i + n, end);
      continue;
    }
    // Something that is not an extra: stop here so the rest of the line can still be read.
    break;
  }
  extras.range = b.range(open, i);
  b.report('unclosed-extras', `Missing ']' to close the extras${name ? ` of '${name}'` : ''}`, open, i);
  return i;
}

function parsePep508(b: LineBuilder, req: RequirementNode, start: number, end: number): void {
  const text = b.text;
  const n = matchIdentifier(text, start, end);
  if (n === 0) {
    b.token('unknown', start, end);
    // U+FEFF is invisible: only at the very start of the file is it a byte order mark that pip drops.
    const bom = text.charCodeAt(start) === 0xfeff ? ' (it starts with an invisible U+FEFF: delete it)' : '';
    b.report('invalid-requirement', `Expected a package name at the start of '${b.shown(start, end)}'${bom}`, start, end);
    return;
  }
  b.token('name', start, start + n);
  req.name = nameNode(b, start, start + n);
  // Messages quote the name as written: `${NAME}` where a variable gave it.
  const name = b.quote(req.name.text, start, start + n);
  let i = skipWs(text, start + n, end);
  if (text[i] === '[' && i < end) i = skipWs(text, parseExtras(b, req, i, end, name), end);
  if (i >= end) return;

  if (text[i] === '@') {
    b.token('at', i, i + 1);
    const u = skipWs(text, i + 1, end);
    let urlEnd = u;
    while (urlEnd < end && text[urlEnd] !== ' ' && text[urlEnd] !== '\t') urlEnd++;
    if (urlEnd === u) {
      b.report('missing-url', `Expected a URL after '@', e.g. ${name} @ https://…/file.whl`, i, i + 1);
      return;
    }
    b.token('url', u, urlEnd);
    req.url = b.withWritten(describeUrl(text.slice(u, urlEnd), b.range(u, urlEnd)), u, urlEnd);
    reportNonLocalFile(b, req.url.text, u, urlEnd);
    const rest = skipWs(text, urlEnd, end);
    if (rest < end) unexpected(b, rest, end, `after the URL`);
    return;
  }

  const specifier = parseSpecifier(b, name, i, end);
  if (specifier) {
    req.specifier = specifier.node;
    i = skipWs(text, specifier.end, end);
  }
  if (i < end && !b.hasErrors()) {
    const word = text.slice(i, end);
    if (!specifier && /^=(?!=)/.test(word)) {
      b.token('unknown', i, end);
      b.report('invalid-operator', `'=' is not a version operator: use '==' (${name}==${b.shown(i + 1, end).trim()})`, i, i + 1);
    } else if (!specifier && /^[0-9]/.test(word)) {
      unexpected(b, i, end, `after '${name}': a version needs an operator, e.g. ${name}==${b.shown(i, end).trim()}`);
    } else {
      unexpected(b, i, end, specifier ? 'after the version specifier' : `after '${name}'`);
    }
  }
}

function unexpected(b: LineBuilder, start: number, end: number, where: string): void {
  b.token('unknown', start, end);
  b.report('invalid-requirement', `Unexpected '${b.shown(start, end)}' ${where}`, start, end);
}

function parseSpecifier(b: LineBuilder, name: string, start: number, end: number): { node: SpecifierNode; end: number } | undefined {
  const text = b.text;
  let i = start;
  const parenthesized = text[i] === '(';
  if (parenthesized) {
    b.token('parenOpen', i, i + 1);
    i = skipWs(text, i + 1, end);
  }
  const clauses: SpecifierClause[] = [];
  let firstClause = i;
  for (;;) {
    const op = i < end ? readOperator(text, i) : undefined;
    if (!op) {
      if (clauses.length > 0 && text[i - 1] !== ',' && i < end && text[skipWs(text, i, end)] !== ')') break;
      if (clauses.length > 0 && i >= end && text.charCodeAt(trimEndOffset(text, firstClause, i) - 1) === 44 /* , */) {
        // packaging accepts a trailing comma; it usually means a bound was forgotten.
        b.report('trailing-comma', `A ',' with nothing after it: add the other bound (e.g. <3.0) or remove the ','`, i - 1, i, 'warning');
      }
      break;
    }
    const opEnd = i + op.length;
    b.token('operator', i, opEnd);
    const clause: SpecifierClause = { range: b.range(i, opEnd), operator: b.spanned(i, opEnd) };
    clauses.push(clause);
    const vlen = Math.min(matchVersion(op, text, opEnd), end - opEnd);
    const vStart = skipWs(text, opEnd, opEnd + vlen);
    const vEnd = opEnd + vlen;
    if (vEnd > vStart) {
      b.token('version', vStart, vEnd);
      clause.version = b.spanned(vStart, vEnd);
      clause.range = b.range(i, vEnd);
      const problem = explainBadVersion(op, text.slice(vStart, vEnd), b.shown(vStart, vEnd));
      if (problem) b.report('invalid-version', problem, vStart, vEnd);
    } else {
      const next = skipWs(text, opEnd, end);
      const junkEnd = scanVersionLike(text, next, end);
      if (junkEnd > next) {
        b.token('unknown', next, junkEnd);
        b.report(
          'invalid-version',
          `'${b.shown(next, junkEnd)}' is not a valid version for '${op}'; write a PEP 440 version such as ${name}${op}1.0`,
          next,
          junkEnd,
        );
        i = junkEnd;
      } else if (op === '===') {
        // packaging accepts an empty arbitrary-equality version; it matches no release.
        b.report('missing-version', `'${name}===' with nothing after it matches no version: add one, e.g. ${name}===1.0`, i, opEnd, 'warning');
        i = opEnd;
      } else {
        b.report('missing-version', `'${name}${op}' needs a version after '${op}'`, i, opEnd);
        i = opEnd;
      }
      i = skipWs(text, i, end);
      firstClause = i;
      if (text[i] !== ',' || i >= end) break;
    }
    if (vEnd > vStart) {
      // packaging rejects a wildcard or local label that its regex did not take (`>=1.0.*`, `>=1.0+local`).
      const c = text.charCodeAt(vEnd);
      const wildcard = c === 46 /* . */ && text.charCodeAt(vEnd + 1) === 42; /* * */
      if (vEnd < end && (wildcard || (c === 43 /* + */ && /[A-Za-z0-9]/.test(text[vEnd + 1] ?? '')))) {
        let tEnd = vEnd + (wildcard ? 2 : 1);
        if (!wildcard) while (tEnd < end && /[A-Za-z0-9._-]/.test(text[tEnd])) tEnd++;
        b.token('unknown', vEnd, tEnd);
        b.report(
          'invalid-version',
          wildcard
            ? `a '.*' wildcard is only allowed with '==' and '!=' (not '${op}')`
            : `a local version label ('+…') is only allowed with '==', '!=' and '==='`,
          vStart,
          tEnd,
        );
        i = tEnd;
      } else i = vEnd;
    }
    i = skipWs(text, i, end);
    if (text[i] !== ',' || i >= end) break;
    b.token('comma', i, i + 1);
    i = skipWs(text, i + 1, end);
    firstClause = i;
  }
  if (clauses.length === 0 && !parenthesized) return undefined;
  let stop = i;
  if (parenthesized) {
    if (text[i] === ')' && i < end) {
      b.token('parenClose', i, i + 1);
      stop = i + 1;
    } else if (!b.hasErrors()) {
      b.report('invalid-specifier', `Missing ')' to close the version specifier`, start, i);
    }
  }
  const node: SpecifierNode = b.withWritten(
    {
      text: text.slice(start, stop).trim(),
      // (clauses is copied to its exact size: this node lives as long as the document)
      range: b.range(start, Math.max(start, trimEndOffset(text, start, stop))),
      clauses: clauses.slice(),
      parenthesized,
    },
    start,
    stop,
    true,
  );
  return { node, end: stop };
}

function trimEndOffset(text: string, start: number, end: number): number {
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return end;
}

function scanVersionLike(text: string, i: number, end: number): number {
  while (i < end && !/[\s,;)]/.test(text[i])) i++;
  return i;
}
