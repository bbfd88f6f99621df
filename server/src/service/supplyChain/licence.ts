// A release's licence as the index states it, and whether a policy (`requirements.licenses.allow` / `.deny`, SPDX
// ids) admits it. PEP 639's `license_expression` first; then the free-text `license` field when it is a name rather
// than the whole licence text; then the trove classifiers.

import type { LicenceFields } from '../../shared/facts.js';

export interface Licence {
  /** As shown: an SPDX expression, a short name, or the classifiers' names joined. */
  text: string;
  /** The SPDX ids the policy is checked against; empty when the licence is not given as SPDX. */
  ids: string[];
  from: 'expression' | 'license' | 'classifiers';
}

/** The classifier names that mean one SPDX id (the common ones; others are shown but not checked). */
const CLASSIFIER_IDS: Record<string, string> = {
  'MIT License': 'MIT',
  'Apache Software License': 'Apache-2.0',
  'BSD License': 'BSD-3-Clause',
  'ISC License (ISCL)': 'ISC',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'GNU Affero General Public License v3': 'AGPL-3.0-only',
  'GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'Python Software Foundation License': 'PSF-2.0',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Academic Free License (AFL)': 'AFL-3.0',
  'Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
};

/** A `license` field longer than this, or of several lines, is the licence's text, not its name. */
const NAME_LIKE = 64;

export function licenceOf(info: LicenceFields): Licence | undefined {
  const expression = typeof info.license_expression === 'string' ? info.license_expression.trim() : '';
  if (expression) return { text: expression, ids: spdxIdsOf(expression), from: 'expression' };
  const classifiers = Array.isArray(info.classifiers) ? info.classifiers.filter((c): c is string => typeof c === 'string' && c.startsWith('License :: ')) : [];
  const names = classifiers.map((c) => c.split(' :: ').pop()!).filter((n) => n !== 'OSI Approved');
  const classifierIds = names.flatMap((n) => (CLASSIFIER_IDS[n] ? [CLASSIFIER_IDS[n]] : []));
  const field = typeof info.license === 'string' ? info.license.trim() : '';
  if (field && field.length <= NAME_LIKE && !field.includes('\n') && !/^(unknown|none|other|see\b)/i.test(field)) {
    // PyQt5 says 'GPL v3' and classifies itself GPLv3: the name is shown, the classifiers' ids are checked, so a
    // deny list of GPL-3.0-only is not passed by a licence that is merely not written in SPDX.
    const ids = looksLikeSpdx(field) ? spdxIdsOf(field) : classifierIds;
    return { text: field, ids, from: 'license' };
  }
  if (names.length) return { text: names.join(', '), ids: classifierIds, from: 'classifiers' };
  return undefined;
}

/** `Apache-2.0`, `MIT OR (BSD-3-Clause AND Zlib)`, `GPL-2.0-only WITH Classpath-exception-2.0`: ids between operators. */
function looksLikeSpdx(text: string): boolean {
  const words = text.split(/\s+|[()]/).filter(Boolean);
  return words.every((w, i) => (i % 2 === 1 ? /^(AND|OR|WITH)$/.test(w) : /^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(w))) && words.length % 2 === 1;
}

/** The licence ids of an SPDX expression (the exceptions after WITH are not licences). */
export function spdxIdsOf(expression: string): string[] {
  const words = expression.split(/\s+|[()]/).filter(Boolean);
  const ids: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (/^(AND|OR)$/i.test(words[i])) continue;
    if (/^WITH$/i.test(words[i])) {
      i++;
      continue;
    }
    ids.push(words[i]);
  }
  return [...new Set(ids)];
}

export type LicenceVerdict = { ok: true } | { ok: false; why: string };

/**
 * Whether a policy admits a licence. `deny` wins: any denied id fails. With an `allow` list, an expression passes
 * when one of its OR choices is made of allowed ids only (simplified: every id allowed, or any id allowed for OR).
 * A licence with no SPDX id passes a deny list and fails an allow list, saying why.
 */
export function licenceVerdict(licence: Licence | undefined, policy: { allow: string[]; deny: string[] }): LicenceVerdict {
  const lower = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase()));
  const allow = lower(policy.allow);
  const deny = lower(policy.deny);
  if (!allow.size && !deny.size) return { ok: true };
  const ids = licence?.ids ?? [];
  const denied = ids.filter((id) => deny.has(id.toLowerCase()));
  const isChoice = licence?.from === 'expression' && /\bOR\b/i.test(licence.text) && !/\bAND\b/i.test(licence.text);
  if (denied.length && !(isChoice && ids.some((id) => !deny.has(id.toLowerCase()) && (!allow.size || allow.has(id.toLowerCase()))))) {
    return { ok: false, why: `its licence, ${licence!.text}, is denied (requirements.licenses.deny: ${denied.join(', ')})` };
  }
  if (!allow.size) return { ok: true };
  if (!ids.length)
    return {
      ok: false,
      why: licence
        ? `its licence, ${licence.text}, is not given as SPDX ids, so requirements.licenses.allow cannot admit it`
        : 'the index states no licence, so requirements.licenses.allow cannot admit it',
    };
  const allowed = (id: string) => allow.has(id.toLowerCase());
  if (isChoice ? ids.some(allowed) : ids.every(allowed)) return { ok: true };
  return { ok: false, why: `its licence, ${licence!.text}, is not in requirements.licenses.allow` };
}
