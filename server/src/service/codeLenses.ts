// Code lenses at the top of a file: compile an `.in`, or recompile and sync a compiled file, through a command.

import * as path from 'node:path';
import type { CodeLens } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../syntax/types.js';
import { COMMANDS } from './commandIds.js';
import { pyprojectLenses } from './pyprojectLenses.js';

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** `.in` files: compile and upgrade-all lenses; compiled files: recompile and sync. */
export function codeLenses(uri: string, filePath: string, doc: ParsedDocument, compiledSource: string | undefined): CodeLens[] {
  if (doc.kind === 'pyproject') return path.basename(filePath) === 'pyproject.toml' ? pyprojectLenses(uri, doc) : [];
  if (filePath.endsWith('.in')) {
    const output = path.basename(filePath).replace(/\.in$/, '.txt');
    return [
      { range: TOP, command: { title: `Compile → ${output}`, command: COMMANDS.compile, arguments: [uri] } },
      { range: TOP, command: { title: 'Upgrade all', command: COMMANDS.compile, arguments: [uri, { upgrade: true }] } },
    ];
  }
  if (!compiledSource) return [];
  return [
    { range: TOP, command: { title: `Recompile from ${path.basename(compiledSource)}`, command: COMMANDS.compile, arguments: [uri] } },
    { range: TOP, command: { title: 'Sync environment', command: COMMANDS.sync, arguments: [uri] } },
  ];
}
