// pip-compile's and uv's `# via` annotations, read from a parsed compiled file: who asked for each pin.

import type { LogicalLine, ParsedDocument } from '../syntax/types.js';
import { viaEntries, type ViaEntry } from './viaSources.js';

export type { ViaEntry };

export interface AnnotatedPin {
  /** The project name; for a pin without one (`-e .`, `./app`, a URL), its path or URL as written. */
  name: string;
  /** The normalized project name; '' for a pin without one. */
  normalized: string;
  /** A pin without a project name: its path or URL (the text the line holds, variables expanded). */
  target?: string;
  /** The requirement line of the pin. */
  line: LogicalLine;
  version?: string;
  via: ViaEntry[];
}

/** What the header's command asked for besides its source files. */
export interface CompileCommand {
  /** `--extra dev` (pip-compile and uv); `--all-extras`. */
  extras: string[];
  allExtras: boolean;
  /** uv's `--group dev` / `--group sub/pyproject.toml:dev`. */
  groups: { path?: string; name: string }[];
  /** pyproject.toml files read only for their groups (named by `--group` alone, not as a source). */
  groupOnlySources: string[];
  /** pip-compile's `--build-deps-for wheel` / `--all-build-deps` / `--only-build-deps`. */
  buildDeps: boolean;
  onlyBuildDeps: boolean;
  /** `-o requirements/base.txt`: tells from which folder the command ran. */
  outputFile?: string;
}

export interface CompiledFile {
  /** Which tool wrote it, from the header; undefined when the file has no such header. */
  tool?: 'pip-compile' | 'uv' | 'requirements-language-server';
  /** Source files named by the header's command line (e.g. `requirements.in`, `pyproject.toml`). */
  sources: string[];
  command: CompileCommand;
  /** The pins by project name; of several pins of one name (uv's `--universal`, one a marker), the last. */
  pins: Map<string, AnnotatedPin>;
  /** Every pin in the order written, those without a project name and each of several of one name included. */
  all: AnnotatedPin[];
  /** The pin a requirement line holds. */
  byLine: Map<LogicalLine, AnnotatedPin>;
  /** True when any pin carries a `# via` annotation. */
  annotated: boolean;
}

/** Packages pip-compile lists only as comments unless told `--allow-unsafe`. */
export const UNSAFE_PACKAGES: ReadonlySet<string> = new Set(['distribute', 'pip', 'setuptools']);

const VIA_INLINE = /#\s*via\s+(.*)$/;
const VIA_ALONE = /^\s*#\s*via\s*$/;
const VIA_ONE = /^\s*#\s*via\s+(.+)$/;
const VIA_CONTINUED = /^\s*#\s{2,}(\S.*)$/;

// One reading per parsed document (one per version): hovers, diagnostics and navigation on the same version share
// it; a new version is a new document, so nothing read from an older one is kept for it.
const readings = new WeakMap<ParsedDocument, CompiledFile>();

/**
 * Reads the header and every pin's `# via` lines (split and line annotation styles, pip-compile and uv).
 * The result is shared by every caller of the same document: read it, never change it.
 */
export function readAnnotations(doc: ParsedDocument): CompiledFile {
  let found = readings.get(doc);
  if (!found) readings.set(doc, (found = read(doc)));
  return found;
}

function read(doc: ParsedDocument): CompiledFile {
  const result = emptyFile();
  readHeader(doc, result);
  const lines = doc.lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const r = line.requirement;
    // A name a variable gives is not looked up (see LogicalLine.project); a path or URL without a name is a pin too.
    const target = r && !r.name ? (r.path ?? r.url) : undefined;
    if (!r || (!line.project && !target)) continue;
    const clause = r.specifier?.clauses.find((c) => c.operator.text === '==' || c.operator.text === '===');
    const pin: AnnotatedPin = r.name
      ? { name: r.name.text, normalized: r.name.normalized, line, version: clause?.version?.text, via: [] }
      : { name: target!.text, normalized: '', target: target!.text, line, via: [] };
    // Line style: `pkg==1.0  # via a, b`
    const comment = line.comment;
    const inline = comment && VIA_INLINE.exec(comment.text);
    if (inline && comment) {
      const col = comment.range.start.character + comment.text.length - inline[1].length;
      pin.via.push(...viaEntries(inline[1], comment.range.start.line, col));
    }
    // Split style: the comment lines that follow.
    let j = i + 1;
    if (j < lines.length && lines[j].kind === 'comment') {
      const first = lines[j].text;
      const one = VIA_ONE.exec(first);
      if (one) {
        pin.via.push(...viaEntries(one[1], lines[j].firstLine, first.length - one[1].length));
        j++;
      } else if (VIA_ALONE.test(first)) {
        j++;
        while (j < lines.length && lines[j].kind === 'comment') {
          const m = VIA_CONTINUED.exec(lines[j].text);
          if (!m || /^\s*#\s*via\b/.test(lines[j].text)) break;
          // One entry a line: a path may hold a comma.
          pin.via.push(...viaEntries(m[1], lines[j].firstLine, lines[j].text.length - m[1].length, false));
          j++;
        }
      }
    }
    if (pin.via.length) result.annotated = true;
    if (pin.normalized) result.pins.set(pin.normalized, pin);
    result.all.push(pin);
    result.byLine.set(line, pin);
  }
  return result;
}

