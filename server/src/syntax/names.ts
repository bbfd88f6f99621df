// PEP 503 name normalization: how pip and indexes compare project names.

import { detached } from './detached.js';

const SEPARATORS = /[-_.]+/g;

/**
 * `Zope.Interface` → `zope-interface`. Interned: every line naming a project shares one string, and one
 * that does not point into the document (names go into caches that outlive the document they came from).
 */
export function normalizeName(name: string): string {
  return intern(isNormalized(name) ? name : name.replace(SEPARATORS, '-').toLowerCase());
}

/** Names seen, each as one detached string; emptied when it grows past its bound. */
const interned = new Map<string, string>();
const MAX_INTERNED = 100_000;

function intern(name: string): string {
  // Short names too: V8 copies a short slice, so nothing would point into the document, but every line
  // naming a project had its own copy (23,000 strings in a 1 MiB file).
  let kept = interned.get(name);
  if (kept === undefined) {
    if (interned.size >= MAX_INTERNED) interned.clear();
    kept = detached(name);
    interned.set(kept, kept);
  }
  return kept;
}

/** Most names are already lower case with single dashes; skip the regex for them. */
function isNormalized(name: string): boolean {
  let previousDash = true; // a leading dash is not normal either
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 45) {
      if (previousDash) return false;
      previousDash = true;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) previousDash = false;
    else return false;
  }
  return !previousDash;
}
