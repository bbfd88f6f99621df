// PEP 503 name normalization: how pip and indexes compare project names.

const SEPARATORS = /[-_.]+/g;

/** `Zope.Interface` → `zope-interface`. */
export function normalizeName(name: string): string {
  return name.replace(SEPARATORS, '-').toLowerCase();
}
