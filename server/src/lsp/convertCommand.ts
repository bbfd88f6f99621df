// `requirements.convert`: a compiled requirements.txt to a pylock.toml (PEP 751) or back, written beside it. An open
// output changes through the editor (undoable); a closed one is written on disk, as a compile writes its output.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageType, type ExecuteCommandParams } from 'vscode-languageserver/node.js';
import { writeAtomically } from '../compile/builtin.js';
import { COMMANDS } from '../service/commandIds.js';
import { conversionTarget, convertFile } from '../service/lockConversion.js';
import { showMessage, type CommandHandler, type CommandHost } from './commands.js';

/** Arguments: `[uri, { output?: uri }]`. */
export function convertCommand(host: CommandHost): Record<string, CommandHandler> {
  const convert = async (params: ExecuteCommandParams) => {
    const filePath = host.uriToPath(String(params.arguments?.[0] ?? ''));
    const options = params.arguments?.[1];
    const given = typeof options === 'object' && options !== null ? (options as { output?: unknown }).output : undefined;
    const output = typeof given === 'string' && given ? host.uriToPath(given) : conversionTarget(filePath);
    const fail = (message: string) => {
      showMessage(host.connection, MessageType.Error, message);
      return { ok: false, message };
    };
    const text = host.readFile(filePath);
    if (text === undefined) return fail(`Cannot read ${filePath}.`);
    const result = convertFile(filePath, text, host.downloads?.(filePath));
    if ('error' in result) return fail(`Cannot convert: ${result.error}.`);
    const editor = host.openEditor?.(output);
    const note = editor ? await editor(result.text, `Convert ${path.basename(filePath)}`) : undefined;
    if (note === undefined) writeAtomically(output, result.text);
    host.changed([output]);
    const left = result.warnings.length ? ` ${result.warnings.join('; ')}.` : '';
    const message = `Converted ${path.basename(filePath)} to ${path.basename(output)}.${note ?? ''}${left}`;
    showMessage(host.connection, result.warnings.length ? MessageType.Warning : MessageType.Info, message);
    return { ok: true, message, output: pathToFileURL(output).toString(), warnings: result.warnings };
  };
  return { [COMMANDS.convert]: convert };
}
