// CLI entry: `--stdio` speaks LSP; `check [PATH...]` lints; `compile FILE.in`; `--version`, `--help`
// (each subcommand answers its own --help).

import { createConnection, ProposedFeatures, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { checkFiles, exitCode, formatJson, formatText } from './cli/check.js';
import { filesToCheck } from './cli/find.js';
import { CHECK_HELP, COMPILE_HELP, CONVERT_HELP, DERIVE_HELP, FREEZE_HELP, MAIN_HELP } from './cli/help.js';
import { register, SERVER_NAME, SERVER_VERSION } from './server.js';
import { differsOnDisk } from './workspace/disk.js';
import { createPathFacts } from './workspace/pathFacts.js';
import { createWorkspace } from './workspace/index.js';
import { createSmallFiles } from './workspace/smallFiles.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { createEnvironmentService } from './environment/index.js';
import { createLogger, type Log } from './lsp/guard.js';
import { defaultCacheDir } from './index/diskCache.js';
import { createIndexAdapter } from './index/views.js';
import { createOriginTrust, defaultStateFile } from './index/originTrust.js';
import { createConfiguration } from './lsp/configuration.js';
import { gateMessages } from './lsp/gate.js';
import { endWithStream, lastResort } from './lsp/lifeline.js';
import { FramedMessageReader } from './lsp/stream.js';
import { keepYoungGenerationSmall } from './lsp/youngGeneration.js';

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
  let root: string | undefined;
  const paths: string[] = [];
  const vulnerabilities = { ...DEFAULT_SETTINGS.vulnerabilities, ignore: [] as string[], allowFileIndexes: false, offline: false };
  const failOn: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, attached] =
      args[i].startsWith('--') && args[i].includes('=')
        ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)]
        : [args[i], undefined];
    const value = () => attached ?? args[++i] ?? '';
    if (flag === '--format') format = value();
    else if (flag === '--root') root = value();
    else if (flag === '--no-vulnerabilities') vulnerabilities.source = 'off';
    else if (flag === '--vulnerability-source') vulnerabilities.source = value() as typeof vulnerabilities.source;
    else if (flag === '--osv-url') vulnerabilities.osvUrl = value();
    else if (flag === '--ignore-vuln') vulnerabilities.ignore.push(value());
    else if (flag === '--allow-file-indexes') vulnerabilities.allowFileIndexes = true;
    else if (flag === '--offline') vulnerabilities.offline = true;
    else if (flag === '--fail-on')
      failOn.push(
        ...value()
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else if (args[i].startsWith('-') && args[i] !== '-') return usageError(`Unknown option '${args[i]}' for check.`, CHECK_HELP);
    else paths.push(args[i]);
  }
  if (format !== 'text' && format !== 'json' && format !== 'sarif') return usageError(`Unknown --format '${format}': use text, json or sarif.`, CHECK_HELP);
  if (!['pypi', 'osv', 'off'].includes(vulnerabilities.source))
    return usageError(`Unknown --vulnerability-source '${vulnerabilities.source}': use pypi, osv or off.`, CHECK_HELP);
  const { files, empty } = filesToCheck(paths);
  for (const dir of empty)
    process.stderr.write(
      `No requirements files under ${dir} (requirements*.txt, requirements*.in, constraints*.txt, *-requirements.txt, requirements/*.txt).\n`,
    );
  if (files.length === 0) {
    process.exitCode = 2; // nothing was checked: a mistyped folder must not pass a build
    return;
  }
  const warn = (m: string) => void process.stderr.write(`${m}\n`);
  void checkFiles(files, { root, vulnerabilities: { ...vulnerabilities, warn } }).then(async ({ results, vulnerabilities: report }) => {
    const sarif = format === 'sarif' ? (await import('./cli/sarif.js')).formatSarif(results, { name: SERVER_NAME, version: SERVER_VERSION }) : undefined;
    process.stdout.write(sarif ?? (format === 'json' ? formatJson(results) : formatText(results)));
    // Advisories that could not be looked up are said, and fail --fail-on vulnerable (unless --offline was asked).
    const { vulnerabilityVerdict } = await import('./cli/vulnerabilities.js');
    const verdict = vulnerabilityVerdict(report, failOn);
    if (verdict.message) process.stderr.write(`${verdict.message}\n`);
    process.exitCode = Math.max(exitCode(results, failOn), verdict.fails ? 1 : 0);
  });
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
  if (command === 'freeze' || command === 'derive') {
    if (wantsHelp(rest)) {
      process.stdout.write(command === 'freeze' ? FREEZE_HELP : DERIVE_HELP);
      return;
    }
    void import('./cli/freeze.js').then(async ({ deriveCommand, freezeCommand }) => {
      process.exitCode = await (command === 'freeze' ? freezeCommand(rest) : deriveCommand(rest));
    });
    return;
  }
  if (command === 'convert') {
    if (wantsHelp(rest)) return void process.stdout.write(CONVERT_HELP);
    void import('./cli/convert.js').then(({ convertCommand }) => {
      process.exitCode = convertCommand(rest);
    });
    return;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    const topics: Record<string, string> = { check: CHECK_HELP, compile: COMPILE_HELP, freeze: FREEZE_HELP, derive: DERIVE_HELP, convert: CONVERT_HELP };
    process.stdout.write(topics[topic] ?? MAIN_HELP(SERVER_VERSION));
    return;
  }
  // `--stdio` is what editors pass (some add --clientProcessId=N, which does not matter here).
  // With no arguments at a terminal, a person typed it: show the help rather than wait for LSP messages.
  if (argv.length === 0 && process.stdin.isTTY) {
    process.stdout.write(MAIN_HELP(SERVER_VERSION));
    return;
  }
  if (argv.includes('--stdio') || argv.length === 0 || command === 'start') {
    keepYoungGenerationSmall();
    // Frames read strictly, messages checked before any handler reads them, and the process tied to the
    // stream: a broken frame or a closed stdin ends it (the editor restarts it); nothing else does.
    let log: Log = (level, message) => void process.stderr.write(`[${level}] ${message}\n`); // until the connection's logger exists
    const reader = new FramedMessageReader(process.stdin);
    const writer = new StreamMessageWriter(process.stdout);
    const gate = gateMessages(reader, { reply: (m) => void writer.write(m).catch(() => undefined), log: (m) => log('warn', m) });
    endWithStream(reader, writer, { shutdownReceived: () => gate.shutdownReceived, log: (m) => log('error', m) });
    lastResort((m) => log('error', m));
    const connection = createConnection(ProposedFeatures.all, gate, writer);
    // Anything printed by accident must not corrupt the LSP stream on stdout.
    // eslint-disable-next-line no-console -- replacing them is the point
    console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
    // The adapters: the disk (through the workspace store), the environment and the index; the server wires
    // them to LSP and the language service, which itself does no I/O.
    const env = process.env;
    const configuration = createConfiguration();
    const configFiles = createSmallFiles();
    log = createLogger(connection, () => configuration.settings().logLevel);
    const logger = { info: (m: string) => log('info', m), warn: (m: string) => log('warn', m), error: (m: string) => log('error', m) };
    // A request, not a notification: the user's answer opens the origin (Neovim asks with its inputlist).
    const trust = createOriginTrust({
      policy: () => configuration.settings().index.allowWorkspaceIndexes,
      workspaceTrusted: configuration.workspaceTrusted,
      ask: ({ message }) =>
        connection.window.showWarningMessage(message, { title: 'Allow' }, { title: "Don't allow" }).then((answer) => answer?.title === 'Allow'),
      stateFile: defaultStateFile(env),
      logger,
    });
    register(connection, {
      workspace: createWorkspace({ env }),
      environments: createEnvironmentService({ env, logger }),
      index: createIndexAdapter({
        cacheDir: () => configuration.settings().cacheDir ?? defaultCacheDir(env),
        settings: configuration.settings,
        env,
        configFiles,
        logger,
        trust,
      }),
      configFiles,
      configuration,
      log,
      env,
      files: createPathFacts(),
      isDirtyOnDisk: differsOnDisk,
    });
    connection.listen();
    return;
  }
  usageError(`Unknown command '${command}'.`, MAIN_HELP(SERVER_VERSION));
}

main(process.argv.slice(2));
