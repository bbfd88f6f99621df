// The server's log (guard.ts createLogger): the LSP message type carries the level, so the text does not repeat it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../server/src/lsp/guard.ts';

test('each level goes out as its own message type, without the level again in the text (clients print "[Warn - …]")', () => {
  const sent: [string, string][] = [];
  const record = (type: string) => (message: string) => void sent.push([type, message]);
  const console = { error: record('error'), warn: record('warning'), info: record('info'), log: record('log') };
  const log = createLogger({ console } as never, () => 'debug');
  log('error', 'e');
  log('warn', 'The project list could not be fetched');
  log('info', 'i');
  log('debug', 'd');
  assert.deepEqual(sent, [
    ['error', 'e'],
    ['warning', 'The project list could not be fetched'],
    ['info', 'i'],
    ['log', '[debug] d'],
  ]);
  sent.length = 0;
  createLogger({ console } as never, () => 'warn')('info', 'not at this level');
  assert.deepEqual(sent, []);
});
