// `check`'s vulnerability step: asks the configured source (the index pip would use for each file, or OSV) about
// every exact pin, waits for the answers (disk cache first, six hours), and adds the `vulnerable` diagnostics.

import * as fs from 'node:fs';
import { defaultCacheDir } from '../index/diskCache.js';
import { originOf } from '../index/originTrust.js';
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
  /** Ask an index that only a checked file names (`--allow-file-indexes`). */
  allowFileIndexes?: boolean;
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
  const toldOrigins = new Set<string>();
  const files: { result: CheckResult; doc: ReturnType<typeof parse>; target: VulnerabilityTarget }[] = [];
  for (const result of results) {
    const text = readText(result.file);
    if (text === undefined) continue;
    const doc = parse(text);
    const graph = buildIncludeGraph(result.file, doc, documentsFrom(readText), options.env);
    const config = resolveIndexConfig({ file: indexOptionsOf(doc, graph), env: options.env, readFile: readText });
    // A pull request can name any host in a file; CI would send it what it asks (and its secrets, in the URL).
    const fileNamed = options.source === 'pypi' && !config.noIndex && (config.workspaceNamed ?? []).includes(config.indexUrl);
    const target = fileNamed && !options.allowFileIndexes ? undefined : vulnerabilityTarget(options, config);
    if (target) files.push({ result, doc, target });
    else if (fileNamed && !options.allowFileIndexes) {
      if (toldOrigins.has(config.indexUrl)) continue;
      toldOrigins.add(config.indexUrl);
      options.warn(
        `Known vulnerabilities of ${result.file} are not checked: the file names its own index, ${originOf(config.indexUrl) ?? 'a local folder'}, ` +
          'which check asks only with --allow-file-indexes (or use --vulnerability-source osv).',
      );
    } else if (!told) {
      told = true;
      options.warn(`Known vulnerabilities of ${result.file} are not checked: ${config.noIndex ? 'no index is used (--no-index)' : `${config.indexUrl} has no /simple layout to find its JSON API by`}; use --vulnerability-source osv.`);
    }
  }
  if (!files.length) return;
  // The client (undici) is loaded only when there is something to ask.
  const { createVulnerabilityClient } = await import('../index/packageIndex.js');
  // netrc's `default` entry goes only to the indexes the user configured, never to one a file names.
  const user = resolveIndexConfig({ file: { extraIndexUrls: [], noIndex: false }, env: options.env, readFile: readText });
  const userOrigins = new Set(['https://pypi.org', ...[user.indexUrl, ...user.extraIndexUrls].map(originOf)]);
  const client = createVulnerabilityClient({
    cacheDir: options.cacheDir ?? defaultCacheDir(options.env),
    env: options.env,
    logger: { info: () => undefined, warn: options.warn },
    netrcDefault: (origin) => userOrigins.has(origin),
  });
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
