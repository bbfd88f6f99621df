// "Syntax first": a line with a syntax error, or one still being typed (`django==`), is checked for its syntax
// only; the environment and the index have nothing to say about text that is not a requirement yet.

import type { LogicalLine } from '../syntax/types.js';

/** Warnings that mean the user has not finished the line. */
const BEING_TYPED = new Set(['missing-version', 'trailing-comma', 'empty-marker']);

/** Whether the environment and the index may judge this line. */
export function isSettled(line: LogicalLine): boolean {
  for (const d of line.diagnostics) if (d.severity === 'error' || BEING_TYPED.has(d.code)) return false;
  const clauses = line.requirement?.specifier?.clauses;
  return !clauses?.some((c) => !c.version);
}

/** Whether pip rejects the line (a syntax error): nothing is built on a guess at what it means. */
export function pipRejects(line: LogicalLine): boolean {
  return line.diagnostics.some((d) => d.severity === 'error');
}
