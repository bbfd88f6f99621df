// Code actions and compile: the code-action list a client asks for on every cursor move (every kind, and quick
// fixes alone), the lazily resolved whole-file actions on 5,000 lines, reading pip's report and writing
// pip-compile's format for 500 pins, and a whole built-in compile (a real venv and pip, wheels on disk) from
// the command to the written file.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLanguageService } from '../server/src/service/index.ts';
import { workspaceOf } from '../server/src/workspace/index.ts';
import { parse } from '../server/src/syntax/index.ts';
import { readReport } from '../server/src/compile/report.ts';
import { formatCompiled } from '../server/src/compile/format.ts';
import { TestClient, testEnv } from '../test/lsp/client.ts';
import { buildWheels } from '../test/fixtures/python.ts';
import { realisticLines, topProjects } from './corpus.ts';
import { measure, printMemory, report, summarize } from './stats.ts';
import type { IndexFacts, ProjectFact } from '../server/src/shared/facts.ts';

const lines = realisticLines(5000);
const text = lines.join('\n') + '\n';
const projects = topProjects();
// Index facts as the package index holds them once fetched: three releases each, two files with hashes each.
const facts = new Map<string, ProjectFact>(
  projects.map((p, i) => [
    p.name.toLowerCase().replace(/[-_.]+/g, '-'),
    {
      name: p.name,
      latest: '3.0.0',
      extras: [],
      versions: ['3.0.0', '2.0.0', '1.0.0'].map((version) => ({
        version,
        prerelease: false,
        hashes: [`sha256:${i.toString(16).padStart(64, 'a')}`, `sha256:${i.toString(16).padStart(64, 'b')}`],
      })),
    },
  ]),
);
const index: IndexFacts = { searchNames: () => ({ items: [], incomplete: false }), project: (n) => facts.get(n), peek: (n) => facts.get(n) };
const service = createLanguageService({ index: () => index });
const uri = pathToFileURL(path.join(os.tmpdir(), 'bench-requirements.txt')).toString();
const doc = parse(text);
const ctx = workspaceOf(() => undefined).contextWith(fileURLToPath(uri), doc, uri);
const cursor = { start: { line: 2500, character: 3 }, end: { line: 2500, character: 3 } };
report(await measure('code-action list at the cursor, 5,000 lines', 200, () => service.codeActions(ctx, { diagnostics: [] }, cursor), 20));
// A request for quick fixes alone (a client's filter, code actions on save): only the quick-fix providers run.
report(await measure('code-action list, only quickfix, 5,000 lines', 200, () => service.codeActions(ctx, { diagnostics: [], only: ['quickfix'] }, cursor), 20));
for (const kind of ['source.pinAll', 'source.upgradeAll', 'source.addHashes']) {
  const action = service.codeActions(ctx, { diagnostics: [], only: [kind] }, cursor)[0];
  let edits = 0;
  const s = await measure(`resolve ${kind}, 5,000 lines`, 50, () => {
    edits = service.resolveCodeAction(action, ctx).edit?.changes?.[uri].length ?? 0;
  });
  report(s, `${edits} edits`);
}

// pip's report for 500 pins (each requiring the next two) → pip-compile's format.
const N = 500;
const items = projects.slice(0, N).map((p, i) => ({
  download_info: { url: `file:///w/${p.name}-1.0-py3-none-any.whl`, archive_info: { hashes: { sha256: 'a'.repeat(64) } } },
  requested: i % 10 === 0,
  metadata: { name: p.name, version: '1.0', requires_dist: [projects[(i + 1) % N].name, `${projects[(i + 2) % N].name}; python_version > "3"`] },
}));
const reportText = JSON.stringify({
  version: '1',
  install: items,
  environment: { python_version: '3.11', python_full_version: '3.11.7', sys_platform: 'linux' },
});
report(
  await measure(`read pip's report + write pip-compile format, ${N} pins`, 50, () => {
    const r = readReport(reportText)!;
    return formatCompiled(r, { command: 'x', sources: new Map(), optionLines: [], generateHashes: true, header: true, annotate: true });
  }),
);
printMemory();

// The whole built-in compile over LSP: 40 wheels in a chain of dependencies, a venv with pip, --find-links.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-compile-bench-'));
const names = Array.from({ length: 40 }, (_, i) => `pkg${i}`);
buildWheels(
  path.join(dir, 'wheels'),
  names.map((name, i) => ({ name, version: '1.0', requires: i + 1 < names.length ? [`${names[i + 1]}>=1`] : [] })),
);
execFileSync('python3', ['-m', 'venv', path.join(dir, '.venv')], { stdio: 'pipe' });
fs.writeFileSync(path.join(dir, 'requirements.in'), `--no-index\n--find-links wheels\n${names.slice(0, 10).join('\n')}\n`);
const home = path.join(dir, 'home');
fs.mkdirSync(home);
const { client } = await TestClient.start({ rootUri: pathToFileURL(dir).toString(), env: testEnv({ HOME: home }) });
const runs: number[] = [];
for (let i = 0; i < 8; i++) {
  const t0 = performance.now();
  const result = await client.request(
    'workspace/executeCommand',
    { command: 'requirements.compile', arguments: [pathToFileURL(path.join(dir, 'requirements.in')).toString(), { upgrade: true }] },
    120_000,
  );
  runs.push(performance.now() - t0);
  if (!result.ok) throw new Error(result.message);
}
report(summarize('built-in compile over LSP, 40 packages (pip is most of it)', runs));
await client.stop();
fs.rmSync(dir, { recursive: true, force: true });
