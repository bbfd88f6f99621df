// The names an index lists: the popularity table's name index (name completion and did-you-mean before any list),
// and each index's full project list, loaded once per index URL for the session (from disk, else fetched when
// missing or a day old, read and sorted on a worker thread), which makes `knows()` possible and widens name search.

import { redact } from './credentials.js';
import type { Fetcher } from './fetcher.js';
import { MAX_LIST_BYTES } from './fetcher.js';
import { describeDown, healthOrigin as originOf } from './hostHealth.js';
import { NameIndex } from './nameSearch.js';
import type { IndexConfig } from './pipConfig.js';
import { popularProjects, popularProjectsSoon } from './popular.js';
import { createLookAlikeIndex, type LookAlike, type LookAlikeIndex } from './lookAlike.js';
import { runOffThread } from './listThread.js';
import { LIST_MAX_AGE_MS, listFile } from './projectList.js';
import type { Quiet } from './quiet.js';
import { sizeOf, type SortedNames } from './sortedNames.js';
import { nextTurn } from '../shared/nextTurn.js';

export interface ListProgress {
  begin(title: string): void;
  end(message: string): void;
}

export interface ProjectNames {
  /** The popularity table (summaries, latest versions of the popular projects). */
  popular(): ReturnType<typeof popularProjects>;
  /** The name index of the popular projects alone, built on first use. */
  names(): NameIndex;
  /** The name index of an index's full list (with the popularity table), once the list is loaded. */
  fullList(indexUrl: string): NameIndex | undefined;
  /** An index's full list, sorted, once loaded. */
  list(indexUrl: string): SortedNames | undefined;
  /** Loads a configuration's index's list (one load per index URL, whoever asks). */
  load(config: IndexConfig, progress?: ListProgress): Promise<void>;
  /** A host answers again: the lists that failed while it was down load again. */
  back(origin: string): void;
  /** The popular project a little-used name imitates; undefined until the popularity table is decoded. */
  lookAlike(name: string): LookAlike | undefined;
}

export interface ProjectNamesOptions {
  cacheDir: string;
  fetcher: Fetcher;
  quiet: Quiet;
  logger: { info(message: string): void; warn(message: string): void };
  maxListBytes?: number;
  /** A list landed: every file is checked again (announced with no names). */
  announce(names: string[]): void;
  /** The index's host is down, told once. */
  tellOffline(indexUrl: string, res: { error?: string; unreachable?: string }): void;
}

