// The client settings (section `requirements`), with a default for every key so that no setting is ever required.

export interface Settings {
  diagnostics: {
    /** Report problems at all. */
    enable: boolean;
    /** Compare the file with the active environment (not-installed, version-mismatch, ...). */
    environment: boolean;
    /** Hints on pins older than the newest final release (needs the package index). */
    outdated: boolean;
  };
  inlayHints: {
    /** `⟶ 2.32.3` after a requirement whose newest final release lies outside it (needs the package index). */
    outdated: boolean;
  };
  /** A virtual environment folder or an interpreter inside one; overrides VIRTUAL_ENV and discovery. */
  venvPath?: string;
  /** The index to use when neither the file, PIP_INDEX_URL nor pip.conf names one (default PyPI). */
  indexUrl?: string;
  extraIndexUrls: string[];
  index: {
    /**
     * How long a completion, hover, code action or code lens waits for index facts already being fetched
     * (ms, default 1000; 0: never wait). Past it the answer comes from what is at hand and refreshes later.
     */
    waitMs: number;
    /**
     * An index that only the workspace names (a requirements file's --index-url, a committed venv's pip.conf):
     * `ask` the user once per origin (remembered), `always` contact it, `never` contact it. The indexes the user
     * configured (PIP_*, the user's pip.conf, these settings) need no permission.
     */
    allowWorkspaceIndexes: 'ask' | 'always' | 'never';
  };
  /** Where index responses are cached (default: $XDG_CACHE_HOME/requirements-language-server). */
  cacheDir?: string;
  compile: {
    /** Which tool runs `requirements.compile`/`upgradePackage`/`sync`: auto = pip-compile, then uv, then the built-in resolver. */
    tool: 'auto' | 'pip-compile' | 'uv' | 'builtin';
    /** Extra arguments for the tool (e.g. `--generate-hashes`, `--strip-extras`). */
    args: string[];
  };
  derive: {
    /** Version bounds in a requirements.in derived from pip freeze output: none, `>=` or `~=` today's version. */
    bounds: 'none' | 'minimum' | 'compatible';
  };
  /** The interpreter "Create a virtual environment here" uses (default: python3, then python, on PATH). */
  python?: string;
  vulnerabilities: {
    /** Where known vulnerabilities come from: the index's JSON API (`pypi`), an OSV server (`osv`), or nowhere (`off`). */
    source: 'pypi' | 'osv' | 'off';
    /** The OSV API's base URL (a company mirror, say). */
    osvUrl: string;
    /** Advisory ids (or aliases) to leave out, as pip-audit's --ignore-vuln. */
    ignore: string[];
    /** Severity of the `vulnerable` diagnostic. */
    severity: 'error' | 'warning' | 'information' | 'hint';
  };
  /** A pin to a release uploaded fewer days ago than this gets a `too-new` warning; 0 turns it off. */
  cooldownDays: number;
  /** SPDX ids: a pin whose licence uses a denied id, or (with `allow`) one outside it, gets a `license` warning. */
  licenses: { allow: string[]; deny: string[] };
  /** Warn on a little-used name one small edit from a popular project (`look-alike`). */
  lookAlikes: boolean;
  /** Log level of window/logMessage: 'off' | 'error' | 'warn' | 'info' | 'debug'. */
  logLevel: 'off' | 'error' | 'warn' | 'info' | 'debug';
  /** Values for `${NAME}` in requirement lines that the server's own environment lacks (CI variables). */
  env: Record<string, string>;
}

export const DEFAULT_SETTINGS: Settings = {
  diagnostics: { enable: true, environment: true, outdated: true },
  inlayHints: { outdated: true },
  extraIndexUrls: [],
  index: { waitMs: 1000, allowWorkspaceIndexes: 'ask' },
  compile: { tool: 'auto', args: [] },
  derive: { bounds: 'none' },
  vulnerabilities: { source: 'pypi', osvUrl: 'https://api.osv.dev', ignore: [], severity: 'warning' },
  cooldownDays: 7,
  licenses: { allow: [], deny: [] },
  lookAlikes: true,
  logLevel: 'info',
  env: {},
};

