// Pure helpers of the extension: what the server gets from VS Code's settings and the Python extension.

export interface RequirementsSettings {
  venvPath?: string | null;
  indexUrl?: string | null;
  extraIndexUrls?: string[];
  index?: { waitMs?: number };
  diagnostics?: { enable?: boolean; environment?: boolean; outdated?: boolean };
  inlayHints?: { outdated?: boolean };
  compile?: { tool?: string; args?: string[] };
  derive?: { bounds?: 'none' | 'minimum' | 'compatible' };
  python?: string | null;
  logLevel?: string;
}

/** The server's initializationOptions: the `requirements` settings, with the Python extension's interpreter when no venvPath is set. */
export function initializationOptions(settings: RequirementsSettings, interpreter: string | undefined): RequirementsSettings & { statusNotifications: true } {
  const venvPath = settings.venvPath || interpreter || undefined;
  // statusNotifications: this client shows the server's `requirements/status` in the status bar.
  return { ...settings, venvPath: venvPath ?? null, statusNotifications: true };
}

export interface ServerStatus {
  index: 'idle' | 'loading' | 'ready' | 'offline';
  environment?: string;
}

/** `$(package) .venv (Python 3.11.7) · index offline` */
export function statusText(s: ServerStatus, fallbackEnvironment: string): string {
  const index = s.index === 'loading' ? ' · index loading' : s.index === 'offline' ? ' · index offline' : '';
  return `$(package) ${s.environment ?? fallbackEnvironment}${index}`;
}

/** `…/.venv/bin/python` → `.venv (python)` for the status bar. */
export function environmentLabel(venvPath: string | null | undefined): string {
  if (!venvPath) return 'no environment selected';
  const parts = venvPath.split(/[\\/]/).filter(Boolean);
  const i = parts.findIndex((p) => p === 'bin' || p === 'Scripts');
  return i > 0 ? parts[i - 1] : parts[parts.length - 1];
}

/**
 * Arguments for the server's commands when run from the palette (no arguments): the active file's URI, and
 * for upgradePackage the package name asked for (undefined: upgrade all). Code lenses and code actions
 * already carry theirs and pass through unchanged.
 */
export function commandArguments(command: string, args: unknown[], activeUri: string | undefined, packageName?: string, options?: Record<string, unknown>): unknown[] | undefined {
  if (args.length > 0) return args;
  if (!activeUri) return undefined;
  if (command === 'requirements.upgradePackage' && packageName) return [activeUri, packageName];
  // freeze may target another file than the active one (a new file the user named); createVenv takes the interpreter.
  if (options) return [typeof options.target === 'string' ? options.target : activeUri, options];
  return [activeUri];
}

/** The package named on a requirement line (`Django[argon2]>=4 ; …` → `Django`), for the input box's default. */
export function packageOnLine(line: string): string | undefined {
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.replace(/#.*$/, ''))?.[1];
}
