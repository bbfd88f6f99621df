// pylock.toml (PEP 751) as a document of requirement lines: each `[[packages]]` entry is the line `name==version`
// whose name is the entry's `name` string and whose version is its `version` string (the `==` between them
// stands for the text between the two), so that hover, the environment and advisories read a lock entry as they
// read a pin. The entry's other keys (wheels, hashes, markers) are the lock's, not requirement text.

import { DiagnosticCode } from '../shared/diagnosticCodes.js';
import { joinedOf, lineOf, type HostText } from './embedded.js';
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
  const lockVersion = scan.strings.get('lock-version');
  if (lockVersion && !/^1(\.\d+)?$/.test(lockVersion.value)) {
    const range = { start: positionAt(host, lockVersion.start), end: positionAt(host, lockVersion.end) };
    diagnostics.push({ range, severity: 'error', code: DiagnosticCode.InvalidLock, message: `lock-version '${lockVersion.value}' is not one PEP 751 knows (1.0): installers refuse the file` });
  }
  return { kind: 'pylock', text, lineStarts, lines, diagnostics };
}
