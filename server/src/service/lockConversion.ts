// A compiled requirements.txt as a pylock.toml (PEP 751) and back: plain text in, text and warnings out, no I/O.
// What one format can say and the other cannot is named in a warning (and, in a written lock, a comment), never
// dropped in silence.

import { parse as parseToml } from 'smol-toml';
import { kindOf } from '../syntax/kinds.js';
import { parse } from '../syntax/parse.js';
import type { ParsedDocument, RequirementNode } from '../syntax/types.js';

export const CREATED_BY = 'requirements-language-server';

/** Where our own data goes in a lock: PEP 751's `[packages.tool]`, under our name. */
const TOOL = CREATED_BY;

export interface Conversion {
  text: string;
  /** Lines that were left out or changed in meaning, each naming the line or package. */
  warnings: string[];
}

/** A TOML string: a literal one when it can be (markers are full of double quotes), else a basic one. */
function tomlString(s: string): string {
  return /^[^'\p{Cc}]*$/u.test(s) ? `'${s}'` : JSON.stringify(s);
}

function hashTable(hashes: string[]): string {
  const byAlgorithm = new Map<string, string>();
  for (const h of hashes) {
    const [algorithm, digest] = h.split(':', 2);
    if (digest && !byAlgorithm.has(algorithm)) byAlgorithm.set(algorithm, digest);
  }
  return `{ ${[...byAlgorithm].map(([a, d]) => `${a} = ${tomlString(d)}`).join(', ')} }`;
}

/** `==1.0` or `===1.0` alone: the one version a compiled line installs. */
function exactVersion(req: RequirementNode): string | undefined {
  const clauses = req.specifier?.clauses ?? [];
  if (clauses.length !== 1) return undefined;
  const [clause] = clauses;
  const version = clause.version && (clause.version.written ?? clause.version.text);
  return (clause.operator.text === '==' || clause.operator.text === '===') && version && !version.includes('*') ? version : undefined;
}

/** One `[[packages]]` entry for a requirement line, or why it has none. */
/** A release's files with their sha256 and URL, when the index has them (the LSP command's view; none in the CLI). */
export type DownloadsOf = (normalizedName: string, version: string) => { url: string; sha256: string }[] | undefined;

/** A URL without `user:password@`: an index URL's credentials must not be written into a lock file. */
function withoutUserinfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

function packageEntry(req: RequirementNode, lineText: string, downloadsOf?: DownloadsOf): { lines: string[] } | { skip: string } {
  // As written: a `${NAME}` stays one (its value may be a secret, e.g. a token in a URL), as pip would expand it.
  const shown = (s: { text: string; written?: string }) => s.written ?? s.text;
  const name = req.name && shown(req.name);
  const out = [''];
  out.push('[[packages]]');
  const marker = req.marker && shown(req.marker).trim();
  const hashes = req.hashes.map(shown);
  const head = (version?: string) => {
    out.push(`name = ${tomlString(name ?? '')}`);
    if (version) out.push(`version = ${tomlString(version)}`);
    if (marker) out.push(`marker = ${tomlString(marker)}`);
  };
  const version = exactVersion(req);
  if (name && version && !req.url && !req.path) {
    head(version);
    // PEP 751 ties each hash to one file (a wheel's or sdist's url or path); `--hash` names none. The index knows
    // which of the release's files has each sha256: those become [[packages.wheels]] or [packages.sdist] entries.
    const known = downloadsOf?.(req.name!.normalized, version) ?? [];
    const placed = new Set<string>();
    let sdist = false;
    for (const hash of hashes) {
      const digest = /^sha256:([0-9a-f]{64})$/i.exec(hash)?.[1]?.toLowerCase();
      const file = digest ? known.find((d) => d.sha256.toLowerCase() === digest) : undefined;
      if (!file) continue;
      const url = withoutUserinfo(file.url);
      const fileName = decodeURIComponent(url.split(/[?#]/)[0].split('/').pop() ?? '');
      if (/\.whl$/i.test(fileName)) out.push('[[packages.wheels]]');
      else if (!sdist && /\.(tar\.gz|zip)$/i.test(fileName)) {
        out.push('[packages.sdist]');
        sdist = true;
      } else continue;
      out.push(`name = ${tomlString(fileName)}`, `url = ${tomlString(url)}`, `hashes = {sha256 = ${tomlString(digest!)}}`);
      placed.add(hash);
    }
    const rest = hashes.filter((h) => !placed.has(h));
    // Hashes no known file has are kept where tools may keep data (read back by the conversion), so none is lost.
    if (rest.length) out.push(`[packages.tool.${TOOL}]`, `hashes = [${rest.map(tomlString).join(', ')}]`);
    return { lines: out };
  }
  if (!name) return { skip: `'${lineText}' names no project (PEP 751 entries need a name); left out` };
  if (req.path && !req.url) {
    if (/\.(whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(shown(req.path))) return { skip: `'${lineText}' is a local archive without a hash PEP 751 needs; left out` };
    head();
    out.push(`[packages.directory]`, `path = ${tomlString(shown(req.path))}`);
    if (req.editable) out.push('editable = true');
    return { lines: out };
  }
  const url = req.url;
  if (url?.kind === 'vcs') {
    // commit-id is required: only a full commit hash pins what a VCS URL installs.
    if (!url.ref || !/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(url.ref))
      return { skip: `'${lineText}' names no full commit id (PEP 751's packages.vcs needs one); left out` };
    const bare = shown(url)
      .replace(/^[a-z]+\+/i, '')
      .replace(/#.*$/, '');
    head();
    out.push(`[packages.vcs]`, `type = ${tomlString(url.vcs ?? 'git')}`, `url = ${tomlString(bare.slice(0, bare.lastIndexOf('@')))}`);
    out.push(`commit-id = ${tomlString(url.ref)}`);
    if (url.subdirectory) out.push(`subdirectory = ${tomlString(url.subdirectory)}`);
    return { lines: out };
  }
  if (url && (url.kind === 'archive' || url.kind === 'wheel')) {
    const all = [...hashes, ...(url.hash ? [`${url.hash.algorithm}:${url.hash.digest}`] : [])];
    if (!all.length) return { skip: `'${lineText}' is an archive URL without a hash (PEP 751 needs one); left out` };
    head(req.pinnedVersion);
    out.push(`[packages.archive]`, `url = ${tomlString(shown(url).replace(/#.*$/, ''))}`, `hashes = ${hashTable(all)}`);
    return { lines: out };
  }
  return { skip: `'${lineText}' is not pinned to one version (==); left out` };
}

/** A compiled requirements file (pip-compile, uv, pip freeze) as a pylock.toml. */
export function requirementsToPylock(doc: ParsedDocument, source: string, downloadsOf?: DownloadsOf): Conversion {
  const warnings: string[] = [];
  const body: string[] = [];
  for (const line of doc.lines) {
    if (line.kind === 'option') {
      for (const o of line.options)
        if (o.canonical === '--requirement' || o.canonical === '--constraint')
          warnings.push(
            `${o.flag.text} ${o.value ? (o.value.written ?? o.value.text) : ''}: the lines of other files are not converted; convert that file itself`,
          );
      continue;
    }
    const req = line.requirement;
    if (line.kind !== 'requirement' || !req) continue;
    const lineText = (line.written ?? line.text)
      .replace(/\s+--hash[= ]\S+/g, '')
      .replace(/\s+#.*$/, '')
      .trim();
    const entry = packageEntry(req, lineText, downloadsOf);
    if ('skip' in entry) warnings.push(entry.skip);
    else body.push(...entry.lines);
  }
  const head = [`# Converted from ${source} by ${CREATED_BY}.`, ...warnings.map((w) => `# Not converted: ${w}.`)];
  if (body.some((l) => l.startsWith(`[packages.tool.${TOOL}]`)))
    head.push(
      "# Some --hash values name no file the index knows, and PEP 751 ties every hash to a wheel's or sdist's url or path:",
      `# those are kept under [packages.tool.${TOOL}] (read by the conversion back); an installer cannot use them.`,
    );
  head.push('lock-version = "1.0"', `created-by = '${CREATED_BY}'`);
  return { text: `${[...head, ...body].join('\n')}\n`, warnings };
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Every hash a package entry holds: its wheels', sdist's and archive's, and those our conversion kept. */
function entryHashes(pkg: Table): string[] {
  const files = [...(Array.isArray(pkg.wheels) ? pkg.wheels : []), pkg.sdist, pkg.archive].filter(isTable);
  const found: string[] = [];
  for (const f of files) if (isTable(f.hashes)) for (const [a, d] of Object.entries(f.hashes)) if (typeof d === 'string') found.push(`${a}:${d}`);
  const ours = isTable(pkg.tool) && isTable(pkg.tool[TOOL]) ? pkg.tool[TOOL].hashes : undefined;
  if (Array.isArray(ours)) for (const h of ours) if (typeof h === 'string') found.push(h);
  return [...new Set(found)];
}

/** The requirement a package entry installs: `name==version`, or `name @ url` for vcs, directory and archive entries. */
function requirementOf(pkg: Table, name: string): string | undefined {
  const version = text(pkg.version);
  const vcs = isTable(pkg.vcs) ? pkg.vcs : undefined;
  if (vcs && text(vcs.url) && text(vcs['commit-id'])) {
    const sub = text(vcs.subdirectory) ? `#subdirectory=${text(vcs.subdirectory)}` : '';
    return `${name} @ ${text(vcs.type) ?? 'git'}+${text(vcs.url)}@${text(vcs['commit-id'])}${sub}`;
  }
  const directory = isTable(pkg.directory) ? pkg.directory : undefined;
  if (directory && text(directory.path)) return `${directory.editable === true ? '-e ' : ''}${text(directory.path)}`;
  const archive = isTable(pkg.archive) ? pkg.archive : undefined;
  if (archive && text(archive.url)) return `${name} @ ${text(archive.url)}`;
  return version ? `${name}==${version}` : undefined;
}

/** A pylock.toml as a requirements file pip installs with `--require-hashes` when every entry has hashes. */
export function pylockToRequirements(lockText: string, source: string): Conversion {
  const warnings: string[] = [];
  let lock: Table;
  try {
    lock = parseToml(lockText) as Table;
  } catch (error) {
    return { text: '', warnings: [`${source} is not valid TOML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const out = [`# Converted from ${source} by ${CREATED_BY}.`];
  const packages = Array.isArray(lock.packages) ? lock.packages.filter(isTable) : [];
  let hashed = 0;
  const body: string[] = [];
  for (const pkg of packages) {
    const name = text(pkg.name);
    const requirement = name && requirementOf(pkg, name);
    if (!name || !requirement) {
      warnings.push(`the entry ${name ?? '(no name)'} has no version and no vcs, directory or archive source; left out`);
      continue;
    }
    const marker = text(pkg.marker);
    const hashes = entryHashes(pkg);
    if (hashes.length) hashed++;
    const first = marker ? `${requirement} ; ${marker}` : requirement;
    body.push([first, ...hashes.map((h) => `    --hash=${h}`)].join(' \\\n'));
  }
  // pip checks hashes for every line once one line has one: an entry without them would make the install fail.
  if (hashed && hashed < body.length) warnings.push(`${body.length - hashed} of ${body.length} entries have no hashes, and pip refuses such a mix`);
  out.push(...warnings.map((w) => `# Note: ${w}.`), ...body);
  return { text: `${out.join('\n')}\n`, warnings };
}

const baseOf = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/**
 * The file a conversion writes by default, beside its source: requirements.txt and pylock.toml are a pair, as are
 * requirements-NAME.txt (or NAME.txt) and pylock.NAME.toml (PEP 751 names a lock `pylock.NAME.toml`, no dot in NAME).
 */
export function conversionTarget(filePath: string): string {
  const base = baseOf(filePath);
  const dir = filePath.slice(0, filePath.length - base.length);
  if (kindOf(filePath) === 'pylock') {
    const name = /^pylock\.([^.]+)\.toml$/i.exec(base)?.[1];
    return `${dir}${name ? `requirements-${name}` : 'requirements'}.txt`;
  }
  const stem = base.replace(/\.(txt|in)$/i, '');
  const name = stem
    .replace(/^requirements(?=$|[-_.])[-_.]?/i, '')
    .replace(/[-_.]requirements$/i, '')
    .replace(/\./g, '-');
  return `${dir}${name ? `pylock.${name}.toml` : 'pylock.toml'}`;
}

/** Converts a file by its kind: a pylock.toml to requirements, anything else (a requirements file) to a lock. */
export function convertFile(
  filePath: string,
  fileText: string,
  downloadsOf?: DownloadsOf,
): (Conversion & { direction: 'toRequirements' | 'toPylock' }) | { error: string } {
  const source = baseOf(filePath);
  const kind = kindOf(filePath);
  if (kind === 'pyproject' || kind === 'script') return { error: `${source} is not a compiled requirements file or a pylock.toml; compile it first` };
  if (kind === 'pylock') return { ...pylockToRequirements(fileText, source), direction: 'toRequirements' };
  return { ...requirementsToPylock(parse(fileText), source, downloadsOf), direction: 'toPylock' };
}
