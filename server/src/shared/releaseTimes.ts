// When a release was uploaded, from its files' upload times (ISO 8601): the index adapter stores it, the
// features measure a cooldown with it.

/** The earliest of some ISO 8601 times, as written (a late wheel upload does not make a release newer). */
export function earliestTime(times: readonly (string | undefined)[]): string | undefined {
  let first: string | undefined;
  let firstMs = Infinity;
  for (const t of times) {
    const ms = t ? Date.parse(t) : NaN;
    if (ms < firstMs) [first, firstMs] = [t, ms];
  }
  return first;
}

/** A release's upload time as a date; undefined when the index gave none, or one that is not a time. */
export function uploadDate(release: { uploaded?: string }): Date | undefined {
  const ms = release.uploaded ? Date.parse(release.uploaded) : NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
