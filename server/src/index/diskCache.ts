// Index responses kept on disk: written atomically (temp file + rename), a corrupt entry is a miss, never an error;
// bounded in total (the oldest entries go first) and per entry, since an index decides how much it sends.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redact } from './credentials.js';
import { onDisk, type LimitOptions } from '../shared/limiter.js';

export interface CachedResponse {
  url: string;
  fetchedAt: number;
  contentType: string;
  body: string;
  etag?: string;
  lastModified?: string;
}

/** `$XDG_CACHE_HOME/requirements-language-server`, or the platform's equivalent. */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  const home = env.HOME ?? os.homedir();
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'requirements-language-server', 'Cache');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'requirements-language-server');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'requirements-language-server');
}

/**
 * What the entries of one cache folder may take together: some thousands of project pages, advisories for tens of
 * thousands of releases. Past it the oldest written go first (an entry in use is written again at each refresh).
 */
export const MAX_DISK_BYTES = 200 * 2 ** 20;

/** The largest entry read back: larger ones (written before entries were capped) are removed, not parsed on the loop. */
const MAX_ENTRY_BYTES = 40 * 2 ** 20;

/**
 * The entries of a cache folder, oldest written first, and their running total: scanned once (asynchronously) on
 * the first write of a session, then kept up to date by each write, so that no write lists the folder again.
 * Shared by every DiskCache on the folder (the index's and the advisories' use the same one).
 */
interface Ledger {
  ready: Promise<void>;
  sizes: Map<string, number>;
  total: number;
}
const ledgers = new Map<string, Ledger>();

/** Counts `file` at `size` as the newest entry (a rewritten entry moves to the end). */
function count(ledger: Ledger, file: string, size: number): void {
  ledger.total -= ledger.sizes.get(file) ?? 0;
  ledger.sizes.delete(file);
  ledger.sizes.set(file, size);
  ledger.total += size;
}

function ledgerOf(dir: string): Ledger {
  let ledger = ledgers.get(dir);
  if (ledger) return ledger;
  const made: Ledger = { ready: Promise.resolve(), sizes: new Map(), total: 0 };
  made.ready = (async () => {
    const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
    const found: { file: string; size: number; mtimeMs: number }[] = [];
    const entries = names.filter((name) => /^[0-9a-f]{40}\.json$/.test(name)).map((name) => path.join(dir, name));
    // A few stats at a time: a cache of tens of thousands of entries is counted in a second or so, off the loop.
    for (let i = 0; i < entries.length; i += 32) {
      const stats = await Promise.all(entries.slice(i, i + 32).map((file) => fs.promises.stat(file).catch(() => undefined)));
      stats.forEach((stat, k) => stat?.isFile() && found.push({ file: entries[i + k], size: stat.size, mtimeMs: stat.mtimeMs }));
    }
    // Writes wait for the scan (`ready`) before they count, so the folder's entries go first, oldest first.
    for (const { file, size } of found.sort((x, y) => x.mtimeMs - y.mtimeMs)) count(made, file, size);
  })();
  ledgers.set(dir, (ledger = made));
  return ledger;
}

export class DiskCache {
  /** Writes in flight, so that closing the index can wait for them (the next session reads what this one wrote). */
  private readonly pending = new Set<Promise<void>>();
  private readonly maxBytes: number;
  /** The folder, made once (a recursive mkdir for every entry was a third of each write's cost); again after a failure. */
  private made: Promise<unknown> | undefined;

  constructor(
    readonly dir: string,
    options: { maxBytes?: number } = {},
  ) {
    this.maxBytes = options.maxBytes ?? MAX_DISK_BYTES;
  }

  /** Counts a written entry, and removes the oldest ones while the total is over the cap. */
  private async account(file: string, size: number): Promise<void> {
    const ledger = ledgerOf(this.dir);
    await ledger.ready;
    count(ledger, file, size);
    const removals: Promise<void>[] = [];
    for (const [oldest, bytes] of ledger.sizes) {
      if (ledger.total <= this.maxBytes) break;
      if (oldest === file) continue;
      ledger.sizes.delete(oldest);
      ledger.total -= bytes;
      removals.push(fs.promises.rm(oldest, { force: true }).catch(() => undefined));
    }
    await Promise.all(removals);
  }

  /** Resolves once every write started so far has landed (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private fileOf(url: string): string {
    // Keyed by the URL without credentials, so a rotated token still finds its entries.
    return path.join(this.dir, createHash('sha256').update(redact(url)).digest('hex').slice(0, 40) + '.json');
  }

  read(url: string): CachedResponse | undefined {
    const file = this.fileOf(url);
    try {
      if (fs.statSync(file).size > MAX_ENTRY_BYTES) throw new Error('oversized entry');
      const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as CachedResponse;
      if (!entry || typeof entry.body !== 'string' || typeof entry.fetchedAt !== 'number') throw new Error('malformed entry');
      return entry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fs.rm(file, { force: true }, () => undefined);
      return undefined;
    }
  }

  /**
   * Which URLs have an entry now, from one listing of the folder: a round of thousands of reads (a 6 MB file's
   * pins in `check`) skips the misses instead of asking the disk for each (15,000 failed stats took over a second).
   */
  async listing(): Promise<(url: string) => boolean> {
    const names = new Set(await fs.promises.readdir(this.dir).catch(() => [] as string[]));
    return (url) => names.has(path.basename(this.fileOf(url)));
  }

  /**
   * Like `read`, off the event loop's critical path, through the disk's one key (`onDisk`): a 3,000-pin file's first
   * round of advisories started 3,000 reads at once here. `limit.urgent`: a request awaits it, so it goes first.
   */
  readAsync(url: string, limit?: LimitOptions): Promise<CachedResponse | undefined> {
    return onDisk(() => this.readEntry(url), limit);
  }

  private async readEntry(url: string): Promise<CachedResponse | undefined> {
    const file = this.fileOf(url);
    try {
      const stat = await fs.promises.stat(file);
      if (stat.size > MAX_ENTRY_BYTES) throw new Error('oversized entry');
      const entry = JSON.parse(await fs.promises.readFile(file, 'utf8')) as CachedResponse;
      if (!entry || typeof entry.body !== 'string' || typeof entry.fetchedAt !== 'number') throw new Error('malformed entry');
      return entry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') await fs.promises.rm(file, { force: true }).catch(() => undefined);
      return undefined;
    }
  }

  write(url: string, entry: Omit<CachedResponse, 'url'>): Promise<void> {
    const done = this.writeAtomically(url, entry).finally(() => this.pending.delete(done));
    this.pending.add(done);
    return done;
  }

  private async writeAtomically(url: string, entry: Omit<CachedResponse, 'url'>): Promise<void> {
    const file = this.fileOf(url);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      const text = JSON.stringify({ ...entry, url: redact(url) });
      // An entry of more than a quarter of the whole would push out most of the cache for one answer.
      const size = Buffer.byteLength(text);
      if (size > Math.min(MAX_ENTRY_BYTES, this.maxBytes / 4)) return;
      await (this.made ??= fs.promises.mkdir(this.dir, { recursive: true }));
      await fs.promises.writeFile(tmp, text);
      await fs.promises.rename(tmp, file);
      await this.account(file, size);
    } catch {
      this.made = undefined;
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
