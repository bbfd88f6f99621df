// The terminal-to-HTML step behind the README's Neovim pictures: what tmux prints must keep its colours.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ansiToHtml } from '../clients/ansiHtml.ts';

const spans = (html: string) => [...html.matchAll(/<span style="([^"]*)">([^<]*)<\/span>/g)].map((m) => [m[2], m[1]]);

test("an underline colour (SGR 58;2;r;g;b, Neovim's diagnostic underline) keeps the text's colour and is drawn", () => {
  // As tmux printed Neovim 0.7.2's `"django=5.0"` with an error under the `=`.
  const html = ansiToHtml('\x1b[95m"django\x1b[4m\x1b[58;2;255;0;0m=\x1b[0m\x1b[95m\x1b[49m5.0"\x1b[39m', 20, 't');
  const [quote, under, rest] = spans(html);
  assert.deepEqual(quote, ['"django', 'color:#d670d6;background:#1e1e1e']);
  // Before: the 0 of 255;0;0 was read as a reset, and the `=` lost its colour and its underline.
  assert.deepEqual(under, ['=', 'color:#d670d6;background:#1e1e1e;text-decoration:underline;text-decoration-color:rgb(255,0,0)']);
  assert.deepEqual(rest, ['5.0"', 'color:#d670d6;background:#1e1e1e']);
});

test('SGR 59 drops the underline colour; 256-colour underline colours are read too', () => {
  const html = ansiToHtml('\x1b[4;58;5;196ma\x1b[59mb\x1b[0m', 4, 't');
  const [a, b] = spans(html);
  assert.equal(a[1], `color:#d4d4d4;background:#1e1e1e;text-decoration:underline;text-decoration-color:rgb(255,0,0)`);
  assert.equal(b[1], 'color:#d4d4d4;background:#1e1e1e;text-decoration:underline');
});
