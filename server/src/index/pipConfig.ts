// Which indexes to ask, resolved as pip resolves them: file options, then PIP_* variables, then pip's config
// files (PIP_CONFIG_FILE, global, user, the environment's own), then the client's settings, then PyPI.

import * as os from 'node:os';
import * as path from 'node:path';

export const PYPI = 'https://pypi.org/simple';

export interface IndexOptions {
  indexUrl?: string;
  extraIndexUrls: string[];
  noIndex: boolean;
}

export interface IndexConfig {
  indexUrl: string;
  extraIndexUrls: string[];
  noIndex: boolean;
  /** Where the index URL came from, for the log (never the URL's credentials). */
  source: string;
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
  let confSource = '';
  for (const f of pipConfigFiles(options.env, options.venvRoot)) {
    const text = options.readFile(f);
    if (text === undefined) continue;
    const parsed = parsePipConf(text);
    if (parsed['index-url'] || parsed['extra-index-url'] || parsed['no-index']) confSource = f;
    conf = { ...conf, ...parsed };
  }
  const env = options.env;
  const candidates: [string | undefined, string][] = [
    [options.file.indexUrl, 'the requirements file'],
    [env.PIP_INDEX_URL, 'PIP_INDEX_URL'],
    [conf['index-url'], confSource],
    [options.settings?.indexUrl, 'the client settings'],
  ];
  const [indexUrl, source] = candidates.find(([v]) => !!v) ?? [PYPI, 'the default'];
  const extraIndexUrls = [...new Set([...options.file.extraIndexUrls, ...split(env.PIP_EXTRA_INDEX_URL), ...split(conf['extra-index-url']), ...(options.settings?.extraIndexUrls ?? [])])];
  const noIndex = options.file.noIndex || truthy(env.PIP_NO_INDEX) || truthy(conf['no-index']);
  return { indexUrl: indexUrl!, extraIndexUrls, noIndex, source };
}
