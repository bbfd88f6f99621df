// `requirements-language-server check FILES`: the same diagnostics as the editor, for pre-commit and CI.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { MoreDiagnosticsData } from '../service/diagnostics.js';
import { createLanguageService, type FileContext } from '../service/index.js';
import { batchDisk, createWorkspace } from '../workspace/index.js';
import type { VulnerabilityCheckOptions, VulnerabilityReport } from './vulnerabilities.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';

export interface CheckResult {
  file: string;
  diagnostics: Diagnostic[];
}

const SEVERITY_NAMES: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

export interface CheckOptions {
  /** Where pip runs: paths on requirement lines resolve from here (default: the working directory). */
  root?: string;
  env?: Record<string, string | undefined>;
  /** The vulnerability step (absent, or source 'off': no advisories are asked for). */
  vulnerabilities?: Omit<VulnerabilityCheckOptions, 'env'>;
}

export interface CheckRun {
  results: CheckResult[];
  /** What the vulnerability step could not check (nothing asked when it was off). */
  vulnerabilities: VulnerabilityReport;
}

/**
 * Checks each file and every file it includes with -r/-c (each reported once). Paths on requirement lines
 * (`-e .`, `./pkg`) resolve from `root` (default: the working directory), as pip run there resolves them.
 * A file reached through a path a `${NAME}` gives is not reported on its own (its path holds the variable's value:
 * `-r ${CI_SECRET}.txt` in a pull request would publish the secret in CI's report); the -r line says what pip
 * meets there. Nothing reported quotes a variable's value (see `withoutValues`).
 * Each file is read and parsed once, into the workspace store; the advisories of its pins are looked up from those
 * trees, and its diagnostics are composed in one place, the language service's, as the editor's are.
 */
export async function checkFiles(files: string[], options: CheckOptions = {}): Promise<CheckRun> {
  const root = path.resolve(options.root ?? process.cwd());
  const env = options.env ?? process.env;
  // One run: each file is read and parsed once, whoever includes it.
  const workspace = createWorkspace({ env, recheckMs: Infinity, disk: batchDisk, reuse: false });
  const checked = filesReached(
    files.map((f) => path.resolve(f)),
    workspace,
  );
  const contexts = checked.flatMap((c) => (c.ctx ? [c.ctx] : []));
  const wanted = options.vulnerabilities && options.vulnerabilities.source !== 'off' ? options.vulnerabilities : undefined;
  // Vulnerabilities are the one thing check asks of the network (the index pip would use, or OSV); loaded only then.
  const advisories = wanted ? await (await import('./vulnerabilities.js')).lookUpAdvisories(contexts, { ...wanted, env, root }) : undefined;
  try {
    const service = createLanguageService({
      exists: (p) => fs.existsSync(p),
      pipRunsFrom: () => ({ folders: [root], known: true }),
      vulnerabilities: advisories?.facts,
    });
    const results = checked.map(({ file, ctx }): CheckResult => ({ file, diagnostics: ctx ? service.diagnostics(ctx) : [notFound(file)] }));
    const texts = contexts.flatMap((ctx) => [ctx.document.text, ...ctx.graph.files.map((f) => f.document.text)]);
    const report = advisories?.report ?? { asked: 0, unchecked: 0, unreachable: [], offline: !!options.vulnerabilities?.offline };
    return { results: sortResults(withoutValues(results, texts, env)), vulnerabilities: report };
  } finally {
    await advisories?.dispose();
  }
}

/** The files named and every file they include, each once, with its context (none when it cannot be read). */
function filesReached(files: string[], workspace: ReturnType<typeof createWorkspace>): { file: string; ctx?: FileContext }[] {
  const out: { file: string; ctx?: FileContext }[] = [];
  const queue = [...files];
  const done = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (done.has(file)) continue;
    done.add(file);
    const ctx = workspace.contextOf(file);
    out.push({ file, ctx });
    if (ctx) for (const f of ctx.graph.files) if (!done.has(f.path) && !f.via.some((e) => e.option.value?.written !== undefined)) queue.push(f.path);
  }
  return out;
}

function notFound(file: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    code: DiagnosticCode.FileNotFound,
    source: 'requirements',
    message: `Cannot read ${file}`,
  };
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
 * (`--fail-on vulnerable`), shown or among those `more-diagnostics` counts; 0 otherwise (warnings do not fail a
 * build unless asked).
 */
export function exitCode(results: CheckResult[], failOn: string[] = []): number {
  const counts = (d: Diagnostic) => (d.code === DiagnosticCode.MoreDiagnostics ? ((d.data as MoreDiagnosticsData | undefined)?.codes ?? []) : []);
  const fails = (d: Diagnostic) =>
    d.severity === DiagnosticSeverity.Error ||
    failOn.includes(String(d.code)) ||
    failOn.includes(SEVERITY_NAMES[d.severity ?? 1]) ||
    counts(d).some((c) => failOn.includes(c));
  return results.some((r) => r.diagnostics.some(fails)) ? 1 : 0;
}
