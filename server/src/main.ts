// CLI entry: `--stdio` speaks LSP; `check [PATH...]` lints; `compile FILE.in`; `--version`, `--help`
// (each subcommand answers its own --help).

import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { checkFiles, exitCode, formatJson, formatText } from './cli/check.js';
import { filesToCheck } from './cli/find.js';
import { CHECK_HELP, COMPILE_HELP, MAIN_HELP } from './cli/help.js';
import { register, SERVER_VERSION } from './server.js';

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

function usageError(message: string, help: string): void {
  process.stderr.write(`${message}\n\n${help}`);
  process.exitCode = 2;
}

function check(args: string[]): void {
  if (wantsHelp(args)) {
    process.stdout.write(CHECK_HELP);
    return;
  }
  let format = 'text';
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--format') format = args[++i] ?? '';
    else if (args[i].startsWith('--format=')) format = args[i].slice('--format='.length);
    else if (args[i].startsWith('-') && args[i] !== '-') return usageError(`Unknown option '${args[i]}' for check.`, CHECK_HELP);
    else paths.push(args[i]);
  }
  if (format !== 'text' && format !== 'json') return usageError(`Unknown --format '${format}': use text or json.`, CHECK_HELP);
  const { files, empty } = filesToCheck(paths);
  for (const dir of empty) process.stderr.write(`No requirements files under ${dir} (requirements*.txt, requirements*.in, constraints*.txt, *-requirements.txt, requirements/*.txt).\n`);
  if (files.length === 0) {
    process.exitCode = 2; // nothing was checked: a mistyped folder must not pass a build
    return;
  }
  const results = checkFiles(files);
  process.stdout.write(format === 'json' ? formatJson(results) : formatText(results));
  process.exitCode = exitCode(results);
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === 'check') return check(rest);
  if (command === 'compile') {
    if (wantsHelp(rest)) {
      process.stdout.write(COMPILE_HELP);
      return;
    }
    void import('./cli/compile.js').then(async ({ compileCommand }) => {
      process.exitCode = await compileCommand(rest);
    });
    return;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    process.stdout.write(topic === 'check' ? CHECK_HELP : topic === 'compile' ? COMPILE_HELP : MAIN_HELP(SERVER_VERSION));
    return;
  }
  // `--stdio` is what editors pass (some add --clientProcessId=N, which does not matter here).
  // With no arguments at a terminal, a person typed it: show the help rather than wait for LSP messages.
  if (argv.length === 0 && process.stdin.isTTY) {
    process.stdout.write(MAIN_HELP(SERVER_VERSION));
    return;
  }
  if (argv.includes('--stdio') || argv.length === 0 || command === 'start') {
    const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
    // Anything printed by accident must not corrupt the LSP stream on stdout.
    console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
    register(connection);
    connection.listen();
    return;
  }
  usageError(`Unknown command '${command}'.`, MAIN_HELP(SERVER_VERSION));
}

main(process.argv.slice(2));
