// The kinds of files that hold requirements, told by name, and the reader of each: all give a ParsedDocument of
// requirement lines, so that features read them alike. A new kind is a row here and a reader.

import { parse, type ParseOptions } from './parse.js';
import { readPyprojectDocument } from './pyprojectDocument.js';
import { readScriptDocument } from './scriptDocument.js';
import { readPylockDocument } from './pylockDocument.js';
import type { FileKind, ParsedDocument } from './types.js';

/** The kind of a file by its name: `pyproject.toml`, `pylock.toml` / `pylock.NAME.toml` (PEP 751), `*.py`; else requirements. */
export function kindOf(filePath: string): FileKind {
  const base = filePath.slice(Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\')) + 1).toLowerCase();
  if (base === 'pyproject.toml') return 'pyproject';
  if (base === 'pylock.toml' || /^pylock\.[^.]+\.toml$/.test(base)) return 'pylock';
  // Any other TOML file is never a requirements file: read as pyproject.toml is, only its dependency arrays count.
  if (base.endsWith('.toml')) return 'pyproject';
  if (base.endsWith('.py') || base.endsWith('.pyw')) return 'script';
  return 'requirements';
}

/** Reads a text as a file of that kind; never throws. */
export function readDocument(kind: FileKind, text: string, options: ParseOptions = {}): ParsedDocument {
  switch (kind) {
    case 'pyproject':
      return readPyprojectDocument(text);
    case 'script':
      return readScriptDocument(text);
    case 'pylock':
      return readPylockDocument(text);
    default:
      return parse(text, options);
  }
}
