// PEP 503 normalization (`Zope.Interface` → `zope-interface`) without normalizeName's interning, for tables kept
// whole (the project list, the popularity table): interning 15,000 or 886k names only copies them and flushes the
// table meant for the names documents repeat.

export function pep503Name(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}
