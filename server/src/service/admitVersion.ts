// "Admit the installed X": widen only the clauses of a specifier that exclude X, keeping the user's other bounds.

import { valid } from '@renovatebot/pep440';
import type { SpecifierClause, SpecifierNode } from '../syntax/types.js';
import { versionSatisfies } from './environmentDiagnostics.js';

/** The upper bound `~=X` implies: `~=2.2` → `3`, `~=1.4.5` → `1.5`. */
function compatibleUpper(v: string): string {
  const release = v
    .split(/[^0-9.]/)[0]
    .split('.')
    .filter(Boolean)
    .map(Number);
  const head = release.slice(0, Math.max(1, release.length - 1));
  head[head.length - 1] += 1;
  return head.join('.');
}

/** What one excluding clause becomes so that `version` passes it; '' removes the clause. */
function widen(c: SpecifierClause, version: string): string {
  const op = c.operator.text;
  const v = c.version?.text ?? '';
  switch (op) {
    case '>=':
    case '>':
      return `>=${version}`;
    case '<':
    case '<=':
      return `<=${version}`;
    case '!=':
      return '';
    case '~=':
      // Below the series: keep its upper bound; above it: keep its lower bound.
      return versionSatisfies(version, `<${v}`) ? `>=${version},<${compatibleUpper(v)}` : `>=${v},<=${version}`;
    case '===':
      return `===${version}`;
    default:
      return `==${version}`;
  }
}

/**
 * The specifier with each clause that excludes `version` changed (and only those), spacing kept:
 * `>=2.33, <3` with 2.32.3 installed → `>=2.32.3, <3`. Undefined when nothing needs to change or the
 * version is not PEP 440.
 */
export function admitVersion(spec: SpecifierNode, version: string): string | undefined {
  if (!valid(version) || !spec.clauses.length) return undefined;
  const text = spec.text;
  const base = spec.range.start;
  const pieces: { from: number; to: number; text: string }[] = [];
  for (const c of spec.clauses) {
    if (!c.version || versionSatisfies(version, `${c.operator.text}${c.version.text}`)) continue;
    // Offsets inside the specifier's text; a clause across a continuation line is rebuilt instead.
    if (c.range.start.line !== base.line || c.range.end.line !== base.line) return rebuild(spec, version);
    pieces.push({ from: c.range.start.character - base.character, to: c.range.end.character - base.character, text: widen(c, version) });
  }
  if (!pieces.length) return undefined;
  let out = text;
  for (const p of pieces.reverse()) {
    if (p.text) out = out.slice(0, p.from) + p.text + out.slice(p.to);
    else {
      // Remove the clause with one comma next to it.
      const after = /^\s*,\s*/.exec(out.slice(p.to));
      const before = /\s*,\s*$/.exec(out.slice(0, p.from));
      if (after) out = out.slice(0, p.from) + out.slice(p.to + after[0].length);
      else if (before) out = out.slice(0, p.from - before[0].length) + out.slice(p.to);
      else out = out.slice(0, p.from) + out.slice(p.to);
    }
  }
  return out.trim() ? out : undefined;
}

function rebuild(spec: SpecifierNode, version: string): string | undefined {
  const parts = spec.clauses
    .map((c) =>
      !c.version || versionSatisfies(version, `${c.operator.text}${c.version.text}`) ? `${c.operator.text}${c.version?.text ?? ''}` : widen(c, version),
    )
    .filter(Boolean);
  return parts.length ? parts.join(',') : undefined;
}
