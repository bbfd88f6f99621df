// `file://` indexes and local --find-links folders, read from disk as pip reads them (never through the HTTP
// client): a folder's index.html, else a listing of the folder with each archive's sha256; a flat folder of
// archives answers for each project in it. Errors are values, as the fetcher's are.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { normalizeName } from '../syntax/names.js';
import type { Conditional, FetchResult } from './fetchResult.js';
import { versionOfFile } from './simpleApi.js';

const ARCHIVE = /\.(whl|tar\.gz|tgz|zip|tar\.bz2|tar\.xz|tar)$/i;

/** sha256 of archives read before, by path, size and modification time (a wheelhouse is hashed once). */
const hashCache = new Map<string, { size: number; mtimeMs: number; hex: string }>();

async function sha256(file: string, stat: fs.Stats): Promise<string | undefined> {
  const hit = hashCache.get(file);
  if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) return hit.hex;
  try {
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
    const hex = hash.digest('hex');
    if (hashCache.size > 20000) hashCache.clear();
    hashCache.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, hex });
    return hex;
  } catch {
    return undefined;
  }
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function statOf(p: string): Promise<fs.Stats | undefined> {
  return fs.promises.stat(p).catch(() => undefined);
}

/** Whether an archive's file name belongs to the project `normalized`. */
function belongsTo(filename: string, normalized: string): boolean {
  if (/\.whl$/i.test(filename)) return normalizeName(filename.split('-')[0]) === normalized;
  return versionOfFile(filename, normalized) !== undefined;
}

/** A PEP 503 page of the folder: sub-folders, then archives (with `#sha256=`, and PEP 658 where `.metadata` sits beside). */
async function listing(folder: string, only?: (name: string) => boolean): Promise<string> {
  const entries = await fs.promises.readdir(folder, { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  const anchors: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(folder, e.name);
    if (e.isDirectory() && !only) {
      anchors.push(`<a href="${escape(pathToFileURL(full).toString())}/">${escape(e.name)}</a>`);
      continue;
    }
    if (!ARCHIVE.test(e.name) || (only && !only(e.name))) continue;
    const stat = await statOf(full);
    if (!stat?.isFile()) continue;
    const hex = await sha256(full, stat);
    const meta = names.has(`${e.name}.metadata`) ? ' data-core-metadata="true"' : '';
    anchors.push(`<a href="${escape(pathToFileURL(full).toString())}${hex ? `#sha256=${hex}` : ''}"${meta}>${escape(e.name)}</a>`);
  }
  return `<!DOCTYPE html>\n<html><body>\n${anchors.join('\n')}\n</body></html>\n`;
}

function result(body: string, contentType: string, stat: fs.Stats, conditional?: Conditional): FetchResult {
  const etag = `"${Math.floor(stat.mtimeMs)}-${stat.size}"`;
  // Local folders change under the user's hands: revalidate often (it costs a stat).
  if (conditional?.etag === etag) return { ok: true, status: 304, body: '', contentType, etag, cacheControl: 'no-cache' };
  return { ok: true, status: 200, body, contentType, etag, cacheControl: 'no-cache' };
}

const megabytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

function contentTypeOf(file: string): string {
  if (/\.json$/i.test(file)) return 'application/json';
  if (/\.html?$/i.test(file)) return 'text/html';
  return 'text/plain';
}

/** A file of the index, when it is no bigger than `maxBytes`; else its size. A repository's wheelhouse is the workspace's choice. */
async function readCapped(file: string, maxBytes: number): Promise<{ text: string; stat: fs.Stats } | { tooBig: number }> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const stat = await handle.stat();
    if (stat.size > maxBytes) return { tooBig: stat.size };
    const bytes = await handle.readFile();
    // Grown since the stat: still over the cap.
    if (bytes.length > maxBytes) return { tooBig: bytes.length };
    return { text: new TextDecoder().decode(bytes), stat };
  } finally {
    await handle.close();
  }
}

/** The default cap on a local index file, as on a response (fetcher.ts's MAX_BODY_BYTES). */
const MAX_FILE_BYTES = 16 * 2 ** 20;

/** GET for a `file:` URL: the file, the folder's index.html, a listing, or the project's archives in a flat folder. */
export async function readFileUrl(url: string, conditional?: Conditional, maxBytes = MAX_FILE_BYTES): Promise<FetchResult> {
  let target: string;
  try {
    target = fileURLToPath(url.replace(/[?#].*$/, ''));
  } catch (error) {
    return { ok: false, status: 0, body: '', contentType: '', error: `${url} is not a local path (${(error as Error).message})` };
  }
  const notFound = (why: string): FetchResult => ({ ok: false, status: 404, body: '', contentType: '', error: `${url}: ${why}` });
  // Over the cap: an error value (logged by the index), as an index's too-big answer is; 413 is "Content Too Large".
  const capped = async (file: string, contentType: string): Promise<FetchResult> => {
    const read = await readCapped(file, maxBytes);
    if ('tooBig' in read) {
      const error = `${file} is ${megabytes(read.tooBig)} MB, over the ${megabytes(maxBytes)} MB read for an index file; ignored`;
      return { ok: false, status: 413, body: '', contentType: '', error };
    }
    return result(read.text, contentType, read.stat, conditional);
  };
  try {
    const stat = await statOf(target);
    if (stat?.isFile()) return await capped(target, contentTypeOf(target));
    if (stat?.isDirectory()) {
      const indexHtml = path.join(target, 'index.html');
      const page = await statOf(indexHtml);
      if (page?.isFile()) return await capped(indexHtml, 'text/html');
      return result(await listing(target), 'text/html', stat, conditional);
    }
    // `<index>/<project>/` that is not there as spelt: a folder spelt otherwise (Django/), or a flat folder of archives.
    const parent = path.dirname(target);
    const parentStat = await statOf(parent);
    if (!parentStat?.isDirectory()) return notFound(`no such folder ${parent}`);
    const wanted = normalizeName(path.basename(target));
    const entries = await fs.promises.readdir(parent, { withFileTypes: true });
    const spelt = entries.find((e) => e.isDirectory() && normalizeName(e.name) === wanted);
    if (spelt) return readFileUrl(`${pathToFileURL(path.join(parent, spelt.name)).toString()}/`, conditional, maxBytes);
    if (entries.some((e) => ARCHIVE.test(e.name) && belongsTo(e.name, wanted)))
      return result(await listing(parent, (n) => belongsTo(n, wanted)), 'text/html', parentStat, conditional);
    return notFound(`no project folder or archive for '${wanted}'`);
  } catch (error) {
    return { ok: false, status: 0, body: '', contentType: '', error: `${url} cannot be read (${(error as Error).message})` };
  }
}
