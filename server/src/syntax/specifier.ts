// Version specifier clauses exactly as packaging 24.1 tokenizes them, with PEP 440 checks from @renovatebot/pep440.

import { valid } from '@renovatebot/pep440';

const PRE = String.raw`(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?`;
const POST = String.raw`(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?`;
const DEV = String.raw`(?:[-_.]?dev[-_.]?[0-9]*)?`;
const LOCAL = String.raw`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`;
const EPOCH_RELEASE = String.raw`v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`;

// Sticky regexes, one per operator family, each matching the version part only (after optional whitespace).
// (`===` takes any string up to a space, ';' or ')'; packaging's SpecifierSet then splits it at ',')
const IDENTITY = /\s*[^\s;),]*/y;
const EQUALITY = new RegExp(String.raw`\s*${EPOCH_RELEASE}(?:\.\*|${PRE}${POST}${DEV}${LOCAL})?`, 'iy');
const COMPATIBLE = new RegExp(String.raw`\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+${PRE}${POST}${DEV}`, 'iy');
const ORDERED = new RegExp(String.raw`\s*${EPOCH_RELEASE}${PRE}${POST}${DEV}`, 'iy');

const PLAIN_RELEASE = /^[0-9]+(?:\.[0-9]+)*$/;

export const SPECIFIER_OPERATORS = ['===', '==', '!=', '~=', '<=', '>=', '<', '>'] as const;
export type SpecifierOperator = (typeof SPECIFIER_OPERATORS)[number];

/** Reads an operator at `i`, or returns undefined. */
export function readOperator(text: string, i: number): SpecifierOperator | undefined {
  const c = text[i];
  const d = text[i + 1];
  if (c === '=' && d === '=') return text[i + 2] === '=' ? '===' : '==';
  if (c === '!' && d === '=') return '!=';
  if (c === '~' && d === '=') return '~=';
  if (c === '<') return d === '=' ? '<=' : '<';
  if (c === '>') return d === '=' ? '>=' : '>';
  return undefined;
}

/**
 * Length of the version text packaging accepts after `op` at `i` (whitespace included), or 0.
 * Like packaging's tokenizer it matches a prefix: what follows is for the caller to reject.
 */
export function matchVersion(op: SpecifierOperator, text: string, i: number): number {
  const re = op === '===' ? IDENTITY : op === '==' || op === '!=' ? EQUALITY : op === '~=' ? COMPATIBLE : ORDERED;
  re.lastIndex = i;
  return re.test(text) ? re.lastIndex - i : 0;
}

/**
 * Why a version after `op` is wrong, in words that say how to fix it; undefined when it is fine. `shown` is the
 * version as written, quoted instead of any part of it when it differs (a `${NAME}` whose value is the version).
 */
export function explainBadVersion(op: SpecifierOperator, version: string, shown = version): string | undefined {
  if (op === '===') return undefined;
  const wildcard = version.endsWith('.*');
  const core = wildcard ? version.slice(0, -2) : version;
  const own = shown === version;
  // The specifier grammar already admits only PEP 440 shapes; pep440 confirms the ones with letters in them.
  if (!PLAIN_RELEASE.test(core) && !valid(core)) return `'${shown}' is not a valid PEP 440 version`;
  if (wildcard && op !== '==' && op !== '!=') return `a '.*' wildcard is only allowed with '==' and '!=' (not '${op}')`;
  if (core.includes('+') && op !== '==' && op !== '!=') {
    return `a local version (${own ? `'+${core.split('+')[1]}'` : `in '${shown}'`}) is only allowed with '==', '!=' and '==='`;
  }
  if (wildcard && /[a-z+]/i.test(core.replace(/^v/i, ''))) return `a '.*' wildcard cannot follow a pre-release, post-release, dev or local version`;
  if (op === '~=' && !/^v?(?:[0-9]+!)?[0-9]+\.[0-9]+/i.test(core)) return `'~=' needs at least two release numbers, e.g. '~=${own ? core : '1'}.0'`;
  return undefined;
}
