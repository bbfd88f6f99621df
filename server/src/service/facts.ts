// The facts contracts: what the language service is given (index views, environment snapshots, small
// disk facts) by the adapters in index/, environment/ and workspace/. Features and adapters import these
// types from here, so no adapter imports a feature module and the facade and the features form no cycle.

import type { MarkerExpression, ParsedDocument } from '../syntax/types.js';
import type { VulnerabilityFacts } from './vulnerabilities.js';
import type { FileContext } from '../workspace/context.js';
import type { Bounds } from '../workspace/frozen.js';
import type { PipRunsFrom } from './localPaths.js';

/** A version as the index knows it. */
export interface VersionFact {
  version: string;
  prerelease: boolean;
  /** True or the index's reason when the release is yanked (PEP 592). */
  yanked?: string | boolean;
  requiresPython?: string;
  /** `sha256:…` of each (unyanked) file of the release, for --hash. */
  hashes?: string[];
}

/** What the index knows of one project; versions newest first. */
export interface ProjectFact {
  name: string;
  versions: VersionFact[];
  latest?: string;
  summary?: string;
  extras: string[];
  projectUrl?: string;
}

/** Index facts, answered synchronously from what is loaded; a miss may start a background fetch. */
export interface IndexFacts {
  searchNames(query: string, limit: number): { items: { name: string; summary?: string; latest?: string }[]; incomplete: boolean };
  project(name: string): ProjectFact | undefined;
  /** Like `project`, but never starts a fetch (for checking every line of a large file). */
  peek?(name: string): ProjectFact | undefined;
  /** Whether the index lists the project; undefined while its project list is not loaded. */
  knows?(name: string): boolean | undefined;
  /** A page about the project on the index in use (pypi.org/project/x for PyPI); undefined with no index. */
  projectPage?(name: string): string | undefined;
  /** The closest known name, for "did you mean". */
  suggest?(name: string): string | undefined;
  /** The environment's Python version for Requires-Python checks, when known. */
  pythonVersion?: string;
  /** Whether a version satisfies a Requires-Python specifier; undefined when unknown. */
  pythonAllows?(requiresPython: string): boolean | undefined;
  /** Requires-Dist of one release from the index's metadata (PEP 658 / JSON API); a miss starts a fetch. */
  requiresDist?(name: string, version: string | undefined): string[] | undefined;
}

/** Directory entries for include-path completion. */
export type DirectoryLister = (folder: string) => { name: string; directory: boolean }[];

export interface InstalledFact {
  name: string;
  version: string;
  providesExtras: string[];
  summary?: string;
}

export interface BrokenDependency {
  /** The installed distribution whose Requires-Dist is not met. */
  dist: string;
  requirement: string;
  problem: 'missing' | 'version';
  installedVersion?: string;
  /** Normalized name of the dependency. */
  dependency: string;
}

/** What the active environment is, read statically; every lookup is by PEP 503 name. */
export interface EnvironmentFacts {
  /** How to name it in messages: `.venv (Python 3.11.7)`. */
  describe: string;
  /** The environment's Python version (`3.11.7`), when pyvenv.cfg or the layout tells it. */
  pythonVersion?: string;
  installed(normalized: string): InstalledFact | undefined;
  /** true/false, or undefined when the marker cannot be decided. */
  evaluateMarker(expression: MarkerExpression, extras: string[]): boolean | undefined;
  /** What `pip check` would report. */
  broken(): BrokenDependency[];
  /** Installed distributions whose Requires-Dist (markers true) names `normalized`. */
  dependents?(normalized: string): { name: string; normalized: string; version: string }[];
  /** The installed distribution's Requires-Dist as written (markers unevaluated), when it is installed (at `version`, if given). */
  requiresDist?(normalized: string, version?: string): string[] | undefined;
  /** The distribution pip installed from this local folder or archive (direct_url.json, or a legacy .egg-link). */
  installedFrom?(absolutePath: string): InstalledFact | undefined;
}

export interface LanguageServiceFacts {
  /** Whether a local path exists, for `./pkg` and `-e ./pkg` lines. */
  exists?: (absolutePath: string) => boolean;
  /** Where pip would run for a file, which is where `./pkg` and `-e .` resolve from; default: the file's folder. */
  pipRunsFrom?: (filePath: string) => PipRunsFrom;
  /** Bounds for a derived requirements.in (`requirements.derive.bounds`). */
  deriveBounds?: () => Bounds;
  /** Whether the client applies CreateFile in a WorkspaceEdit (else actions run a command that writes). */
  createFiles?: () => boolean;
  /** Lists a folder for include-path completion. */
  listDirectory?: DirectoryLister;
  /** The active environment of a file, when one was found (undefined) or discovery found none (null). */
  environment?: (filePath: string) => EnvironmentFacts | null | undefined;
  /** Report outdated pins (hints) and show `⟶ latest` inlay hints; both need index facts. */
  outdated?: () => { diagnostics: boolean; inlayHints: boolean };
  /** Describes the environment in use, for the hover of the first line. */
  environmentSummary?: (filePath: string) => string | undefined;
  /** What the package index this file uses (its view) knows right now; absent until the index is there. */
  index?: (ctx: FileContext) => IndexFacts | undefined;
  /** Known advisories for this file's releases (its index's JSON API or OSV); undefined when the check is off. */
  vulnerabilities?: (filePath: string, doc: ParsedDocument) => Omit<VulnerabilityFacts, 'installed'> | undefined;
}

