// `requirements-language-server check FILES`: the same diagnostics as the editor, for pre-commit and CI.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { createLanguageService } from '../service/index.js';
import { batchDisk, createWorkspace } from '../workspace/index.js';
import { DiagnosticCode } from '../shared/diagnosticCodes.js';

export interface CheckResult {
  file: string;
  diagnostics: Diagnostic[];
}

const SEVERITY_NAMES: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

/**
 * Checks each file and every file it includes with -r/-c (each reported once). Paths on requirement lines
 * (`-e .`, `./pkg`) resolve from `root` (default: the working directory), as pip run there resolves them.
 * A file reached through a path a `${NAME}` gives is not reported on its own (its path holds the variable's value:
 * `-r ${CI_SECRET}.txt` in a pull request would publish the secret in CI's report); the -r line says what pip
 * meets there. Nothing reported quotes a variable's value (see `withoutValues`).
 */
export function checkFiles(files: string[], options: { root?: string; env?: Record<string, string | undefined> } = {}): CheckResult[] {
  const root = path.resolve(options.root ?? process.cwd());
  const env = options.env ?? process.env;
  const service = createLanguageService({ exists: (p) => fs.existsSync(p), pipRunsFrom: () => ({ folders: [root], known: true }) });
  // One run: each file is read and parsed once, whoever includes it.
  const workspace = createWorkspace({ env, recheckMs: Infinity, disk: batchDisk, reuse: false });
  const texts: string[] = [];
  const results: CheckResult[] = [];
  const queue = files.map((f) => path.resolve(f));
  const done = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (done.has(file)) continue;
    done.add(file);
    const ctx = workspace.contextOf(file);
    if (!ctx) {
      results.push({
        file,
        diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Error, code: DiagnosticCode.FileNotFound, source: 'requirements', message: `Cannot read ${file}` }],
      });
      continue;
    }
    results.push({ file, diagnostics: service.diagnostics(ctx) });
    texts.push(ctx.document.text, ...ctx.graph.files.map((f) => f.document.text));
    for (const f of ctx.graph.files) if (!done.has(f.path) && !f.via.some((e) => e.option.value?.written !== undefined)) queue.push(f.path);
  }
  return sortResults(withoutValues(results, texts, env));
}

/** Values shorter than this are not looked for in the report: a `1.2` would be found in every other version. */
const MIN_MASKED = 8;

/**
 * The last line of defence for a published report: each message is shown as written already (the parser and the
 * service quote `${NAME}`, never its value), and any value of a variable the files use that is left in one
 * anyway becomes its `${NAME}` again.
 */
export function withoutValues(results: CheckResult[], texts: string[], env: Record<string, string | undefined>): CheckResult[] {
  const values = new Map<string, string>();
  for (const text of texts) {
    for (const m of text.matchAll(/\$\{([A-Z0-9_]+)\}/g)) {
      const value = env[m[1]];
      if (value !== undefined && value.length >= MIN_MASKED && !values.has(value)) values.set(value, m[0]);
    }
  }
  if (values.size === 0) return results;
  // Longest first: a value that contains another is replaced whole.
  const ordered = [...values].sort((a, b) => b[0].length - a[0].length);
  const mask = (s: string) => ordered.reduce((out, [value, name]) => (out.includes(value) ? out.split(value).join(name) : out), s);
  return results.map((r) => ({
    file: r.file,
    diagnostics: r.diagnostics.map((d) => ({
      ...d,
      message: mask(d.message),
      ...(d.relatedInformation ? { relatedInformation: d.relatedInformation.map((x) => ({ ...x, message: mask(x.message) })) } : {}),
      ...(d.codeDescription ? { codeDescription: { href: mask(d.codeDescription.href) } } : {}),
    })),
  }));
}

/** Files by path, each file's findings by line and column, as compilers and linters list them. */
export function sortResults(results: CheckResult[]): CheckResult[] {
  const byPosition = (a: Diagnostic, b: Diagnostic) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
  return [...results].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)).map((r) => ({ ...r, diagnostics: [...r.diagnostics].sort(byPosition) }));
}

export function formatText(results: CheckResult[], cwd = process.cwd()): string {
  const lines: string[] = [];
  for (const r of results) {
    const shown = path.relative(cwd, r.file) || r.file;
    for (const d of r.diagnostics) {
      lines.push(`${shown}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY_NAMES[d.severity ?? 1]} ${d.code} ${d.message}`);
    }
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

export function formatJson(results: CheckResult[]): string {
  const out = results.flatMap((r) =>
    r.diagnostics.map((d) => ({
      file: r.file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: SEVERITY_NAMES[d.severity ?? 1],
      code: d.code,
      message: d.message,
    })),
  );
  return JSON.stringify(out, null, 2) + '\n';
}

/**
 * Exit status: 1 when any error was found, or any diagnostic whose code (or severity name) `failOn` lists
 * (`--fail-on vulnerable`); 0 otherwise (warnings do not fail a build unless asked).
 */
export function exitCode(results: CheckResult[], failOn: string[] = []): number {
  const fails = (d: Diagnostic) => d.severity === DiagnosticSeverity.Error || failOn.includes(String(d.code)) || failOn.includes(SEVERITY_NAMES[d.severity ?? 1]);
  return results.some((r) => r.diagnostics.some(fails)) ? 1 : 0;
}
