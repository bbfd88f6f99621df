// Which indexes to ask, resolved as pip resolves them: file options, then PIP_* variables, then pip's config
// files (PIP_CONFIG_FILE, global, user, the environment's own), then the client's settings, then PyPI.

import * as os from 'node:os';
import * as path from 'node:path';

export const PYPI = 'https://pypi.org/simple';

export interface IndexOptions {
  indexUrl?: string;
  extraIndexUrls: string[];
  noIndex: boolean;
  findLinks?: string[];
}

export interface IndexConfig {
  indexUrl: string;
  extraIndexUrls: string[];
  noIndex: boolean;
  /** Where the index URL came from, for the log (never the URL's credentials). */
  source: string;
  /** --find-links locations (local folders as paths or file: URLs are read; pip reads them even with --no-index). */
  findLinks?: string[];
  /** Where the extra indexes and find-links came from, for the log. */
  extraSources?: string[];
  /**
   * The URLs and find-links above that only the workspace names (a requirements file, the environment's own
   * pip.conf), not the user (PIP_*, the user's and the global pip.conf, the settings, the default): the
   * origins that need the user's permission before they are contacted (see originTrust.ts).
   */
  workspaceNamed?: string[];
  /** For each of `workspaceNamed`, what names it: 'the requirements file', or the venv's pip.conf path. */
  workspaceNamedBy?: Record<string, string>;
}

/** `[global]` then `[install]` keys of one pip.conf. */
export function parsePipConf(text: string): Record<string, string> {
  const sections: Record<string, Record<string, string>> = {};
  let section = '';
  let key = '';
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') continue;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      section = header[1].trim().toLowerCase();
      sections[section] ??= {};
      key = '';
      continue;
    }
    if (/^\s+\S/.test(raw) && key && section) {
      sections[section][key] += `\n${raw.trim()}`; // continuation of a multi-line value
      continue;
    }
    const kv = /^\s*([^=:\s]+)\s*[=:]\s*(.*)$/.exec(raw);
    if (kv && section) {
      key = kv[1].toLowerCase().replace(/_/g, '-');
      sections[section][key] = kv[2].trim();
    }
  }
  return { ...(sections.global ?? {}), ...(sections.install ?? {}) };
}

/** pip's config files in the order pip loads them (later ones win). PIP_CONFIG_FILE=os.devnull disables them. */
export function pipConfigFiles(env: Record<string, string | undefined>, venvRoot?: string): string[] {
  if (env.PIP_CONFIG_FILE === os.devNull || env.PIP_CONFIG_FILE === '/dev/null') return [];
  const home = env.HOME ?? os.homedir();
  const xdgDirs = (env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':').filter(Boolean);
  const files = [
    ...xdgDirs.map((d) => path.join(d, 'pip', 'pip.conf')),
    '/etc/pip.conf',
    path.join(home, '.pip', 'pip.conf'),
    path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'pip', 'pip.conf'),
  ];
  if (venvRoot) files.push(path.join(venvRoot, 'pip.conf'));
  if (env.PIP_CONFIG_FILE) files.push(env.PIP_CONFIG_FILE);
  return files;
}

const split = (v: string | undefined) => (v ?? '').split(/\s+/).filter(Boolean);
const truthy = (v: string | undefined) => !!v && /^(1|true|yes|on)$/i.test(v.trim());

export function resolveIndexConfig(options: {
  file: IndexOptions;
  env: Record<string, string | undefined>;
  readFile: (p: string) => string | undefined;
  venvRoot?: string;
  settings?: { indexUrl?: string; extraIndexUrls?: string[] };
}): IndexConfig {
  let conf: Record<string, string> = {};
  // Which config file set each key (later files win, as in pip).
  const confSource: Record<string, string> = {};
  for (const f of pipConfigFiles(options.env, options.venvRoot)) {
    const text = options.readFile(f);
    if (text === undefined) continue;
    const parsed = parsePipConf(text);
    for (const key of ['index-url', 'extra-index-url', 'no-index', 'find-links']) if (parsed[key]) confSource[key] = f;
    conf = { ...conf, ...parsed };
  }
  const env = options.env;
  const candidates: [string | undefined, string][] = [
    [options.file.indexUrl, 'the requirements file'],
    [env.PIP_INDEX_URL, 'PIP_INDEX_URL'],
    [conf['index-url'], confSource['index-url'] ?? 'pip.conf'],
    [options.settings?.indexUrl, 'the client settings'],
  ];
  const [indexUrl, source] = candidates.find(([v]) => !!v) ?? [PYPI, 'the default'];
  const extraSources: string[] = [];
  // One URL is one index, however it is spelt at the end: never the index URL again, never twice.
  const seen = new Set([stripSlash(indexUrl!)]);
  const gather = (values: string[], from: string) => {
    const fresh = values.filter((u) => !seen.has(stripSlash(u)) && !!seen.add(stripSlash(u)));
    if (fresh.length && !extraSources.includes(from)) extraSources.push(from);
    return fresh;
  };
  const extraIndexUrls = [
    ...gather(options.file.extraIndexUrls, 'the requirements file'),
    ...gather(split(env.PIP_EXTRA_INDEX_URL), 'PIP_EXTRA_INDEX_URL'),
    ...gather(split(conf['extra-index-url']), confSource['extra-index-url'] ?? 'pip.conf'),
    ...gather(options.settings?.extraIndexUrls ?? [], 'the client settings'),
  ];
  const findLinks = [
    ...gather(options.file.findLinks ?? [], 'the requirements file'),
    ...gather(split(env.PIP_FIND_LINKS), 'PIP_FIND_LINKS'),
    ...gather(split(conf['find-links']), confSource['find-links'] ?? 'pip.conf'),
  ];
  const noIndex = options.file.noIndex || truthy(env.PIP_NO_INDEX) || truthy(conf['no-index']);
  // A committed venv's pip.conf is the repository's word, not the user's.
  const venvConf = options.venvRoot ? path.join(options.venvRoot, 'pip.conf') : undefined;
  const byWorkspace = (from: string | undefined) => from === 'the requirements file' || (!!venvConf && from === venvConf);
  const userNamed = new Set(
    [
      env.PIP_INDEX_URL,
      ...split(env.PIP_EXTRA_INDEX_URL),
      ...split(env.PIP_FIND_LINKS),
      ...(['index-url', 'extra-index-url', 'find-links'] as const).flatMap((k) => (byWorkspace(confSource[k]) ? [] : split(conf[k]))),
      options.settings?.indexUrl,
      ...(options.settings?.extraIndexUrls ?? []),
    ]
      .filter((u): u is string => !!u)
      .map(stripSlash),
  );
  const workspaceNamedBy: Record<string, string> = {};
  const named = (urls: string[], by: string | undefined) => {
    for (const u of urls) if (by && !userNamed.has(stripSlash(u)) && !(u in workspaceNamedBy)) workspaceNamedBy[u] = by;
  };
  if (byWorkspace(source)) named([indexUrl!], source);
  named([...options.file.extraIndexUrls, ...(options.file.findLinks ?? [])], 'the requirements file');
  if (byWorkspace(confSource['extra-index-url'])) named(split(conf['extra-index-url']), confSource['extra-index-url']);
  if (byWorkspace(confSource['find-links'])) named(split(conf['find-links']), confSource['find-links']);
  const workspaceNamed = Object.keys(workspaceNamedBy);
  return { indexUrl: indexUrl!, extraIndexUrls, noIndex, source, findLinks, extraSources, workspaceNamed, workspaceNamedBy };
}

const stripSlash = (u: string) => u.replace(/\/+$/, '');
