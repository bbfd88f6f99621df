// What real projects write, seen through the editor: paths that resolve from where pip runs, ${VAR} lines, huge nesting.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient } from './client.ts';

describe('a monorepo opened at its root', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-real-'));
    fs.mkdirSync(path.join(dir, 'libs/core'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'libs/core/pyproject.toml'), '');
    fs.mkdirSync(path.join(dir, 'services/api/local'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'services/api/local/setup.py'), '');
    ({ client } = await TestClient.start({ rootUri: pathToFileURL(dir).toString() }));
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a path found from the workspace folder or the file folder is fine and links to what was found; elsewhere a warning names the places looked', async () => {
    const file = path.join(dir, 'services/api/test-requirements.txt');
    const uri = client.open(file, '-e libs/core\n-e ./local\n-e libs/missing\nrequests\n');
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(
      diags.map((d) => [d.code, d.severity, d.range.start.line]),
      [['path-not-found', 2, 2]],
    );
    assert.ok(diags[0].message.includes(path.join(dir, 'libs/missing')) && diags[0].message.includes(path.join(dir, 'services/api/libs/missing')), diags[0].message);
    assert.match(diags[0].message, /from the folder it runs in/);
    const links = await client.request('textDocument/documentLink', { textDocument: { uri } });
    assert.deepEqual(
      links.map((l: any) => [l.range.start.line, l.target]),
      [
        [0, pathToFileURL(path.join(dir, 'libs/core')).toString()],
        [1, pathToFileURL(path.join(dir, 'services/api/local')).toString()],
      ],
    );
  });
});
