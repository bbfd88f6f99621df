// PEP 440 in one place: containment, Requires-Python, "newer", and the newest release a set of specifiers
// allows. Used by the service, the environment checks and the compile helpers alike.
//
// The one policy for a specifier packaging cannot read (`>=1.0.*`, `~=1`, a typo): it excludes nothing.
// A check never reports a version as outside a specifier it could not read, and an action is never
// withheld on such a guess; the syntax layer reports the unreadable specifier itself, on its own line.

import { gt, satisfies } from '@renovatebot/pep440';

/** Whether `version` is inside `specifier` (whitespace ignored, pre-releases allowed); unreadable: true. */
export function versionSatisfies(version: string, specifier: string): boolean {
  // The same pairs come back on every keystroke; the PEP 440 parse is what costs.
  const key = `${version}\0${specifier}`;
  const hit = satisfiesCache.get(key);
  if (hit !== undefined) return hit;
  let result: boolean;
  try {
    result = satisfies(version, specifier.replace(/\s+/g, ''), { prereleases: true });
  } catch {
    result = true;
  }
  if (satisfiesCache.size >= 50_000) satisfiesCache.clear();
  satisfiesCache.set(key, result);
  return result;
}
const satisfiesCache = new Map<string, boolean>();

/** Whether Python `version` meets a Requires-Python specifier (`>=3.8`); undefined when it cannot be read (callers treat that as allowed). */
export function pythonAllows(version: string, spec: string): boolean | undefined {
  return /^[\s,<>=!~0-9.*]+$/.test(spec) ? versionSatisfies(version, spec) : undefined;
}

/** Whether `a` is a newer version than `b`; false when either cannot be read. */
export function isNewer(a: string, b: string): boolean {
  try {
    return gt(a, b);
  } catch {
    return false;
  }
}

/** The newest final, unyanked release (of `versions`, newest first) that every specifier and the Python allow. */
export function newestAllowed(
  versions: readonly { version: string; prerelease: boolean; yanked?: string | boolean; requiresPython?: string }[] | undefined,
  specifiers: readonly string[],
  python: string | undefined,
): string | undefined {
  return versions?.find(
    (v) =>
      !v.prerelease &&
      !v.yanked &&
      (!python || !v.requiresPython || pythonAllows(python, v.requiresPython) !== false) &&
      specifiers.every((s) => versionSatisfies(v.version, s)),
  )?.version;
}
