// `check`'s vulnerability step: asks the configured source (the index pip would use for each file, or OSV) about
// every exact pin of the files check read (their store contexts: no second parse), waits for the answers (disk
// cache first, six hours), and hands the advisories to the composition as facts, as the editor's are.
// A host that fails to resolve or to connect is given up at its first failure, and said so once; what could not
// be checked is counted, so that `--fail-on vulnerable` does not pass on missing data. `--offline` asks no host.

import { redact } from '../index/credentials.js';
import { osvIgnoresFor } from '../lsp/osvIgnoreFiles.js';
import type { SmallFiles } from '../workspace/smallFiles.js';
import * as fs from 'node:fs';
import type { Lookup } from '../index/addressPolicy.js';
import { defaultCacheDir } from '../index/diskCache.js';
import { originOf } from '../index/originTrust.js';
import { resolveIndexConfig } from '../index/pipConfig.js';
import { vulnerabilityTarget, type VulnerabilityTarget } from '../index/vulnerabilityTarget.js';
import { toSeverity } from '../service/convert.js';
import { checkedVersion } from '../service/vulnerabilities.js';
import type { VulnerabilityFacts } from '../shared/facts.js';
import { quickClauses } from '../syntax/quickLine.js';
import type { ParsedDocument } from '../syntax/types.js';
import type { FileContext } from '../workspace/context.js';
import type { Settings } from '../settings.js';

export interface VulnerabilityCheckOptions extends Pick<Settings['vulnerabilities'], 'source' | 'osvUrl' | 'ignore'> {
  severity?: Settings['vulnerabilities']['severity'];
  env: Record<string, string | undefined>;
  cacheDir?: string;
  /** Ask an index that only a checked file names (`--allow-file-indexes`). */
  allowFileIndexes?: boolean;
  /** Where "cannot be reached" and other warnings go (stderr). */
  warn(message: string): void;
  /** No network (`--offline`): advisories from the disk cache only, whatever their age. */
  offline?: boolean;
  /** Name resolution (tests: never the system's resolver for a made-up name). */
  lookup?: Lookup;
  /** The folder whose `osv-scanner.toml` applies to every checked file (besides the one beside each file). */
  root?: string;
}

/** What the vulnerability step could not do: pins whose advisories are unknown, and why. */
export interface VulnerabilityReport {
  /** Exact pins asked about (each distinct release once per source). */
  asked: number;
  /** Of those, the ones with no advisories known (not fetched, not on disk). */
  unchecked: number;
  /** The sources that could not be reached: "http://host cannot be reached (connection refused)". */
  unreachable: string[];
  offline: boolean;
}

function readText(filePath: string): string | undefined {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
}

/** What the step found: the advisory facts of each checked file (its source's), to compose its diagnostics from. */
export interface CheckedAdvisories {
  report: VulnerabilityReport;
  /** A file's advisory facts; undefined for a file whose source was not asked, or when nothing at all is known. */
  facts(filePath: string): Omit<VulnerabilityFacts, 'installed'> | undefined;
  /** Ends the client: call it once the diagnostics are composed (the facts read its memory). */
  dispose(): Promise<void>;
}

const NOTHING: Omit<CheckedAdvisories, 'report'> = { facts: () => undefined, dispose: async () => undefined };

/**
 * Asks each file's source about its exact pins and waits for the answers. The files are the store's contexts
 * `check` diagnoses: their trees, includes and index options, parsed once, are what is asked about; the
 * `vulnerable` diagnostics are then composed with the others from `facts`.
 */
