// CLI entry: `--stdio` speaks LSP; `check FILES [--format text|json]` lints; `--version`, `--help`.

import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { checkFiles, exitCode, formatJson, formatText } from './cli/check.js';
import { register, SERVER_NAME, SERVER_VERSION } from './server.js';
import { DEFAULT_SETTINGS } from './settings.js';

const HELP = `${SERVER_NAME} ${SERVER_VERSION}

Usage:
  ${SERVER_NAME} --stdio                         run the language server over stdin/stdout
  ${SERVER_NAME} check [FILES...] [--format text|json|sarif] [--fail-on CODE[,CODE]]
                  [--no-vulnerabilities | --vulnerability-source pypi|osv] [--osv-url URL] [--ignore-vuln ID]
                                                 check requirements files (and their -r/-c includes);
                                                 exits 1 when any error is found, or any diagnostic
                                                 --fail-on names (--fail-on vulnerable for CI).
                                                 Known vulnerabilities of exact pins are asked of the
                                                 index pip would use (its /pypi/<name>/<version>/json
                                                 API; PIP_INDEX_URL, pip.conf, the file's -i) or of
                                                 OSV (default https://api.osv.dev), cached six hours
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
    const vulnerabilities = { ...DEFAULT_SETTINGS.vulnerabilities, ignore: [] as string[] };
    const failOn: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const [flag, attached] = rest[i].startsWith('--') && rest[i].includes('=') ? [rest[i].slice(0, rest[i].indexOf('=')), rest[i].slice(rest[i].indexOf('=') + 1)] : [rest[i], undefined];
      const value = () => attached ?? rest[++i] ?? '';
      if (flag === '--format') format = value();
      else if (flag === '--no-vulnerabilities') vulnerabilities.source = 'off';
      else if (flag === '--vulnerability-source') vulnerabilities.source = value() as typeof vulnerabilities.source;
      else if (flag === '--osv-url') vulnerabilities.osvUrl = value();
      else if (flag === '--ignore-vuln') vulnerabilities.ignore.push(value());
      else if (flag === '--fail-on') failOn.push(...value().split(',').map((c) => c.trim()).filter(Boolean));
      else files.push(rest[i]);
    }
    if (format !== 'text' && format !== 'json' && format !== 'sarif') {
      process.stderr.write(`Unknown --format '${format}': use text, json or sarif\n`);
      process.exitCode = 2;
      return;
    }
    if (!['pypi', 'osv', 'off'].includes(vulnerabilities.source)) {
      process.stderr.write(`Unknown --vulnerability-source '${vulnerabilities.source}': use pypi, osv or off\n`);
      process.exitCode = 2;
      return;
    }
    if (files.length === 0) files.push('requirements.txt');
    const results = checkFiles(files);
    void import('./cli/vulnerabilities.js')
      .then(({ addVulnerabilities }) => addVulnerabilities(results, { ...vulnerabilities, env: process.env, warn: (m) => process.stderr.write(`${m}\n`) }))
      .then(async () => {
        const sarif = format === 'sarif' ? (await import('./cli/sarif.js')).formatSarif(results, { name: SERVER_NAME, version: SERVER_VERSION }) : undefined;
        process.stdout.write(sarif ?? (format === 'json' ? formatJson(results) : formatText(results)));
        process.exitCode = exitCode(results, failOn);
      });
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
    register(connection);
    connection.listen();
    return;
  }
  process.stdout.write(HELP);
  if (!argv.includes('--help') && !argv.includes('-h')) process.exitCode = 2;
}

main(process.argv.slice(2));