/** Merges whatever the client sent (possibly null, partial, or of the wrong types) over the defaults. */
export function readSettings(raw: unknown, base: Settings = DEFAULT_SETTINGS): Settings {
  const o = isObject(raw) ? raw : {};
  const diagnostics = isObject(o.diagnostics) ? o.diagnostics : {};
  const levels = ['off', 'error', 'warn', 'info', 'debug'] as const;
  const tools = ['auto', 'pip-compile', 'uv', 'builtin'] as const;
  const compile = isObject(o.compile) ? o.compile : {};
  const derive = isObject(o.derive) ? o.derive : {};
  const bounds = ['none', 'minimum', 'compatible'] as const;
  const policies = ['ask', 'always', 'never'] as const;
  return {
    diagnostics: {
      enable: typeof diagnostics.enable === 'boolean' ? diagnostics.enable : base.diagnostics.enable,
      environment: typeof diagnostics.environment === 'boolean' ? diagnostics.environment : base.diagnostics.environment,
      outdated: typeof diagnostics.outdated === 'boolean' ? diagnostics.outdated : base.diagnostics.outdated,
    },
    inlayHints: { outdated: isObject(o.inlayHints) && typeof o.inlayHints.outdated === 'boolean' ? o.inlayHints.outdated : base.inlayHints.outdated },
    venvPath: typeof o.venvPath === 'string' && o.venvPath.trim() ? o.venvPath : o.venvPath === null ? undefined : base.venvPath,
    indexUrl: typeof o.indexUrl === 'string' && o.indexUrl.trim() ? o.indexUrl.trim() : base.indexUrl,
    extraIndexUrls: Array.isArray(o.extraIndexUrls) ? o.extraIndexUrls.filter((u): u is string => typeof u === 'string') : base.extraIndexUrls,
    index: {
      waitMs:
        isObject(o.index) && typeof o.index.waitMs === 'number' && Number.isFinite(o.index.waitMs) && o.index.waitMs >= 0
          ? Math.min(o.index.waitMs, 30_000)
          : base.index.waitMs,
      allowWorkspaceIndexes:
        isObject(o.index) && policies.includes(o.index.allowWorkspaceIndexes as never)
          ? (o.index.allowWorkspaceIndexes as Settings['index']['allowWorkspaceIndexes'])
          : base.index.allowWorkspaceIndexes,
    },
    cacheDir: typeof o.cacheDir === 'string' && o.cacheDir.trim() ? o.cacheDir : base.cacheDir,
    compile: {
      tool: tools.includes(compile.tool as Settings['compile']['tool']) ? (compile.tool as Settings['compile']['tool']) : base.compile.tool,
      args: Array.isArray(compile.args) ? compile.args.filter((a): a is string => typeof a === 'string') : base.compile.args,
    },
    derive: { bounds: bounds.includes(derive.bounds as Settings['derive']['bounds']) ? (derive.bounds as Settings['derive']['bounds']) : base.derive.bounds },
    python: typeof o.python === 'string' && o.python.trim() ? o.python.trim() : o.python === null ? undefined : base.python,
    vulnerabilities: readVulnerabilities(o.vulnerabilities, base.vulnerabilities),
    cooldownDays:
      typeof o.cooldownDays === 'number' && Number.isFinite(o.cooldownDays) && o.cooldownDays >= 0 ? Math.min(o.cooldownDays, 3650) : base.cooldownDays,
    licenses: readLicenses(o.licenses, base.licenses),
    lookAlikes: typeof o.lookAlikes === 'boolean' ? o.lookAlikes : base.lookAlikes,
    logLevel: levels.includes(o.logLevel as Settings['logLevel']) ? (o.logLevel as Settings['logLevel']) : base.logLevel,
    env: isObject(o.env) ? Object.fromEntries(Object.entries(o.env).filter((e): e is [string, string] => typeof e[1] === 'string')) : base.env,
  };
}

function readVulnerabilities(raw: unknown, base: Settings['vulnerabilities']): Settings['vulnerabilities'] {
  const v = isObject(raw) ? raw : {};
  const sources = ['pypi', 'osv', 'off'] as const;
  const severities = ['error', 'warning', 'information', 'hint'] as const;
  return {
    source: sources.includes(v.source as never) ? (v.source as Settings['vulnerabilities']['source']) : base.source,
    osvUrl: typeof v.osvUrl === 'string' && /^https?:\/\//.test(v.osvUrl.trim()) ? v.osvUrl.trim().replace(/\/+$/, '') : base.osvUrl,
    ignore: Array.isArray(v.ignore) ? v.ignore.filter((i): i is string => typeof i === 'string' && i.trim() !== '') : base.ignore,
    severity: severities.includes(v.severity as never) ? (v.severity as Settings['vulnerabilities']['severity']) : base.severity,
  };
}

function readLicenses(raw: unknown, base: Settings['licenses']): Settings['licenses'] {
  const l = isObject(raw) ? raw : {};
  const ids = (v: unknown, fallback: string[]) =>
    Array.isArray(v) ? v.filter((i): i is string => typeof i === 'string' && i.trim() !== '').map((i) => i.trim()) : fallback;
  return { allow: ids(l.allow, base.allow), deny: ids(l.deny, base.deny) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
