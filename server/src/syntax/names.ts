// PEP 503 name normalization: how pip and indexes compare project names.

const SEPARATORS = /[-_.]+/g;

/** `Zope.Interface` → `zope-interface`. */
export function normalizeName(name: string): string {
  return isNormalized(name) ? name : name.replace(SEPARATORS, '-').toLowerCase();
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
