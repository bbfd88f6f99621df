// A Python script's PEP 723 block (`# /// script` … `# ///`) as a document of requirement lines: the block's
// TOML is its comment lines less their `# `, and each requirement's ranges map back into the comment line. The
// Python code around it is not ours: it gets no line, no diagnostic, no completion.

import { computeLineStarts } from './lines.js';
import { requirementsOfToml } from './pyprojectDocument.js';
import type { ParsedDocument } from './types.js';

const ARRAYS = [
  { path: /^dependencies$/, installed: false },
  { path: /^tool\.uv\.(constraint|override|dev)-dependencies$/, installed: false },
];

/** PEP 723's block: `# /// TYPE`, lines that are `#` or start with `# `, and `# ///`, each a whole line. */
interface Block {
  toml: string;
  /** Where each line of the TOML starts, in the TOML and in the document. */
  tomlStarts: number[];
  docStarts: number[];
}

function scriptBlock(text: string, lineStarts: number[]): Block | undefined {
  const lineOf = (k: number) => text.slice(lineStarts[k], k + 1 < lineStarts.length ? lineStarts[k + 1] : text.length).replace(/\r?\n$|\r$/, '');
  for (let k = 0; k < lineStarts.length; k++) {
    if (lineOf(k) !== '# /// script') continue;
    const block: Block = { toml: '', tomlStarts: [], docStarts: [] };
    for (let j = k + 1; j < lineStarts.length; j++) {
      const line = lineOf(j);
      if (line === '# ///') return block;
      if (line !== '#' && !line.startsWith('# ')) break;
      const skip = line === '#' ? 1 : 2;
      block.tomlStarts.push(block.toml.length);
      block.docStarts.push(lineStarts[j] + skip);
      block.toml += `${line.slice(skip)}\n`;
    }
    // PEP 723: a block that is not closed is no block (tools ignore it).
    return undefined;
  }
  return undefined;
}

/** Reads a script's text; never throws. A script without a block is a document without lines. */
export function readScriptDocument(text: string): ParsedDocument {
  const lineStarts = computeLineStarts(text);
  const block = scriptBlock(text, lineStarts);
  if (!block) return { kind: 'script', text, lineStarts, lines: [], diagnostics: [] };
  const toDoc = (offset: number) => {
    let lo = 0;
    let hi = block.tomlStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (block.tomlStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return block.docStarts[lo] + (offset - block.tomlStarts[lo]);
  };
  return requirementsOfToml({ text, lineStarts, toml: block.toml, toDoc }, 'script', ARRAYS, ['requires-python']);
}
