// The facts contracts between the language service and its adapters: what the index views, the environment
// snapshots, the advisory client and the disk give the features. Adapters (index/, environment/, workspace/) and
// features (service/) both import them from here, so no adapter imports a feature and no feature module
// imports another for a type.

import type { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { MarkerExpression } from '../syntax/types.js';

/** A version as the index knows it. */
export interface VersionFact {
  version: string;
  prerelease: boolean;
  /** True or the index's reason when the release is yanked (PEP 592). */
  yanked?: string | boolean;
  requiresPython?: string;
  /** `sha256:…` of each (unyanked) file of the release, for --hash. */
  hashes?: string[];
  /** The release's first upload, ISO 8601 (PEP 700 `upload-time`, or the JSON API's `upload_time_iso_8601`). */
  uploaded?: string;
  /** The file names of the release (unyanked ones when there are any): which wheels exist. */
  files?: string[];
  /** Where each file with a sha256 is served, and that hash: what a PEP 751 lock names for a `--hash`. */
  downloads?: { url: string; sha256: string }[];
}

/** What the JSON API's `info` says of the licence (of the latest release): PEP 639 first, then the older fields. */
export interface LicenceFields {
  license_expression?: string;
  license?: string;
  /** The `License :: …` trove classifiers only. */
  classifiers?: string[];
}

/** What the index knows of one project; versions newest first. */
export interface ProjectFact {
  name: string;
  versions: VersionFact[];
  latest?: string;
  summary?: string;
  extras: string[];
  projectUrl?: string;
  licence?: LicenceFields;
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
  /** The popular project a little-used name imitates (one small edit away), from the popularity table. */
  lookAlike?(name: string): { target: string; rank: number } | undefined;
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

/** What an environment accepts, read from the venv (its Python version) and the machine it runs on. */
export interface WheelEnvironment {
  /** CPython's major and minor version, e.g. [3, 11]. */
  python: [number, number];
  os: 'linux' | 'macos' | 'windows';
  /** `x86_64`, `aarch64`, `arm64`, `i686`, `AMD64`, … as the platform tags spell them (see `platformTags`). */
  arch: string;
  /** Linux: the C library and its version; glibc [2, 35] or musl [1, 2]. */
  libc?: { kind: 'glibc' | 'musl'; version: [number, number] };
  /** macOS: its version, e.g. [14, 0]. */
  macos?: [number, number];
}

/** What the active environment is, read statically; every lookup is by PEP 503 name. */
export interface EnvironmentFacts {
  /** How to name it in messages: `.venv (Python 3.11.7)`. */
  describe: string;
  /** The environment's Python version (`3.11.7`), when pyvenv.cfg or the layout tells it. */
  pythonVersion?: string;
  /** Which wheels install into it: its Python version and this machine's platform; undefined when the version is unknown. */
  wheelEnvironment?: WheelEnvironment;
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

/** One published advisory against a release (PyPI's JSON API `vulnerabilities`, or an OSV record). */
export interface Advisory {
  id: string;
  aliases: string[];
  summary?: string;
  /** Releases that fix it (PyPI's `fixed_in`, OSV's `fixed` events); empty when none does yet. */
  fixedIn: string[];
  link?: string;
  withdrawn?: boolean;
}

export interface VulnerabilityFacts {
  /** Advisories of `name==version` (normalized name), undefined while not known yet. */
  advisories(name: string, version: string): Advisory[] | undefined;
  /** The installed version of a project in the file's environment, for lines that are not pinned. */
  installed?(name: string): string | undefined;
  /** Advisory ids (or aliases) to leave out, as pip-audit's `--ignore-vuln`. */
  ignore?: string[];
  /** The `osv-scanner.toml` entry that ignores an advisory known by these ids (its id and aliases) now, if one does. */
  ignoredBy?(ids: string[]): IgnoreEntry | undefined;
  severity?: DiagnosticSeverity;
}

/** An `[[IgnoredVulns]]` entry of an `osv-scanner.toml`, and the file it is in. */
export interface IgnoreEntry {
  id: string;
  until?: Date;
  reason?: string;
  file: string;
}

/**
 * The folders pip may run from for a file. `check` knows (its working directory, or --root): one folder,
 * and a path missing there is an error. The editor does not: it tries the workspace folder and the file's
 * folder, and a path found in neither is a warning. Only -r/-c targets are relative to the file itself.
 */
export interface PipRunsFrom {
  folders: string[];
  known: boolean;
}
