// The facts contracts: what the language service is given (index views, environment snapshots, small
// disk facts) by the adapters in index/, environment/ and workspace/. Features and adapters import these
// types from here, so no adapter imports a feature module and the facade and the features form no cycle.

import type { Diagnostic } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../syntax/types.js';
import type { FileContext } from '../workspace/context.js';
import type { Bounds } from '../workspace/frozen.js';
import type { PipRunsFrom, VulnerabilityFacts } from '../shared/facts.js';
import type { SupplyChainPolicy } from './supplyChainDiagnostics.js';
import type { DirectoryLister, EnvironmentFacts, IndexFacts } from '../shared/facts.js';

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
  /** The supply-chain policy (requirements.cooldownDays, .licenses, .lookAlikes); absent, the defaults. */
  supplyChain?: () => SupplyChainPolicy;
  /** The `osv-scanner.toml` an ignore quick fix writes to for a file (beside it), whether it exists, and its text. */
  ignoreFile?: (filePath: string) => { path: string; exists: boolean; text?: string } | undefined;
  /** The clock release ages are measured by (tests set it). */
  now?: () => Date;
  /** Known advisories for this file's releases (its index's JSON API or OSV); undefined when the check is off. */
  vulnerabilities?: (filePath: string, doc: ParsedDocument) => Omit<VulnerabilityFacts, 'installed'> | undefined;
  /** What the last failed compile said about this file's lines (`compile-failed`), until the file is edited. */
  compileProblems?: (filePath: string) => readonly Diagnostic[] | undefined;
}
