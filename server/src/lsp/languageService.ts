// The language service over the adapters' facts: what it reads of the index, the environment, the disk, the
// settings and the client, each as the wiring hands it out.

import * as path from 'node:path';
import type { ClientCapabilities, Diagnostic } from 'vscode-languageserver/node.js';
import { createLanguageService, type LanguageService } from '../service/index.js';
import type { Settings } from '../settings.js';
import type { EnvironmentFactsWiring } from './environmentFacts.js';
import type { indexFacts } from './indexFacts.js';
import { OSV_IGNORE_FILE } from './osvIgnoreFiles.js';

export function languageServiceOver(o: {
  index: ReturnType<typeof indexFacts>;
  environment: EnvironmentFactsWiring;
  files: { exists(p: string): boolean; listDirectory(folder: string): { name: string; directory: boolean }[] };
  settings(): Settings;
  capabilities(): ClientCapabilities;
  roots(): string[];
  /** Small files read off the request path (the osv-scanner.toml an ignore fix appends to). */
  configFiles?: { read(p: string): string | undefined };
  /** What the last failed compile said about a file's lines. */
  compileProblems(filePath: string): readonly Diagnostic[] | undefined;
}): LanguageService {
  return createLanguageService({
    index: o.index.facts,
    vulnerabilities: o.index.vulnerabilities,
    compileProblems: o.compileProblems,
    listDirectory: o.files.listDirectory,
    exists: o.files.exists,
    // Where pip runs is unknown in the editor: the workspace folder holding the file, or the file's folder.
    pipRunsFrom: (filePath) => ({ folders: [...o.roots().filter((r) => filePath.startsWith(r + path.sep)), path.dirname(filePath)], known: false }),
    deriveBounds: () => o.settings().derive.bounds,
    createFiles: () => {
      const edit = o.capabilities().workspace?.workspaceEdit;
      return !!edit?.documentChanges && !!edit.resourceOperations?.includes('create');
    },
    environment: o.environment.facts,
    environmentSummary: o.environment.summary,
    outdated: () => ({ diagnostics: o.settings().diagnostics.outdated, inlayHints: o.settings().inlayHints.outdated }),
    ignoreFile: (filePath) => {
      const file = path.join(path.dirname(filePath), OSV_IGNORE_FILE);
      return { path: file, exists: o.files.exists(file), text: o.configFiles?.read(file) };
    },
    supplyChain: () => {
      const s = o.settings();
      return { cooldownDays: s.cooldownDays, licenses: s.licenses, lookAlikes: s.lookAlikes };
    },
  });
}
