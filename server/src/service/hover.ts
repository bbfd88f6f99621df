// Hover: one line on options, operators and markers (the richer requirement hover comes with the index).

import type { Hover, Position } from 'vscode-languageserver-types';
import { lookupOption } from '../syntax/options.js';
import { lineAt } from '../syntax/query.js';
import type { ParsedDocument, Range, Token } from '../syntax/types.js';
import type { Provenance } from '../workspace/provenance.js';
import { escapeMarkdown } from './markdown.js';
import { requirementHover, unsettledHover, type RequirementFacts } from './requirementHover.js';
import { isSettled } from './settledLines.js';

const OPERATOR_WORDS: Record<string, string> = {
  '==': 'exactly this version (a trailing .* matches a prefix)',
  '!=': 'any version except this one',
  '>=': 'this version or newer',
  '<=': 'this version or older',
  '>': 'newer than this version (pre-releases of it excluded)',
  '<': 'older than this version (pre-releases of it excluded)',
  '~=': 'a compatible release: at least this version, same series (~=2.2 means >=2.2, ==2.*)',
  '===': 'exactly this string, compared without PEP 440 normalization',
};

function contains(r: Range, p: Position): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  if (p.line === r.end.line && p.character > r.end.character) return false;
  return true;
}

export function tokenAt(doc: ParsedDocument, position: Position): Token | undefined {
  const line = lineAt(doc, position.line, position.character);
  return line?.tokens.find((t) => contains(t.range, position));
}

/** Facts for the requirement hover, looked up by normalized name; each may be unknown. */
export interface HoverFacts {
  requirement(name: string | undefined): Omit<RequirementFacts, 'folder' | 'provenance'>;
  provenance?: () => Provenance | undefined;
  folder: string;
}

export function hover(doc: ParsedDocument, position: Position, facts?: HoverFacts): Hover | null {
  const token = tokenAt(doc, position);
  if (!token) return null;
  let text: string | undefined;
  if ((token.kind === 'name' || token.kind === 'extra' || token.kind === 'url' || token.kind === 'path') && facts) {
    const line = lineAt(doc, position.line, position.character);
    const r = line?.requirement;
    if (r && !isSettled(line)) return { contents: { kind: 'markdown', value: unsettledHover(r, line) }, range: token.range };
    if (r) {
      // A name that a variable gives is not looked up: the facts would name its value (see LogicalLine.project).
      const name = r.name?.written === undefined ? r.name?.normalized : undefined;
      const value = requirementHover(r, { ...facts.requirement(name), provenance: facts.provenance?.(), line, folder: facts.folder });
      return { contents: { kind: 'markdown', value }, range: token.range };
    }
  }
  // The words below are chosen by what the token is: where a variable's value is in it, nothing is said.
  if (token.written !== undefined) return null;
  if (token.kind === 'option') {
    const found = lookupOption(token.text);
    text = found.ok
      ? `**${found.spec.long}**${found.spec.short ? ` (${found.spec.short})` : ''}: ${found.spec.summary}`
      : `Unknown option '${escapeMarkdown(token.text)}'.`;
  } else if (token.kind === 'operator') {
    text = OPERATOR_WORDS[token.text] && `\`${token.text}\`: ${OPERATOR_WORDS[token.text]}`;
  } else if (token.kind === 'markerVariable') {
    text = `\`${token.text}\`: an environment marker variable; the line applies only where the marker is true.`;
  } else if (token.kind === 'optionValue' && /^sha(256|384|512):/.test(token.text)) {
    text = `The ${token.text.split(':')[0]} digest pip checks the downloaded file against; with any --hash in the file, pip requires one for every requirement.`;
  } else if (token.kind === 'semicolon') {
    text = 'Environment marker: the requirement applies only where the condition after `;` is true.';
  }
  return text ? { contents: { kind: 'markdown', value: text }, range: token.range } : null;
}
