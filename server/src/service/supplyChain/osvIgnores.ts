// Vulnerability ignores with a reason, in the file OSV-Scanner reads (`osv-scanner.toml`):
//   [[IgnoredVulns]]
//   id = "GHSA-h5c8-rqwp-cp95"
//   ignoreUntil = 2099-01-01   # optional; past it, the entry hides nothing
//   reason = "We never render untrusted templates"
// Parsed here from the file's text; finding and reading the file is the host's job.

import { parse as parseToml } from 'smol-toml';

/** The reason the quick fix "Ignore GHSA-… until …" writes for the user to replace. */
export const REASON_TO_WRITE = 'Why this advisory does not apply here (say it, or remove this entry)';

export interface IgnoredVuln {
  id: string;
  /** The end of the ignore; absent, it never ends. */
  until?: Date;
  reason?: string;
}

export interface OsvIgnores {
  entries: IgnoredVuln[];
  /** What could not be read, in words (the file is then used for what it does say). */
  problems: string[];
}

export function parseOsvIgnores(text: string): OsvIgnores {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    return { entries: [], problems: [`not valid TOML: ${(e as Error).message.split('\n')[0]}`] };
  }
  const list = doc.IgnoredVulns;
  if (list === undefined) return { entries: [], problems: [] };
  if (!Array.isArray(list)) return { entries: [], problems: ['IgnoredVulns is not an array of tables ([[IgnoredVulns]])'] };
  const entries: IgnoredVuln[] = [];
  const problems: string[] = [];
  list.forEach((raw, i) => {
    const item = raw as Record<string, unknown>;
    if (typeof item?.id !== 'string' || !item.id.trim()) {
      problems.push(`entry ${i + 1} has no id`);
      return;
    }
    const entry: IgnoredVuln = { id: item.id.trim() };
    if (item.ignoreUntil !== undefined) {
      const until = item.ignoreUntil instanceof Date ? item.ignoreUntil : typeof item.ignoreUntil === 'string' ? new Date(item.ignoreUntil) : undefined;
      if (!until || Number.isNaN(until.getTime())) problems.push(`entry ${i + 1} (${entry.id}): ignoreUntil is not a date`);
      else entry.until = until;
    }
    // The quick fix's placeholder, saved unedited, is no reason: the hint says none was given rather than quoting it.
    if (typeof item.reason === 'string' && item.reason.trim() && item.reason.trim() !== REASON_TO_WRITE) entry.reason = item.reason.trim();
    entries.push(entry);
  });
  return { entries, problems };
}

/** The entry that hides an advisory known by `ids` (its id and aliases) at `now`, if one does. */
export function ignoreOf(ignores: IgnoredVuln[], ids: string[], now: Date): IgnoredVuln | undefined {
  const wanted = new Set(ids.map((id) => id.toUpperCase()));
  return ignores.find((e) => wanted.has(e.id.toUpperCase()) && (!e.until || e.until.getTime() > now.getTime()));
}

/** The entry the quick fix "Ignore GHSA-… until …" appends to the file (with a blank line before it when needed). */
export function ignoreEntryText(id: string, until: Date, reason: string, existing: string): string {
  const sep = existing.length === 0 ? '' : existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  const date = until.toISOString().slice(0, 10);
  return `${sep}[[IgnoredVulns]]\nid = ${JSON.stringify(id)}\nignoreUntil = ${date}\nreason = ${JSON.stringify(reason)}\n`;
}
