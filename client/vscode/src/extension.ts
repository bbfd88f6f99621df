// The VS Code client: starts the bundled server, forwards settings, the Python extension's interpreter and whether
// the workspace is trusted (Restricted Mode: no index the workspace names, no local index files, no processes).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  commandArguments,
  environmentLabel,
  initializationOptions,
  packageOnLine,
  restrictedModeMessage,
  runsProcess,
  statusText,
  statusTooltip,
  withoutProcessCommands,
  type RequirementsSettings,
  type ServerStatus,
} from './options';

let client: LanguageClient | undefined;

async function pythonInterpreter(): Promise<string | undefined> {
  const python = vscode.extensions.getExtension('ms-python.python');
  if (!python) return undefined;
  try {
    const api = python.isActive ? python.exports : await python.activate();
    const active = api?.environments?.getActiveEnvironmentPath?.();
    return typeof active?.path === 'string' ? active.path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the palette asks before the pip freeze workflow's commands: freeze into this file or a new one;
 * the interpreter for a new venv (the setting, else the Python extension's, else the server's python3).
 * null: the user dismissed the question.
 */
async function paletteOptions(command: string, active: vscode.Uri, config: RequirementsSettings): Promise<Record<string, unknown> | undefined | null> {
  if (command === 'requirements.freeze') {
    const choice = await vscode.window.showQuickPick(['Replace this file with the environment’s pins', 'Write them to a new file…'], {
      placeHolder: 'Freeze this environment',
    });
    if (!choice) return null;
    if (choice.startsWith('Replace')) return undefined;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(active, '..', 'requirements-frozen.txt'),
      filters: { Requirements: ['txt'] },
    });
    return target ? { target: target.toString() } : null;
  }
  if (command === 'requirements.createVenv') {
    const python = config.python || (await pythonInterpreter());
    return python ? { python } : undefined;
  }
  return undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Python Requirements');
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = 'requirements.showOutput';
  const settings = () => vscode.workspace.getConfiguration().get<RequirementsSettings>('requirements') ?? {};
  let interpreter = await pythonInterpreter();
  // A function, so that every start (a restart after a crash, or after trust is granted) sends the current state.
  const options = () => initializationOptions(settings(), interpreter, vscode.workspace.isTrusted);
  status.text = `$(package) ${environmentLabel(options().venvPath)}`;
  status.tooltip = 'Environment the requirements files are checked against';

  const module = context.asAbsolutePath(path.join('dist', 'server.cjs'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, args: ['--stdio'] },
    debug: { module, transport: TransportKind.stdio, args: ['--stdio'] },
  };
  const clientOptions: LanguageClientOptions = {
    // Requirements files; and, for their requirement strings only, pyproject.toml, pylock.toml and Python scripts
    // (the server answers nothing outside a PEP 723 block or a dependency array, so TOML and Python servers keep the rest).
    documentSelector: [
      { language: 'pip-requirements' },
      { scheme: 'file', pattern: '**/pyproject.toml' },
      { scheme: 'file', pattern: '**/pylock.toml' },
      { scheme: 'file', pattern: '**/pylock.*.toml' },
      { scheme: 'file', language: 'python' },
    ],
    synchronize: { configurationSection: 'requirements' },
    initializationOptions: options,
    outputChannel: output,
    // The server's commands (compile, upgradePackage, sync) are registered by the language client from the
    // server's executeCommandProvider; from the palette they arrive without arguments, so the active file
    // (and, for upgradePackage, a package name) is filled in here.
    middleware: {
      executeCommand: async (command, args, next) => {
        // Restricted Mode: the palette hides these (package.json, when isWorkspaceTrusted), lenses and actions are
        // filtered below; a keybinding or another extension can still invoke one, and is told why nothing runs.
        if (!vscode.workspace.isTrusted && runsProcess(command)) {
          void vscode.window.showWarningMessage(restrictedModeMessage(command), 'Manage Workspace Trust').then((choice) => {
            if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
          });
          return undefined;
        }
        const editor = vscode.window.activeTextEditor;
        let name: string | undefined;
        if (command === 'requirements.upgradePackage' && args.length === 0 && editor) {
          name = await vscode.window.showInputBox({
            prompt: 'Package to upgrade in the compiled file (leave empty to upgrade all)',
            value: packageOnLine(editor.document.lineAt(editor.selection.active.line).text) ?? '',
          });
          if (name === undefined) return undefined;
        }
        const extra = args.length === 0 && editor ? await paletteOptions(command, editor.document.uri, settings()) : undefined;
        if (extra === null) return undefined;
        const filled = commandArguments(command, args, editor?.document.uri.toString(), name?.trim() || undefined, extra);
        if (!filled) {
          void vscode.window.showWarningMessage(`${command}: open a requirements file first.`);
          return undefined;
        }
        return next(command, filled);
      },
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        return vscode.workspace.isTrusted ? lenses : withoutProcessCommands(lenses);
      },
      provideCodeActions: async (document, range, context, token, next) => {
        const actions = await next(document, range, context, token);
        return vscode.workspace.isTrusted ? actions : withoutProcessCommands(actions);
      },
    },
  };
  client = new LanguageClient('requirements', 'Python Requirements', serverOptions, clientOptions);
  await client.start();
  // The environment in use and the index state (loading, offline), as the server reports them.
  client.onNotification('requirements/status', (s: ServerStatus) => {
    status.text = statusText(s, environmentLabel(options().venvPath));
    status.tooltip = statusTooltip(s);
  });

  const showStatus = () => {
    if (vscode.window.activeTextEditor?.document.languageId === 'pip-requirements') status.show();
    else status.hide();
  };
  showStatus();
  context.subscriptions.push(output, status, vscode.window.onDidChangeActiveTextEditor(showStatus));

  // A new interpreter chosen in the Python extension becomes the environment the files are checked against.
  const python = vscode.extensions.getExtension('ms-python.python');
  const api = python?.isActive ? python.exports : undefined;
  const onChange = api?.environments?.onDidChangeActiveEnvironmentPath;
  if (onChange) {
    context.subscriptions.push(
      onChange(async () => {
        interpreter = await pythonInterpreter();
        const next = options();
        status.text = `$(package) ${environmentLabel(next.venvPath)}`;
        await client?.sendNotification('workspace/didChangeConfiguration', { settings: { requirements: next } });
      }),
    );
  }
  context.subscriptions.push(vscode.commands.registerCommand('requirements.showOutput', () => output.show()));

  // Trust is read once, at initialize: the server starts again trusted, with the settings Restricted Mode held back.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      try {
        await client?.restart();
      } catch (error) {
        output.appendLine(`Could not restart the server after the workspace was trusted: ${String(error)}`);
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
