// Index responses kept on disk: written atomically (temp file + rename), a corrupt entry is a miss, never an error.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redact } from './credentials.js';

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

export class DiskCache {
  /** Writes in flight, so that closing the index can wait for them (the next session reads what this one wrote). */
  private readonly pending = new Set<Promise<void>>();

  constructor(readonly dir: string) {}

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
      const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as CachedResponse;
      if (typeof entry.body !== 'string' || typeof entry.fetchedAt !== 'number') throw new Error('malformed entry');
      return entry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fs.rm(file, { force: true }, () => undefined);
      return undefined;
    }
  }

  /** Like `read`, off the event loop's critical path (for background refreshes of many entries). */
  async readAsync(url: string): Promise<CachedResponse | undefined> {
    const file = this.fileOf(url);
    try {
      const entry = JSON.parse(await fs.promises.readFile(file, 'utf8')) as CachedResponse;
      if (typeof entry.body !== 'string' || typeof entry.fetchedAt !== 'number') throw new Error('malformed entry');
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
      await fs.promises.mkdir(this.dir, { recursive: true });
      await fs.promises.writeFile(tmp, JSON.stringify({ ...entry, url: redact(url) }));
      await fs.promises.rename(tmp, file);
    } catch {
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