/** Only the header (tool, sources, command): cheap, for deciding whether a file is compiled at all. */
export function compiledHeader(doc: ParsedDocument): Pick<CompiledFile, 'tool' | 'sources' | 'command'> {
  const result = emptyFile();
  readHeader(doc, result);
  return result;
}

export function emptyFile(): CompiledFile {
  return { sources: [], command: emptyCommand(), pins: new Map(), all: [], byLine: new Map(), annotated: false };
}

function emptyCommand(): CompileCommand {
  return { extras: [], allExtras: false, groups: [], groupOnlySources: [], buildDeps: false, onlyBuildDeps: false };
}

/** Options of pip-compile and `uv pip compile` that take a value (so the value is not a source file). */
const TAKES_VALUE = new Set([
  '-o',
  '--output-file',
  '-c',
  '--constraint',
  '--constraints',
  '--override',
  '--overrides',
  '-b',
  '--build-constraint',
  '--build-constraints',
  '-p',
  '--python',
  '--python-version',
  '--python-platform',
  '--extra',
  '--group',
  '--only-group',
  '--no-group',
  '-i',
  '--index-url',
  '--extra-index-url',
  '--index',
  '--default-index',
  '-f',
  '--find-links',
  '--trusted-host',
  '-P',
  '--upgrade-package',
  '--cache-dir',
  '--pip-args',
  '--build-deps-for',
  '--resolver',
  '--annotation-style',
  '--unsafe-package',
  '--max-rounds',
  '--no-emit-package',
  '--no-binary',
  '--only-binary',
  '--exclude-newer',
  '--resolution',
  '--prerelease',
  '--index-strategy',
  '--keyring-provider',
  '--config-file',
  '--torch-backend',
  '--refresh-package',
  '--link-mode',
  '-C',
  '--config-setting',
  '--config-settings',
  '--python-executable',
  '--emit-package',
]);

function readHeader(doc: ParsedDocument, result: CompiledFile): void {
  for (const line of doc.lines.slice(0, 12)) {
    if (line.kind !== 'comment' && line.kind !== 'blank') break;
    const text = line.text;
    if (/autogenerated by pip-compile/i.test(text)) result.tool = 'pip-compile';
    else if (/autogenerated by uv/i.test(text)) result.tool = 'uv';
    else if (/autogenerated by requirements-language-server/i.test(text)) result.tool = 'requirements-language-server';
    const command = /^#\s+(pip-compile|uv pip compile|requirements-language-server compile)\b(.*)$/.exec(text.trim());
    if (command) readCommand(command[2].trim().split(/\s+/).filter(Boolean), result);
  }
}

function readCommand(args: string[], result: CompiledFile): void {
  const c = result.command;
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    if (!arg.startsWith('-') || arg === '-') {
      if (arg !== '-') result.sources.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const option = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    let value: string | undefined;
    if (eq > 0 && arg.startsWith('--')) value = arg.slice(eq + 1);
    else if (TAKES_VALUE.has(option)) value = args[++k];
    if (option === '--extra' && value) c.extras.push(...value.split(','));
    else if (option === '--all-extras') c.allExtras = true;
    else if (option === '--group' && value) {
      const at = value.lastIndexOf(':');
      c.groups.push(at > 0 ? { path: value.slice(0, at), name: value.slice(at + 1) } : { name: value });
    } else if (option === '--build-deps-for' || option === '--all-build-deps') c.buildDeps = true;
    else if (option === '--only-build-deps') c.onlyBuildDeps = c.buildDeps = true;
    else if ((option === '-o' || option === '--output-file') && value) c.outputFile = value;
  }
  // A group's pyproject.toml is read for that group alone unless it is a source too; `--group dev` without
  // a path reads the first pyproject.toml source, else the one of the folder uv ran in.
  const firstPyproject = result.sources.find((s) => /(^|[\\/])pyproject\.toml$/i.test(s));
  for (const g of c.groups) {
    g.path ??= firstPyproject;
    const file = g.path ?? 'pyproject.toml';
    if (!result.sources.includes(file)) {
      result.sources.push(file);
      c.groupOnlySources.push(file);
    }
  }
}