export function createProjectNames(options: ProjectNamesOptions): ProjectNames {
  const { fetcher, announce, tellOffline } = options;
  const whenQuiet = options.quiet.whenQuiet;
  // The popularity table and its name index: decoded on the index's worker thread once the index is quiet, and
  // adopted on a later turn, once a project list is wanted (name completion answers from the table until the list is there, and a list
  // makes every unknown name a did-you-mean). A name search or did-you-mean that comes first decodes it at once.
  const popular = () => popularProjects();
  let popularNames: NameIndex | undefined;
  const names = () => (popularNames ??= new NameIndex([], popular().table));
  // Built from the table's 3,000 most downloaded names once the table is here (about 20 ms, once).
  let lookAlikes: LookAlikeIndex | undefined;
  // Asked for every known name of a file on every version: answers are kept (5 µs a name, 5,000 names a keystroke).
  const lookAlikeAnswers = new Map<string, LookAlike | null>();
  const lookAlike = (name: string) => {
    if (!popularNames) return undefined;
    let answer = lookAlikeAnswers.get(name);
    if (answer === undefined) {
      if (lookAlikeAnswers.size >= 20_000) lookAlikeAnswers.clear();
      lookAlikeAnswers.set(name, (answer = (lookAlikes ??= createLookAlikeIndex(popular().table.normalized)).lookAlikeOf(name) ?? null));
    }
    return answer ?? undefined;
  };
  let namesReady: Promise<void> | undefined;
  const namesSoon = () =>
    (namesReady ??= (async () => {
      // Not while facts are on their way: on two cores a thread decoding the table slowed a file's first facts.
      await whenQuiet();
      await popularProjectsSoon();
      await nextTurn();
      try {
        names();
      } catch (error) {
        options.logger.warn(`The name index could not be built ahead of use: ${String(error)}`);
      }
      await nextTurn();
    })());
  // Full project lists by index URL, once loaded: they make `knows()` possible and widen name search.
  const lists = new Map<string, { list: SortedNames; index?: NameIndex }>();
  const fullList = (indexUrl: string) => {
    const entry = lists.get(indexUrl);
    if (entry) entry.index ??= new NameIndex(entry.list, popular().table);
    return entry?.index;
  };
  /** A list arrived: it is used (knows(), name search, did-you-mean) once the popularity table is ready too. */
  const listed = async (indexUrl: string, list: SortedNames) => {
    await namesSoon();
    lists.set(indexUrl, { list });
  };

  // One load per index URL for the session, whichever view asks first.
  const listLoads = new Map<string, Promise<void>>();
  const listsAfterOutage = new Map<string, IndexConfig>();
  const back = (origin: string) => {
    for (const [indexUrl, config] of listsAfterOutage) {
      if (originOf(indexUrl) !== origin) continue;
      listsAfterOutage.delete(indexUrl);
      void loadProjectList(config);
    }
  };
  const loadProjectList = (config: IndexConfig, progress?: ListProgress): Promise<void> => {
    if (config.noIndex) return Promise.resolve();
    const indexUrl = config.indexUrl.replace(/\/+$/, '');
    let running = listLoads.get(indexUrl);
    if (running) return running;
    running = (async () => {
      const t0 = Date.now();
      void namesSoon();
      // Read, parsed and sorted on a worker thread: 886k names cost the event loop nothing but their arrival.
      const file = listFile(options.cacheDir, config.indexUrl);
      const stored = await runOffThread({ kind: 'load', file });
      if ('names' in stored) {
        await listed(indexUrl, stored.names);
        options.logger.info(`Loaded ${sizeOf(stored.names)} project names from the disk cache in ${Date.now() - t0} ms`);
        // Files checked meanwhile could not tell an unknown name from one not fetched yet: they are checked again.
        announce([]);
        // A folder on disk is listed again every time: it costs a readdir, and a day-old list would call new projects unknown.
        if (Date.now() - stored.fetchedAt < LIST_MAX_AGE_MS && !/^file:/i.test(indexUrl)) return;
      }
      progress?.begin(`Fetching the project list of ${redact(config.indexUrl)}`);
      const res = await fetcher.get(`${indexUrl}/`, 'application/vnd.pypi.simple.v1+json, text/html;q=0.1', undefined, {
        maxBytes: options.maxListBytes ?? MAX_LIST_BYTES,
      });
      // The body was just decoded (tens of MB); handing it to a thread (a copy) is a step of its own.
      if (res.ok) await nextTurn();
      const built = res.ok
        ? await runOffThread({ kind: 'parse', file, body: res.body, contentType: res.contentType, fetchedAt: Date.now(), indexUrl: config.indexUrl })
        : { error: res.error ?? `HTTP ${res.status}` };
      if (!('names' in built)) {
        const error = 'error' in built ? built.error : 'no list';
        progress?.end(`Could not fetch the project list: ${redact(error)}`);
        const down = fetcher.health.down(originOf(indexUrl));
        // The host down is told (once); a list the index does not serve (a 5xx, too slow) is a log line: project
        // pages may well come, and names are then searched in the popular ones.
        if (down && !('names' in stored)) tellOffline(indexUrl, { error, unreachable: describeDown(originOf(indexUrl), down) });
        else if (!down) options.logger.warn(`The project list of ${redact(config.indexUrl)} could not be fetched: ${redact(error)}`);
        // Loaded again (once) when its host answers again.
        if (down) {
          listsAfterOutage.set(indexUrl, config);
          listLoads.delete(indexUrl);
        }
        return;
      }
      await listed(indexUrl, built.names);
      progress?.end(`${sizeOf(built.names)} projects`);
      options.logger.info(`Fetched ${sizeOf(built.names)} project names from ${redact(config.indexUrl)} in ${Date.now() - t0} ms`);
      announce([]);
    })().catch((error: unknown) => {
      progress?.end('Could not read the project list');
      const reason = error instanceof Error ? error.message : String(error);
      options.logger.warn(`The project list of ${redact(config.indexUrl)} could not be read: ${redact(reason)}`);
    });
    listLoads.set(indexUrl, running);
    return running;
  };

  return {
    popular,
    names,
    fullList,
    list: (indexUrl) => lists.get(indexUrl)?.list,
    load: loadProjectList,
    back,
    lookAlike,
  };
}
