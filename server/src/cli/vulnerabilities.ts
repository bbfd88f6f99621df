// `check`'s vulnerability step: asks the configured source (the index pip would use for each file, or OSV) about
// every exact pin, waits for the answers (disk cache first, six hours), and adds the `vulnerable` diagnostics.

import * as fs from 'node:fs';
import { defaultCacheDir } from '../index/diskCache.js';
import { resolveIndexConfig } from '../index/pipConfig.js';
import { vulnerabilityTarget, type VulnerabilityTarget } from '../index/vulnerabilityTarget.js';
import { toSeverity } from '../service/convert.js';
import { fileUri } from '../service/paths.js';
import { checkedVersion, vulnerabilityDiagnostics } from '../service/vulnerabilities.js';
import { parse } from '../syntax/parse.js';
import { buildIncludeGraph, documentsFrom } from '../workspace/includes.js';
import { indexOptionsOf } from '../workspace/indexOptions.js';
import type { Settings } from '../settings.js';
import type { CheckResult } from './check.js';

export interface VulnerabilityCheckOptions extends Pick<Settings['vulnerabilities'], 'source' | 'osvUrl' | 'ignore'> {
  severity?: Settings['vulnerabilities']['severity'];
  env: Record<string, string | undefined>;
  cacheDir?: string;
  /** Where "cannot be reached" and other warnings go (stderr). */
  warn(message: string): void;
}

function readText(filePath: string): string | undefined {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
}

/** Adds `vulnerable` diagnostics to each result, in place. */
export async function addVulnerabilities(results: CheckResult[], options: VulnerabilityCheckOptions): Promise<void> {
  if (options.source === 'off') return;
  let told = false;
  const files: { result: CheckResult; doc: ReturnType<typeof parse>; target: VulnerabilityTarget }[] = [];
  for (const result of results) {
    const text = readText(result.file);
    if (text === undefined) continue;
    const doc = parse(text);
    const graph = buildIncludeGraph(result.file, doc, documentsFrom(readText), options.env);
    const config = resolveIndexConfig({ file: indexOptionsOf(doc, graph), env: options.env, readFile: readText });
    const target = vulnerabilityTarget(options, config);
    if (target) files.push({ result, doc, target });
    else if (!told) {
      told = true;
      options.warn(`Known vulnerabilities of ${result.file} are not checked: ${config.noIndex ? 'no index is used (--no-index)' : `${config.indexUrl} has no /simple layout to find its JSON API by`}; use --vulnerability-source osv.`);
    }
  }
  if (!files.length) return;
  // The client (undici) is loaded only when there is something to ask.
  const { createVulnerabilityClient } = await import('../index/packageIndex.js');
  const client = createVulnerabilityClient({ cacheDir: options.cacheDir ?? defaultCacheDir(options.env), env: options.env, logger: { info: () => undefined, warn: options.warn } });
  try {
    const byTarget = new Map<string, { target: VulnerabilityTarget; pairs: { name: string; version: string }[] }>();
    for (const f of files) {
      const group = byTarget.get(`${f.target.kind} ${f.target.base}`) ?? { target: f.target, pairs: [] };
      for (const line of f.doc.lines) {
        const checked = checkedVersion(line);
        if (checked) group.pairs.push({ name: line.project!, version: checked.version });
      }
      byTarget.set(`${f.target.kind} ${f.target.base}`, group);
    }
    for (const { target, pairs } of byTarget.values()) await client.ensure(pairs, target);
    for (const f of files) {
      const found = vulnerabilityDiagnostics(fileUri(f.result.file), f.doc, {
        advisories: (name, version) => client.advisories(name, version, f.target),
        ignore: options.ignore,
        severity: toSeverity(options.severity ?? 'warning'),
      });
      f.result.diagnostics.push(...found);
    }
  } finally {
    await client.dispose();
  }
}