export async function lookUpAdvisories(contexts: readonly FileContext[], options: VulnerabilityCheckOptions): Promise<CheckedAdvisories> {
  const report: VulnerabilityReport = { asked: 0, unchecked: 0, unreachable: [], offline: !!options.offline };
  if (options.source === 'off') return { report, ...NOTHING };
  let told = false;
  const toldOrigins = new Set<string>();
  const files: { ctx: FileContext; target: VulnerabilityTarget }[] = [];
  for (const ctx of contexts) {
    const config = resolveIndexConfig({ file: ctx.indexOptions, env: options.env, readFile: readText });
    // A pull request can name any host in a file; CI would send it what it asks (and its secrets, in the URL).
    const fileNamed = options.source === 'pypi' && !config.noIndex && (config.workspaceNamed ?? []).includes(config.indexUrl);
    const target = fileNamed && !options.allowFileIndexes ? undefined : vulnerabilityTarget(options, config);
    if (target) files.push({ ctx, target });
    else if (fileNamed && !options.allowFileIndexes) {
      if (toldOrigins.has(config.indexUrl)) continue;
      toldOrigins.add(config.indexUrl);
      options.warn(
        `Known vulnerabilities of ${ctx.path} are not checked: the file names its own index, ${originOf(config.indexUrl) ?? 'a local folder'}, ` +
          'which check asks only with --allow-file-indexes (or use --vulnerability-source osv).',
      );
    } else if (!told) {
      told = true;
      options.warn(`Known vulnerabilities of ${ctx.path} are not checked: ${whyNoJsonApi(config)}; use --vulnerability-source osv.`);
    }
  }
  if (!files.length) return { report, ...NOTHING };
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
    // A host that fails is not asked again in this run: every pin asking again cost seconds each.
    retryHosts: false,
    lookup: options.lookup,
    offline: options.offline,
  });
  const dispose = () => client.dispose();
  try {
    // Each release once per source: a big file pins the same releases again and again.
    const byTarget = new Map<string, { target: VulnerabilityTarget; pairs: Map<string, { name: string; version: string }> }>();
    for (const { ctx, target } of files) {
      const group = byTarget.get(`${target.kind} ${target.base}`) ?? { target, pairs: new Map() };
      for (const line of ctx.document.lines) {
        if (!line.project) continue;
        const version = exactPin(line);
        if (version) group.pairs.set(`${line.project}==${version}`, { name: line.project, version });
      }
      byTarget.set(`${target.kind} ${target.base}`, group);
    }
    for (const { target, pairs } of byTarget.values()) {
      await client.ensure([...pairs.values()], target);
      report.asked += pairs.size;
      for (const { name, version } of pairs.values()) if (!client.advisories(name, version, target)) report.unchecked++;
      const why = client.unreachable(target);
      if (why) report.unreachable.push(why);
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  // Nothing known (every source down, or --offline with an empty cache): no line can be vulnerable, and a
  // 6 MB file's walk is skipped.
  if (report.unchecked === report.asked) {
    await dispose();
    return { report, ...NOTHING };
  }
  const severity = toSeverity(options.severity ?? 'warning');
  const ignoreFiles = readNow();
  const byFile = new Map(
    files.map(({ ctx, target }) => [
      ctx.path,
      {
        advisories: (name: string, version: string) => client.advisories(name, version, target),
        ignore: options.ignore,
        ignoredBy: osvIgnoresFor(ctx.path, ignoreFiles, options.root ? [options.root] : []),
        severity,
      },
    ]),
  );
  return { report, facts: (filePath) => byFile.get(filePath), dispose };
}

/** Why a file's index gives no JSON API to ask about advisories, in words. */
function whyNoJsonApi(config: { noIndex: boolean; indexUrl: string }): string {
  if (config.noIndex) return 'no index is used (--no-index)';
  // A folder of files (file://, or a local path) serves pages only: no /pypi/<name>/<version>/json beside them.
  if (/^file:/i.test(config.indexUrl) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(config.indexUrl))
    return `the index is a local folder (${redact(config.indexUrl)}), which has no JSON API`;
  return `${redact(config.indexUrl)} does not end in /simple, so its JSON API cannot be found`;
}

/** Small files read at once (check has no event loop to keep free), each once. */
function readNow(): SmallFiles {
  const texts = new Map<string, string | undefined>();
  const read = (p: string) => {
    if (!texts.has(p)) {
      try {
        texts.set(p, fs.statSync(p).size <= 1 << 20 ? fs.readFileSync(p, 'utf8') : undefined);
      } catch {
        texts.set(p, undefined);
      }
    }
    return texts.get(p);
  };
  return { read, reading: () => undefined, onDidChange: () => undefined, recheck: () => undefined };
}

/** The exact pin of a line (`==`, `===`), as `checkedVersion` reads it; a plain line's without building its nodes. */
function exactPin(line: ParsedDocument['lines'][number]): string | undefined {
  const plain = quickClauses(line.text);
  if (plain) return plain.find((c) => c.operator.text === '==')?.version.text;
  return checkedVersion(line)?.version;
}

/**
 * What `check` says after the vulnerability step, and whether `--fail-on vulnerable` fails for it: advisories
 * that could not be checked fail that gate (a pass would claim what was not looked at), unless the run was
 * offline on purpose, which it says instead.
 */
export function vulnerabilityVerdict(report: VulnerabilityReport, failOn: string[]): { message?: string; fails: boolean } {
  const gate = failOn.includes('vulnerable');
  const releases = (n: number) => `${n} pinned release${n === 1 ? '' : 's'}`;
  if (report.offline && report.asked) {
    const found = report.asked - report.unchecked;
    const which = !report.unchecked
      ? `known vulnerabilities of all ${releases(report.asked)} come from the disk cache, not refreshed`
      : !found
        ? `known vulnerabilities were not checked: none of the ${releases(report.asked)} is in the disk cache`
        : `known vulnerabilities of ${found} of ${releases(report.asked)} come from the disk cache, not refreshed; ` +
          `the other ${report.unchecked} were not checked`;
    return { fails: false, message: `Offline (--offline): ${which}${report.unchecked && gate ? '; --fail-on vulnerable does not fail for those' : ''}.` };
  }
  if (!report.unchecked) return { fails: false };
  const pins = `${report.unchecked} of ${releases(report.asked)}`;
  const why = report.unreachable.length ? `: ${report.unreachable.join('; ')}` : '';
  return { fails: gate, message: `Known vulnerabilities of ${pins} could not be checked${why}${gate ? '; --fail-on vulnerable fails' : ''}.` };
}
