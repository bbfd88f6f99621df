// Which package-index origins the server may contact. The user's own configuration (PIP_*, the user's and the
// global pip.conf, the settings, PyPI) is trusted as pip trusts it; an origin that only the workspace names (a
// requirements file, a committed venv's pip.conf) is contacted once the user allowed it: opening a repository
// must not send its chosen host a request (a secret in the URL's path, a request forgery), as pip does only
// when the user runs `pip install`.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redact } from './credentials.js';
import type { IndexConfig } from './pipConfig.js';

/** `ask`: once per origin, remembered; `always`: the workspace's indexes are trusted; `never`: never contacted. */
export type WorkspaceIndexPolicy = 'ask' | 'always' | 'never';

export interface OriginTrustOptions {
  policy(): WorkspaceIndexPolicy;
  /** False in an editor's restricted mode (VS Code's untrusted workspace): nothing the workspace names is read. */
  workspaceTrusted(): boolean;
  /**
   * Asks the user; true allows. Anything else (refused, dismissed, a client that cannot ask) keeps the origin
   * closed for the session without asking again; a question never answered keeps it closed too.
   */
  ask(question: { origin: string; message: string }): Promise<boolean | undefined>;
  /** Where allowed origins are remembered across sessions (undefined: this session only). */
  stateFile?: string;
  logger: { info(message: string): void; warn(message: string): void };
}

export interface OriginTrust {
  /**
   * What of this configuration may not be contacted or read now, in plain words (empty: all of it may). The
   * first time a workspace-named origin is met under `ask`, the user is asked (in the background).
   */
  blocked(config: IndexConfig): string[];
  /** Whether netrc's `default` entry may be sent to this origin: only to origins the user configured. */
  userOrigin(origin: string): boolean;
  /** Origins the user configured (for the netrc rule), recomputed when the configuration changes. */
  setUserOrigins(urls: string[]): void;
  /** An origin was allowed: the files that name it can be checked again. */
  onDidAllow(listener: () => void): void;
}

/** `https://host:port` of a URL (no credentials, no path), or undefined for a local path or a broken URL. */
export function originOf(url: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^file:/i.test(url)) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The default index and its file host: what pip contacts with no configuration at all. */
const PYPI_ORIGINS = ['https://pypi.org', 'https://files.pythonhosted.org'];

export function defaultStateFile(env: Record<string, string | undefined>): string {
  const base = env.XDG_STATE_HOME || path.join(env.HOME ?? os.homedir(), '.local', 'state');
  return path.join(base, 'requirements-language-server', 'allowed-indexes.json');
}

export function createOriginTrust(options: OriginTrustOptions): OriginTrust {
  const userOrigins = new Set(PYPI_ORIGINS);
  const allowed = new Set<string>(readAllowed(options.stateFile));
  const refused = new Set<string>();
  const asking = new Set<string>();
  const told = new Set<string>();
  const listeners: (() => void)[] = [];
  const tellOnce = (key: string, message: string) => {
    if (told.has(key)) return;
    told.add(key);
    options.logger.warn(message);
  };

  const ask = (origin: string, namedBy: string) => {
    asking.add(origin);
    const message =
      `${namedBy} names the package index ${origin}, which you have not configured. ` + 'Contact it to complete and check the packages it serves?';
    options
      .ask({ origin, message })
      .then(
        (answer) => {
          if (answer === true) {
            allowed.add(origin);
            remember(options.stateFile, allowed, options.logger);
            options.logger.info(`Package index ${origin}: allowed; it is remembered.`);
            for (const l of listeners) l();
          } else {
            refused.add(origin);
            options.logger.info(
              `Package index ${origin}: not allowed; its facts stay off for this session (to be asked again, restart the server; ` +
                'to allow every index a workspace names, set requirements.index.allowWorkspaceIndexes to "always").',
            );
          }
        },
        (error: unknown) => {
          refused.add(origin);
          options.logger.warn(`Package index ${origin}: the editor could not ask whether to contact it (${String(error)}); it stays off.`);
        },
      )
      .finally(() => asking.delete(origin));
  };

  return {
    blocked(config) {
      const out: string[] = [];
      const trusted = options.workspaceTrusted();
      const policy = options.policy();
      for (const url of config.workspaceNamed ?? []) {
        // --no-index turns the indexes off; find-links are still read, as pip reads them.
        if (config.noIndex && !(config.findLinks ?? []).includes(url)) continue;
        const origin = originOf(url);
        if (origin === undefined) {
          if (!trusted) {
            out.push(`${redact(url)} is a local index named by the workspace, not read in Restricted Mode`);
            tellOnce(`local ${url}`, `Restricted Mode: the workspace's local index ${redact(url)} is not read.`);
          }
          continue;
        }
        if (userOrigins.has(origin) || (trusted && (policy === 'always' || allowed.has(origin)))) continue;
        out.push(`${origin} is named by the workspace and not allowed`);
        if (!trusted) tellOnce(origin, `Restricted Mode: the package index ${origin}, named by the workspace, is not contacted.`);
        else if (policy === 'never')
          tellOnce(origin, `The package index ${origin}, named by the workspace, is not contacted (requirements.index.allowWorkspaceIndexes is "never").`);
        else if (!refused.has(origin) && !asking.has(origin)) {
          tellOnce(
            origin,
            `The package index ${origin}, named by the workspace, is contacted only once you allow it; index facts for the files that use it wait until then.`,
          );
          // Who names it: the environment's pip.conf (its path), else a requirements file of the workspace.
          const by = config.workspaceNamedBy?.[url];
          ask(origin, by && by !== 'the requirements file' ? `The environment's ${by}` : 'A requirements file in this workspace');
        }
      }
      return out;
    },
    userOrigin: (origin) => userOrigins.has(origin),
    onDidAllow: (listener) => void listeners.push(listener),
    setUserOrigins(urls) {
      userOrigins.clear();
      for (const o of PYPI_ORIGINS) userOrigins.add(o);
      for (const u of urls) {
        const origin = originOf(u);
        if (origin) userOrigins.add(origin);
      }
    },
  };
}

/** Read once when the server starts (a few hundred bytes); a broken file allows nothing. */
function readAllowed(file: string | undefined): string[] {
  if (!file) return [];
  try {
    const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const list = (data as { allowed?: unknown } | null)?.allowed;
    return Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string' && originOf(o) === o) : [];
  } catch {
    return [];
  }
}

function remember(file: string | undefined, allowed: Set<string>, logger: { warn(message: string): void }): void {
  if (!file) return;
  const text = `${JSON.stringify({ allowed: [...allowed].sort() }, null, 2)}\n`;
  const temporary = `${file}.${process.pid}.tmp`;
  void fs.promises
    .mkdir(path.dirname(file), { recursive: true })
    .then(() => fs.promises.writeFile(temporary, text, { mode: 0o600 }))
    .then(() => fs.promises.rename(temporary, file))
    .catch((error: unknown) => logger.warn(`Could not remember the allowed index in ${file}: ${String(error)}`));
}
