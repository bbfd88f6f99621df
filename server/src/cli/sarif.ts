// `check --format sarif`: SARIF 2.1.0, so GitHub code scanning and other CI viewers show each diagnostic on its line.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { CheckResult } from './check.js';

const LEVELS: Record<number, 'error' | 'warning' | 'note'> = { 1: 'error', 2: 'warning', 3: 'note', 4: 'note' };

function ruleId(d: Diagnostic): string {
  return d.code === undefined ? 'requirements' : String(d.code);
}

/** One SARIF log with one run; paths relative to `cwd` (the repository root in CI), `%SRCROOT%` based. */
export function formatSarif(results: CheckResult[], options: { name: string; version: string; cwd?: string }): string {
  const cwd = options.cwd ?? process.cwd();
  const rules = new Map<string, { id: string; helpUri?: string }>();
  const out: object[] = [];
  for (const r of results) {
    const relative = path.relative(cwd, r.file);
    const inside = relative && !relative.startsWith('..') && !path.isAbsolute(relative);
    const artifactLocation = inside
      ? { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' }
      : { uri: pathToFileURL(r.file).toString() };
    for (const d of r.diagnostics) {
      const id = ruleId(d);
      if (!rules.has(id)) rules.set(id, { id });
      const start = d.range.start;
      const end = d.range.end;
      const region: Record<string, number> = { startLine: start.line + 1, startColumn: start.character + 1 };
      // SARIF regions end after the last character; an empty range is a point.
      if (end.line > start.line || end.character > start.character) Object.assign(region, { endLine: end.line + 1, endColumn: end.character + 1 });
      out.push({
        ruleId: id,
        level: LEVELS[d.severity ?? 1],
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation, region } }],
        ...(d.codeDescription?.href ? { properties: { helpUri: d.codeDescription.href } } : {}),
      });
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.name,
            version: options.version,
            rules: [...rules.values()].map((r) => ({ id: r.id, shortDescription: { text: `requirements: ${r.id}` } })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd + path.sep).toString() } },
        results: out,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
