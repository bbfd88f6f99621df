import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { indexedEnv, TestClient } from '../test/lsp/client.ts';
import { FIXTURE_PROJECTS, startIndexServer } from '../test/fixtures/indexServer.ts';
import { report, summarize } from './stats.ts';
const index = await startIndexServer(FIXTURE_PROJECTS);
for (const [label, settle] of [['right after open', 0], ['500 ms after open', 500]] as const) {
  const firsts: number[] = [];
  let listed = 0;
  for (let i = 0; i < 10; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-first-'));
    const { client } = await TestClient.start({ env: indexedEnv(index.url) });
    const uri = client.open(path.join(dir, 'requirements.txt'), 'requests==\n');
    await client.waitForDiagnostics(uri);
    await new Promise((r) => setTimeout(r, settle));
    const t0 = performance.now();
    const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 10 } });
    firsts.push(performance.now() - t0);
    if (list.items.length) listed++;
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report(summarize(`first \`requests==\` completion, ${label}`, firsts), `${listed}/10 listed the versions`);
}
await index.stop();
