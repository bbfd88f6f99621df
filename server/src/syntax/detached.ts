// Strings that outlive the text they came from: V8 makes a slice of 13 characters or more a view into its
// parent, so a name kept in a cache would keep a whole old version of a document alive.

/** A flat copy of `s` that does not point into the string it was sliced from (JSON's round trip is exact). */
export function detached(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
