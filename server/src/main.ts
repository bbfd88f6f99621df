// CLI entry: `--stdio` speaks LSP; `check FILES [--format text|json]` lints; `--version`, `--help`.

import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { checkFiles, exitCode, formatJson, formatText } from './cli/check.js';
import { register, SERVER_NAME, SERVER_VERSION } from './server.js';
import { nodeFiles } from './workspace/disk.js';
import { createWorkspace } from './workspace/index.js';

const HELP = `${SERVER_NAME} ${SERVER_VERSION}

Usage:
  ${SERVER_NAME} --stdio                         run the language server over stdin/stdout
  ${SERVER_NAME} check [FILES...] [--format text|json]
                                                 check requirements files (and their -r/-c includes);
                                                 exits 1 when any error is found
  ${SERVER_NAME} compile FILE.in [--tool auto|pip-compile|uv|builtin] [--venv DIR]
                  [--generate-hashes] [--upgrade | --upgrade-package NAME] [pip-compile options...]
                                                 write FILE.txt with pip-compile, uv, or the built-in
                                                 resolver (the environment's pip); exits 1 on failure
  ${SERVER_NAME} --version | --help
`;

function main(argv: string[]): void {
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  if (argv[0] === 'check') {
    const rest = argv.slice(1);
    let format = 'text';
    const files: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--format') format = rest[++i] ?? 'text';
      else if (rest[i].startsWith('--format=')) format = rest[i].slice('--format='.length);
      else files.push(rest[i]);
    }
    if (format !== 'text' && format !== 'json') {
      process.stderr.write(`Unknown --format '${format}': use text or json\n`);
      process.exitCode = 2;
      return;
    }
    if (files.length === 0) files.push('requirements.txt');
    const results = checkFiles(files);
    process.stdout.write(format === 'json' ? formatJson(results) : formatText(results));
    process.exitCode = exitCode(results);
    return;
  }
  if (argv[0] === 'compile') {
    void import('./cli/compile.js').then(async ({ compileCommand }) => {
      process.exitCode = await compileCommand(argv.slice(1));
    });
    return;
  }
  if (argv.includes('--stdio') || argv.length === 0 || argv[0] === 'start') {
    const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
    // Anything printed by accident must not corrupt the LSP stream on stdout.
    console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
    // The adapters: the disk (through the workspace store), the environment and the index are created here or
    // by the server from these; the language service itself does no I/O.
    register(connection, {
      workspace: createWorkspace({ env: process.env }),
      env: process.env,
      files: nodeFiles,
      readConfigFile: nodeFiles.readSmallFile,
      isDirtyOnDisk: nodeFiles.differs,
    });
    connection.listen();
    return;
  }
  process.stdout.write(HELP);
  if (!argv.includes('--help') && !argv.includes('-h')) process.exitCode = 2;
}

main(process.argv.slice(2));
