// The environment layer's facade: which environment a file uses, a cached snapshot of it, and change events.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvironmentFacts } from '../service/facts.js';
import { checkInstalled, evaluateMarker, markerEnvironment, parseRequiresDist, type MarkerEnvironment } from './markers.js';
import { discoverEnvironment, readEnvironment, type EnvironmentSnapshot, type FoundEnvironment } from './venv.js';
import { watchEnvironment, type Disposable } from './watch.js';

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
  resolve(file: string, workspaceRoots: string[]): ResolvedEnvironment | undefined;
  setSetting(venvPath: string | undefined): void;
  onDidChange(listener: () => void): void;
  dispose(): void;
}

export function describeEnvironment(s: EnvironmentSnapshot): string {
  return `${path.basename(s.root)}${s.pythonVersion ? ` (Python ${s.pythonVersion})` : ''}`;
}

export function createEnvironmentService(options: { env: Record<string, string | undefined>; logger: Logger; venvPath?: string }): EnvironmentService {
  let setting = options.venvPath;
  const cache = new Map<string, ResolvedEnvironment>();
  const watchers = new Map<string, Disposable>();
  const listeners: (() => void)[] = [];
  const announced = new Set<string>();

  const load = (found: FoundEnvironment): ResolvedEnvironment => {
    const snapshot = readEnvironment(found);
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
    let byLocation: Map<string, string> | undefined;
    const installedFrom = (folder: string) => {
      if (!byLocation) {
        byLocation = new Map(snapshot.eggLinks);
        for (const d of snapshot.distributions.values()) {
          const local = d.directUrl?.startsWith('file:') ? localPath(d.directUrl) : undefined;
          if (local) byLocation.set(local, d.normalized);
        }
        for (const [p, n] of [...byLocation]) byLocation.set(realpath(p), n);
      }
      const key = byLocation.get(trimSep(folder)) ?? byLocation.get(realpath(folder));
      return key ? facts.installed(key) : undefined;
    };
    const facts: EnvironmentFacts = {
      describe: describeEnvironment(snapshot),
      pythonVersion: snapshot.pythonVersion,
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
          cache.delete(found.root);
          discovered.clear();
          options.logger.info(`Environment ${found.root} changed; checking the open files again`);
          for (const l of listeners) l();
        }),
      );
    }
    return { found, snapshot, markers, facts };
  };

  // Discovery (a few stat calls) by folder: a keystroke reads the last answer; an answer older than a few
  // seconds is checked again after the request, and a different environment announces a change.
  const discovered = new Map<string, { found: FoundEnvironment | undefined; at: number; checking?: boolean }>();
  const discover = (file: string, workspaceRoots: string[]) => {
    const key = `${path.dirname(file)}\0${workspaceRoots.join('\0')}`;
    const hit = discovered.get(key);
    if (!hit) {
      const found = discoverEnvironment({ setting, env: options.env, file, workspaceRoots });
      discovered.set(key, { found, at: Date.now() });
      return found;
    }
    if (Date.now() - hit.at > 5000 && !hit.checking) {
      hit.checking = true;
      setTimeout(() => {
        const found = discoverEnvironment({ setting, env: options.env, file, workspaceRoots });
        const changed = found?.root !== hit.found?.root || found?.source !== hit.found?.source;
        discovered.set(key, { found, at: Date.now() });
        if (changed) for (const l of listeners) l();
      }, 0).unref?.();
    }
    return hit.found;
  };

  return {
    resolve(file, workspaceRoots) {
      const found = discover(file, workspaceRoots);
      if (!found) return undefined;
      let hit = cache.get(found.root);
      if (!hit || hit.found.source !== found.source) {
        hit = load(found);
        cache.set(found.root, hit);
      }
      if (!announced.has(found.root)) {
        announced.add(found.root);
        options.logger.info(`Using the environment ${found.root} (found by ${found.source}; ${hit.snapshot.distributions.size} distributions, Python ${hit.snapshot.pythonVersion ?? 'unknown'})`);
      }
      return hit;
    },
    setSetting(venvPath) {
      if (venvPath === setting) return;
      setting = venvPath;
      cache.clear();
      discovered.clear();
      for (const l of listeners) l();
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

function trimSep(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
}

function localPath(url: string): string | undefined {
  try {
    return trimSep(path.resolve(fileURLToPath(url)));
  } catch {
    return undefined;
  }
}

function realpath(p: string): string {
  try {
    return trimSep(fs.realpathSync(p));
  } catch {
    return trimSep(p);
  }
}
