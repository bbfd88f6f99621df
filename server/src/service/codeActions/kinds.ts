// The code action kinds the server offers, and the one rule for which of them a request asks for.

import { CodeActionKind } from 'vscode-languageserver-types';

export const SOURCE_SORT = `${CodeActionKind.Source}.sortRequirements`;
export const SOURCE_NORMALIZE = `${CodeActionKind.Source}.normalizeNames`;
export const SOURCE_PIN_ALL = `${CodeActionKind.Source}.pinAll`;
export const SOURCE_UPGRADE_ALL = `${CodeActionKind.Source}.upgradeAll`;
export const SOURCE_ADD_HASHES = `${CodeActionKind.Source}.addHashes`;
export const SOURCE_COMPILE = `${CodeActionKind.Source}.compile`;
export const SOURCE_INSTALL = `${CodeActionKind.Source}.installRequirements`;
export const SOURCE_FIX_VULNERABILITIES = `${CodeActionKind.Source}.fixVulnerabilities`;
export const SOURCE_DERIVE_IN = `${CodeActionKind.Source}.deriveRequirementsIn`;

/** Every source kind, in the order the server announces them (`codeActionProvider.codeActionKinds`). */
export const SOURCE_KINDS: readonly string[] = [
  SOURCE_SORT,
  SOURCE_NORMALIZE,
  SOURCE_PIN_ALL,
  SOURCE_UPGRADE_ALL,
  SOURCE_ADD_HASHES,
  SOURCE_COMPILE,
  SOURCE_INSTALL,
  SOURCE_FIX_VULNERABILITIES,
  SOURCE_DERIVE_IN,
];

/**
 * Whether a request's `context.only` asks for `kind`. Kinds are hierarchical (LSP): `source` covers
 * `source.sortRequirements`, `refactor` covers `refactor.rewrite`; no `only` asks for every kind.
 */
export function asksFor(only: readonly string[] | undefined, kind: string): boolean {
  return !only?.length || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

/** Whether a request asks for any of `kinds` (what one provider may produce). */
export function asksForAny(only: readonly string[] | undefined, kinds: readonly string[]): boolean {
  return kinds.some((kind) => asksFor(only, kind));
}
