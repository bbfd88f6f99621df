// The environment layer's facade: which environment a file uses, a cached snapshot of it, and change events.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { wheelEnvironmentOf } from './platform.js';
import { checkInstalled, evaluateMarker, markerEnvironment, parseRequiresDist, type MarkerEnvironment } from './markers.js';
import { discoverEnvironmentAsync, readEnvironmentAsync, trimSeparator, type EnvironmentSnapshot, type FoundEnvironment } from './venv.js';
import { watchEnvironment, type Disposable } from './watch.js';
import type { EnvironmentFacts } from '../shared/facts.js';
import { createFactCache } from '../shared/factCache.js';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface ResolvedEnvironment {
  found: FoundEnvironment;
  snapshot: EnvironmentSnapshot;
  markers: MarkerEnvironment;
  facts: EnvironmentFacts;
}

export interface EnvironmentService {
  /**
   * The environment at hand for a file (the keystroke path): its snapshot; null when none is found; undefined
   * while its discovery or first scan is on its way (started here: `onDidChange` fires when it lands).
   */
  peek(file: string, workspaceRoots: string[]): ResolvedEnvironment | null | undefined;
  /** Awaits discovery and the scan (commands: explicit actions). */
  resolve(file: string, workspaceRoots: string[]): Promise<ResolvedEnvironment | null>;
  /** The discovery or first scan a file's environment waits for, if any (brief waits). */
  pending(file: string, workspaceRoots: string[]): Promise<unknown> | undefined;
  setSetting(venvPath: string | undefined): void;
  onDidChange(listener: () => void): void;
  dispose(): void;
}

export function describeEnvironment(s: EnvironmentSnapshot): string {
  return `${path.basename(s.root)}${s.pythonVersion ? ` (Python ${s.pythonVersion})` : ''}`;
}

