// pylock.toml (PEP 751) as a document of requirement lines: each `[[packages]]` entry is the line `name==version`
// whose name is the entry's `name` string and whose version is its `version` string (the `==` between them
// stands for the text between the two), so that hover, the environment and advisories read a lock entry as they
// read a pin. The entry's other keys (wheels, hashes, markers) are the lock's, not requirement text.

import { DiagnosticCode } from './diagnosticCodes.js';
import { joinedOf, lineOf, specifierDiagnostics, type HostText } from './embedded.js';

const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
import { computeLineStarts } from './lines.js';
import { positionAt } from './query.js';
import { scanToml, type Literal } from './toml.js';
import type { LogicalLine, ParsedDocument, SyntaxDiagnostic } from './types.js';

/** Reads a pylock.toml text; never throws. */
export function readPylockDocument(text: string): ParsedDocument {
  const lineStarts = computeLineStarts(text);
  const host: HostText = { text, lineStarts, toml: text, toDoc: (o) => o };
  const scan = scanToml(text);
  const entries = new Map<string, { name?: Literal; version?: Literal }>();
  for (const [path, lit] of scan.strings) {
    const m = /^(packages\.\d+)\.(name|version)$/.exec(path);
    if (!m) continue;
    const entry = entries.get(m[1]) ?? {};
    entry[m[2] as 'name' | 'version'] = lit;
    entries.set(m[1], entry);
  }
  const lines: LogicalLine[] = [];
  const diagnostics: SyntaxDiagnostic[] = [];
  for (const [table, { name, version }] of entries) {
    if (!name) continue;
    const joined = joinedOf(host, name);
    if (version) {
      const v = joinedOf(host, version);
      // The `==`: from the name's closing quote to the version's first character.
      const from = name.end - 1;
      const to = v.docOffset(0);
      const a = positionAt(host, from);
      const b = positionAt(host, to);
      joined.appendStandIn('==', from, a.line, a.character, { endDoc: to, endLine: b.line, endCharacter: b.character, written: '==' });
      joined.appendFrom(v, 0, v.text.length);
    }
    const line = lineOf(joined, { table, installed: true, quote: '' });
    lines.push(line);
    for (const d of line.diagnostics) diagnostics.push(d);
  }
  lines.sort((a, b) => a.start - b.start);
  const range = (lit: Literal) => ({ start: positionAt(host, lit.start), end: positionAt(host, lit.end) });
  const invalid = (lit: Literal, message: string) => diagnostics.push({ range: range(lit), severity: 'error', code: DiagnosticCode.InvalidLock, message });
  const lockVersion = scan.strings.get('lock-version');
  if (lockVersion && !/^1(\.\d+)?$/.test(lockVersion.value))
    invalid(lockVersion, `lock-version '${lockVersion.value}' is not one PEP 751 knows (1.0): installers refuse the file`);
  const files = new Map<string, Literal>(); // each wheel, sdist or archive: its first string, for where to say it has no hash
  const hashed = new Set<string>();
  for (const [path, lit] of scan.strings) {
    // An entry's marker and requires-python are read as a requirement's marker and specifier are.
    if (/^packages\.\d+\.marker$/.test(path)) for (const d of specifierDiagnostics(host, lit, 'x ; ')) diagnostics.push(d);
    if (/^packages\.\d+\.requires-python$/.test(path)) for (const d of specifierDiagnostics(host, lit)) diagnostics.push(d);
    const file = /^(packages\.\d+\.(?:wheels\.\d+|sdist|archive))\.(.+)$/.exec(path);
    if (!file) continue;
    if (!files.has(file[1])) files.set(file[1], lit);
    const hash = /^hashes\.(.+)$/.exec(file[2]);
    if (!hash) continue;
    hashed.add(file[1]);
    const length = DIGEST_LENGTHS[hash[1]];
    if (length && !(lit.value.length === length && /^[0-9a-f]+$/i.test(lit.value)))
      invalid(lit, `A ${hash[1]} digest is ${length} hexadecimal digits; this one is ${lit.value.length} characters`);
  }
  for (const [file, lit] of files)
    if (!hashed.has(file))
      invalid(
        lit,
        `PEP 751: every ${file.includes('wheels') ? 'wheel' : file.endsWith('sdist') ? 'sdist' : 'archive'} needs hashes (hashes = { sha256 = "…" }); installers refuse it without`,
      );
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { kind: 'pylock', text, lineStarts, lines, diagnostics };
}
