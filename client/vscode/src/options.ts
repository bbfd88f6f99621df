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

export type InitializationOptions = RequirementsSettings & { statusNotifications: true; workspaceTrusted: boolean };

/**
 * The server's initializationOptions: the `requirements` settings, with the Python extension's interpreter when no
 * venvPath is set, and whether the workspace is trusted (`vscode.workspace.isTrusted`). Untrusted, the server
 * contacts no index the workspace names, reads no local index it names and runs no process.
 */
export function initializationOptions(settings: RequirementsSettings, interpreter: string | undefined, workspaceTrusted: boolean): InitializationOptions {
  const venvPath = settings.venvPath || interpreter || undefined;
  // statusNotifications: this client shows the server's `requirements/status` in the status bar.
  // The flags come last: `requirements` may hold keys no setting declares (VS Code passes those on from a
  // workspace's .vscode/settings.json unfiltered), and a workspace must not be able to call itself trusted.
  return { ...settings, venvPath: venvPath ?? null, statusNotifications: true, workspaceTrusted };
}

/**
 * The server's commands that run a process, with what they run: off in Restricted Mode.
 * deriveRequirementsIn and freeze only read the environment from disk and edit a file, so they stay.
 */
const RUNS_PROCESS: ReadonlyMap<string, string> = new Map([
  ['requirements.compile', 'Compile runs pip-compile, uv or pip'],
  ['requirements.upgradePackage', 'Upgrade runs pip-compile, uv or pip'],
  ['requirements.sync', 'Sync runs pip-sync, uv or pip'],
  ['requirements.install', 'Install runs pip'],
  ['requirements.createVenv', 'Create a virtual environment runs python'],
]);

export function runsProcess(command: string): boolean {
  return RUNS_PROCESS.has(command);
}

/** What the user reads when a command that runs a tool is invoked in Restricted Mode. */
export function restrictedModeMessage(command: string): string {
  const what = RUNS_PROCESS.get(command) ?? `${command} runs a tool`;
  return `${what}, and this workspace is in Restricted Mode: commands that run tools are off until you trust the workspace.`;
}

type WithCommand = { command?: string | { command: string } };

/**
 * Code lenses and code actions minus those whose command runs a process, for Restricted Mode: a lens that
 * cannot run is not shown. A bare Command (`{ title, command: 'id' }`) and a CodeAction (`{ command: { command } }`) both count.
 */
export function withoutProcessCommands<T extends WithCommand>(items: readonly T[] | null | undefined): T[] | null | undefined {
  if (!items) return items;
  return items.filter((item) => {
    const id = typeof item.command === 'string' ? item.command : item.command?.command;
    return !(id && runsProcess(id));
  });
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

/** What the status item says on hover: why the index is offline, or why installed versions are not checked. */
export function statusTooltip(s: ServerStatus): string {
  const lines = [
    s.environment === 'no environment'
      ? 'No virtual environment found: installed versions are not checked. Set requirements.venvPath, select an interpreter, or create .venv beside the file.'
      : 'Environment the requirements files are checked against',
  ];
  if (s.index === 'offline') lines.push('The package index cannot be reached: completion uses the disk cache');
  return lines.join('\n');
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
export function commandArguments(
  command: string,
  args: unknown[],
  activeUri: string | undefined,
  packageName?: string,
  options?: Record<string, unknown>,
): unknown[] | undefined {
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
