// Turning a failed resolution's output (pip, pip-compile, uv) into a short message and diagnostics on the lines it names.

import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../syntax/types.js';
import { normalizeName } from '../syntax/names.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';

export interface FileProblem {
  path: string;
  diagnostic: Diagnostic;
}

/** The lines of the output that say what went wrong, without pip's progress chatter. */
export function summarize(output: string): string {
  const lines = output.split(/\r?\n/);
  const keep: string[] = [];
  let inBlock = false;
  for (const raw of lines) {
    const line = raw.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
    if (/^(ERROR|error|Error):|^\s*×|^\s*╰─▶|Could not find a version|There are incompatible versions|No solution found/.test(line)) {
      keep.push(line.trim());
      inBlock = /^\s*×|╰─▶|incompatible versions/.test(line);
      continue;
    }
    if (/^The conflict is caused by:/.test(line)) {
      keep.push(line);
      inBlock = true;
      continue;
    }
    if (inBlock && /^\s+\S/.test(line)) keep.push(line);
    else inBlock = false;
  }
  const text = (keep.length ? keep : lines.filter((l) => l.trim()).slice(-12)).join('\n');
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

const LINE_REF = /-r\s+(\S+?)\s+\(line\s+(\d+)\)/g;
const NAME_REF =
  /(?:No matching distribution found for|satisfies the requirement|The user requested|you require|Could not find a version that matches|Cannot install)\s+([A-Za-z0-9][A-Za-z0-9._-]*)/g;

/**
 * Diagnostics on the source lines a failure names: `-r requirements.in (line 3)` in pip's and pip-compile's
 * messages, and requirement names (`No matching distribution found for foo`, uv's `you require foo`).
 */
export function problemsFromOutput(output: string, cwd: string, documents: { path: string; document: ParsedDocument }[], toolName: string): FileProblem[] {
  const summary = summarize(output);
  const message = `${toolName} could not resolve the requirements:\n${summary}`;
  const out = new Map<string, FileProblem>();
  const add = (filePath: string, doc: ParsedDocument, lineIndex: number) => {
    const line = doc.lines.find((l) => l.firstLine <= lineIndex && lineIndex <= l.lastLine);
    if (!line) return;
    const key = `${filePath}:${line.firstLine}`;
    if (out.has(key)) return;
    const range = line.requirement?.range ?? line.range;
    out.set(key, {
      path: filePath,
      diagnostic: { range, severity: DiagnosticSeverity.Error, code: DiagnosticCode.CompileFailed, source: 'requirements', message },
    });
  };
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  for (const m of clean.matchAll(LINE_REF)) {
    const target = path.resolve(cwd, m[1]);
    const file = documents.find((d) => d.path === target);
    if (file) add(file.path, file.document, Number(m[2]) - 1);
  }
  const names = new Set([...clean.matchAll(NAME_REF)].map((m) => normalizeName(m[1].replace(/[.]+$/, ''))));
  // pip: "Cannot install -r a.in (line 1), x>=2 and y==1.0 because these package versions have conflicting dependencies."
  for (const m of clean.matchAll(/Cannot install (.+?) because/g)) {
    for (const item of m[1].split(/, | and /)) {
      const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(item.trim())?.[1];
      if (name && !item.trim().startsWith('-')) names.add(normalizeName(name.replace(/[.]+$/, '')));
    }
  }
  for (const file of documents) {
    for (const line of file.document.lines) if (line.project && names.has(line.project)) add(file.path, file.document, line.firstLine);
  }
  return [...out.values()];
}