export function createEnvironmentService(options: { env: Record<string, string | undefined>; logger: Logger; venvPath?: string }): EnvironmentService {
  let setting = options.venvPath;
  const watchers = new Map<string, Disposable>();
  const listeners: (() => void)[] = [];
  const announced = new Set<string>();
  // Listeners hear once per turn of the event loop, however many discoveries and scans landed in it.
  let firing = false;
  const fire = () => {
    if (firing) return;
    firing = true;
    setImmediate(() => {
      firing = false;
      for (const l of listeners) l();
    });
  };

  /** The facts features read, over one scan; the costly parts are computed on first use. */
  const load = (found: FoundEnvironment, snapshot: EnvironmentSnapshot): ResolvedEnvironment => {
    for (const w of snapshot.warnings) options.logger.warn(w);
    const markers = markerEnvironment(snapshot.pythonVersion);
    let broken: ReturnType<typeof checkInstalled> | undefined;
    let reverse: Map<string, { name: string; normalized: string; version: string }[]> | undefined;
    const dependents = (name: string) => {
      if (!reverse) {
        reverse = new Map();
        for (const d of snapshot.distributions.values()) {
          for (const text of d.metadata().requiresDist) {
            const dep = parseRequiresDist(text);
            if (!dep || (dep.marker && evaluateMarker(dep.marker, markers, []) !== true)) continue;
            const list = reverse.get(dep.normalized) ?? [];
            list.push({ name: d.name, normalized: d.normalized, version: d.version });
            reverse.set(dep.normalized, list);
          }
        }
      }
      return reverse.get(name) ?? [];
    };
    // The installed folders and their real paths were resolved by the scan. A folder written in the file that
    // matches neither is resolved here (a symlink on its way), once per folder and snapshot, and only when the
    // environment has local projects at all.
    const resolvedHere = new Map<string, string>();
    const installedFrom = (folder: string) => {
      const written = trimSeparator(folder);
      let key = snapshot.localProjects.get(written);
      if (!key && snapshot.localProjects.size) {
        let real = resolvedHere.get(written);
        if (real === undefined) resolvedHere.set(written, (real = realpath(written)));
        key = snapshot.localProjects.get(real);
      }
      return key ? facts.installed(key) : undefined;
    };
    const facts: EnvironmentFacts = {
      describe: describeEnvironment(snapshot),
      pythonVersion: snapshot.pythonVersion,
      wheelEnvironment: wheelEnvironmentOf(snapshot.pythonVersion),
      installed: (name) => {
        const d = snapshot.distributions.get(name);
        return d ? { name: d.name, version: d.version, providesExtras: d.metadata().providesExtras, summary: d.metadata().summary } : undefined;
      },
      evaluateMarker: (expression, extras) => evaluateMarker(expression, markers, extras),
      broken: () => (broken ??= checkInstalled(snapshot, markers)),
      dependents,
      requiresDist: (name, version) => {
        const d = snapshot.distributions.get(name);
        return d && (!version || d.version === version) ? d.metadata().requiresDist : undefined;
      },
      installedFrom,
    };
    if (!watchers.has(found.root)) {
      watchers.set(
        found.root,
        watchEnvironment(found.root, snapshot.sitePackages, () => {
          options.logger.info(`Environment ${found.root} changed; checking the open files again`);
          refresh();
        }),
      );
    }
    return { found, snapshot, markers, facts };
  };

  // Scans by environment root, a fact cache: the last one is served while the next is read (never a keystroke's
  // wait); read again on the watcher's word or a new setting (`refresh`), not after an age; one asked for during a
  // scan is read after it. A scan that failed is not tried again for a few seconds (no loop of scans and
  // republished diagnostics). Every scan that lands is announced.
  const wanted = new Map<string, FoundEnvironment>();
  const scans = createFactCache<ResolvedEnvironment>({
    retryMs: 5000,
    load: async (root) => {
      const found = wanted.get(root)!;
      try {
        const snapshot = await readEnvironmentAsync(found);
        const resolved = load(found, snapshot);
        if (!announced.has(found.root)) {
          announced.add(found.root);
          options.logger.info(
            `Using the environment ${found.root} (found by ${found.source}; ${snapshot.distributions.size} distributions, Python ${snapshot.pythonVersion ?? 'unknown'})`,
          );
        }
        return resolved;
      } catch (error) {
        options.logger.warn(`Could not read the environment ${found.root}: ${String(error)}`);
        throw error;
      }
    },
    changed: () => true,
  });
  scans.onDidChange(fire);
  /** The scan of a discovered environment at hand (undefined: its first scan is on its way, started here). */
  const scanned = (found: FoundEnvironment): ResolvedEnvironment | undefined => {
    wanted.set(found.root, found);
    const now = scans.get(found.root);
    // Another source for the same folder (the setting now names it): read again, serving the last scan meanwhile.
    if (now && now.found.source !== found.source && !scans.pending(found.root) && scans.error(found.root) === undefined) scans.recheck(found.root);
    return now;
  };

  // Discovery (a few stat calls) by folder, a fact cache: a keystroke reads the last answer; an answer older than a
  // few seconds is checked again in the background, and a different environment announces a change. The key holds
  // the file's folder and the workspace roots, all that discovery reads of a request.
  // Bumped by a new setting and by a changed environment: a discovery begun before it is begun again.
  let generation = 0;
  const discoveryKey = (file: string, workspaceRoots: string[]) => [path.dirname(file), ...workspaceRoots].join('\0');
  const discovered = createFactCache<{ found: FoundEnvironment | undefined; failed?: boolean }>({
    maxAgeMs: 5000,
    load: async (key, previous) => {
      const [folder, ...workspaceRoots] = key.split('\0');
      // Any file of the folder: discovery starts from the folder.
      const file = path.join(folder, 'requirements.txt');
      for (;;) {
        const begun = generation;
        // Never left pending: a discovery that failed found nothing (the next check after a few seconds tries again).
        const found = await discoverEnvironmentAsync({ setting, env: options.env, file, workspaceRoots }).catch(() => 'failed' as const);
        if (found === 'failed') return previous ?? { found: undefined, failed: true };
        if (begun !== generation) continue;
        if (found) scanned(found);
        return { found };
      }
    },
    changed: (before, after) => !after.failed && (!before || after.found?.root !== before.found?.root || after.found?.source !== before.found?.source),
  });
  discovered.onDidChange(fire);

  /** Everything again (a new setting, a changed environment), serving the last answers until the new ones land. */
  const refresh = () => {
    generation++;
    for (const key of discovered.keys()) discovered.recheck(key);
    for (const root of scans.keys()) scans.recheck(root);
  };

  const peek = (file: string, workspaceRoots: string[]): ResolvedEnvironment | null | undefined => {
    const found = discovered.get(discoveryKey(file, workspaceRoots));
    if (!found) return undefined;
    if (!found.found) return null;
    return scanned(found.found);
  };

  const pending = (file: string, workspaceRoots: string[]) => {
    const key = discoveryKey(file, workspaceRoots);
    const discovery = discovered.get(key);
    if (!discovery) return discovered.pending(key);
    const found = discovery.found;
    return found && !scans.peek(found.root) ? scans.pending(found.root) : undefined;
  };

  return {
    peek,
    async resolve(file, workspaceRoots) {
      // A discovery and a scan, each begun again at most a few times by a change meanwhile.
      for (let round = 0; round < 8; round++) {
        const now = peek(file, workspaceRoots);
        if (now !== undefined) return now;
        await (pending(file, workspaceRoots) ?? new Promise((r) => setImmediate(r)));
      }
      return peek(file, workspaceRoots) ?? null;
    },
    pending,
    setSetting(venvPath) {
      if (venvPath === setting) return;
      setting = venvPath;
      refresh();
    },
    onDidChange(listener) {
      listeners.push(listener);
    },
    dispose() {
      for (const w of watchers.values()) w.dispose();
      watchers.clear();
    },
  };
}

function realpath(p: string): string {
  try {
    return trimSeparator(fs.realpathSync(p));
  } catch {
    return p;
  }
}
