// Code actions that run a tool (pip-compile, uv, pip, the built-in resolver) through a command: compile, upgrade
// one package, sync or install the environment.

import * as path from 'node:path';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../../syntax/types.js';
import { COMMANDS } from '../commandIds.js';
import { SOURCE_COMPILE, SOURCE_INSTALL } from './kinds.js';

/**
 * Source actions running the compile, and on a requirement line "upgrade this package" through the tool; not for a
 * project the index does not have (`unknown`, by normalized name): the tool could only fail on it.
 */
export function commandActions(
  uri: string,
  filePath: string,
  doc: ParsedDocument,
  line: number | undefined,
  compiledSource: string | undefined,
  unknown: (normalized: string) => boolean = () => false,
): CodeAction[] {
  const isIn = filePath.endsWith('.in');
  if (!isIn && !compiledSource) return [];
  const output = isIn ? path.basename(filePath).replace(/\.in$/, '.txt') : path.basename(filePath);
  const source = isIn ? path.basename(filePath) : path.basename(compiledSource!);
  const out: CodeAction[] = [
    { title: `Compile ${source} → ${output}`, kind: SOURCE_COMPILE, command: { title: 'Compile', command: COMMANDS.compile, arguments: [uri] } },
    {
      title: `Compile ${source} → ${output} with hashes`,
      kind: SOURCE_COMPILE,
      command: { title: 'Compile with hashes', command: COMMANDS.compile, arguments: [uri, { generateHashes: true }] },
    },
  ];
  // A name a variable gives is not offered: the title and the command would carry its value.
  const named = line !== undefined ? doc.lines.find((l) => l.firstLine <= line && line <= l.lastLine)?.requirement?.name : undefined;
  const name = named && named.written === undefined && !unknown(named.normalized) ? named.text : undefined;
  if (name) {
    out.push({
      title: `Upgrade ${name} in ${output} (recompile with --upgrade-package ${name})`,
      kind: CodeActionKind.RefactorRewrite,
      command: { title: `Upgrade ${name}`, command: COMMANDS.upgradePackage, arguments: [uri, name] },
    });
  }
  return out;
}

/** `not-installed` / `version-mismatch` in a compiled file: make the environment match it. */
export function syncFix(uri: string, diagnostics: Diagnostic[]): CodeAction {
  return {
    title: 'Sync the environment with this file (pip-sync, uv pip sync, or pip)',
    kind: CodeActionKind.QuickFix,
    diagnostics,
    command: { title: 'Sync', command: COMMANDS.sync, arguments: [uri] },
  };
}

/** `not-compiled` / `stale-pin`: the compiled file is behind its `.in`. */
export function recompileFix(uri: string, diagnostics: Diagnostic[]): CodeAction {
  return {
    title: 'Recompile from the .in file',
    kind: CodeActionKind.QuickFix,
    isPreferred: true,
    diagnostics,
    command: { title: 'Recompile', command: COMMANDS.compile, arguments: [uri] },
  };
}

/** `not-installed` / `version-mismatch`: install what the line asks for into the file's environment. */
export function installFix(uri: string, diagnostic: Diagnostic, requirement: string, environment: string): CodeAction {
  return {
    title: `Install '${requirement}' into ${environment}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    command: { title: 'Install', command: COMMANDS.install, arguments: [uri, [requirement]] },
  };
}

/** The whole file into the environment (`pip install -r`), for when many lines are missing. */
export function installAllAction(uri: string, environment: string): CodeAction {
  return {
    title: `Install this file's requirements into ${environment} (pip install -r)`,
    kind: SOURCE_INSTALL,
    command: { title: 'Install', command: COMMANDS.install, arguments: [uri] },
  };
}
