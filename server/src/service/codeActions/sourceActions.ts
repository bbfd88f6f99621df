// The whole-file source actions offered in the menu: sort, normalize names, pin all, upgrade all, add hashes.
// Offered at once without edits (cheap: the `project` field and the text only); `sourceEdits.ts` computes
// the edit in codeAction/resolve, from the facts at hand then.

import type { CodeAction } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../../syntax/types.js';
import { SOURCE_ADD_HASHES, SOURCE_NORMALIZE, SOURCE_PIN_ALL, SOURCE_SORT, SOURCE_UPGRADE_ALL } from './kinds.js';

export type SourceAction = 'sort' | 'normalize' | 'pinAll' | 'upgradeAll' | 'addHashes';

/** What a lazily resolved action carries to codeAction/resolve. */
export interface LazyActionData {
  uri: string;
  action: SourceAction;
}

/** Every kind these actions have, so that a request for none of them computes nothing here. */
export const SOURCE_ACTION_KINDS = [SOURCE_SORT, SOURCE_NORMALIZE, SOURCE_PIN_ALL, SOURCE_UPGRADE_ALL, SOURCE_ADD_HASHES];

const lazy = (title: string, kind: string, uri: string, action: SourceAction): CodeAction => ({ title, kind, data: { uri, action } satisfies LazyActionData });

export function sourceActions(uri: string, doc: ParsedDocument): CodeAction[] {
  const out = [lazy('Sort requirements', SOURCE_SORT, uri, 'sort'), lazy('Normalize package names (PEP 503)', SOURCE_NORMALIZE, uri, 'normalize')];
  const requirements = doc.lines.filter((l) => l.project);
  if (requirements.length === 0) return out;
  if (requirements.some((l) => !/===?/.test(l.text)))
    out.push(lazy('Pin all unpinned requirements (installed version, else the newest allowed release)', SOURCE_PIN_ALL, uri, 'pinAll'));
  if (requirements.some((l) => /==/.test(l.text))) {
    out.push(lazy('Upgrade all pins to the newest releases allowed', SOURCE_UPGRADE_ALL, uri, 'upgradeAll'));
    out.push(lazy('Add --hash options for all pins (from the package index)', SOURCE_ADD_HASHES, uri, 'addHashes'));
  }
  return out;
}
