// The package index as the LSP host hands it out: the view a file's configuration selects (recorded for the
// brief wait), the advisories of the index pip would use, and what the commands ask of it. What a view says of a
// name alone (listed or not, did-you-mean) is kept, and did-you-mean searched off the keystroke path (lsp/nameFacts.ts).

import { toSeverity } from '../service/convert.js';
import type { FileContext } from '../service/index.js';
import type { IndexView } from '../index/indexView.js';
import type { IndexAdapter } from '../index/views.js';
import { vulnerabilityTarget } from '../index/vulnerabilityTarget.js';
import type { FactsWaiter } from './wait.js';
import type { Settings } from '../settings.js';
import type { Workspace } from '../workspace/index.js';
import { createNameFacts } from './nameFacts.js';
import { osvIgnoresFor } from './osvIgnoreFiles.js';
import type { SmallFiles } from '../workspace/smallFiles.js';

export function indexFacts(
  index: IndexAdapter,
  o: {
    workspace: Workspace;
    settings: () => Settings;
    waiter: FactsWaiter;
    venvRootOf: (filePath: string) => string | undefined;
    venvRoot: (filePath: string) => string | undefined;
    /** Small files read off the request path: the `osv-scanner.toml` beside a file or at its workspace root. */
    configFiles?: SmallFiles;
    roots?: () => string[];
  },
) {
  const ignoresFor = (filePath: string) => (o.configFiles ? osvIgnoresFor(filePath, o.configFiles, o.roots?.() ?? []) : undefined);
  const viewOf = (ctx: FileContext): IndexView | undefined => index.view(ctx.indexOptions, o.venvRootOf(ctx.path));
  // The view the last prefetch used: the hashes of a compile with --generate-hashes come from the index its .in names.
  let prefetchView: IndexView | undefined;
  const suggested: ((names: string[]) => void)[] = [];
  const names = createNameFacts({ landed: (landed) => suggested.forEach((l) => l(landed)) });
  return {
    /** The index facts of a file's view, as features read them. */
    facts: (ctx: FileContext) => o.waiter.record(names.over(viewOf(ctx))),
    /** Did-you-mean answers searched in the background landed: the files that asked for them are checked again. */
    onSuggestions: (listener: (names: string[]) => void) => void suggested.push(listener),
    /** The names a view knows may have changed (a project list landed): they are asked again. */
    namesChanged: () => names.forget(),
    /** The advisories of a file's releases from the source its settings and index name (the index pip would use). */
    vulnerabilities(filePath: string) {
      const options = o.settings().vulnerabilities;
      const ctx = options.source === 'off' ? undefined : o.workspace.contextOf(filePath);
      const config = ctx && index.config(ctx.indexOptions, o.venvRootOf(filePath));
      // The index's JSON API is the index: not asked before the user allowed an origin the workspace chose.
      const target = config && (options.source === 'osv' || index.mayContact(config)) ? vulnerabilityTarget(options, config) : undefined;
      // Through the waiter, as index facts: a hover or a menu awaits advisories on their way.
      const advisories = target ? o.waiter.recordAdvisories(index.vulnerabilities(), target) : undefined;
      return advisories && { advisories, ignore: options.ignore, ignoredBy: ignoresFor(filePath), severity: toSeverity(options.severity) };
    },
    /** `--index-url`/`--extra-index-url` for what only the settings say (pip and the tools read the rest themselves). */
    indexArgs(filePath: string): string[] {
      const ctx = o.workspace.contextOf(filePath);
      const config = index.config(ctx?.indexOptions ?? { extraIndexUrls: [], noIndex: false }, o.venvRoot(filePath));
      return [
        ...(config.source === 'the client settings' ? ['--index-url', config.indexUrl] : []),
        ...o.settings().extraIndexUrls.flatMap((u) => ['--extra-index-url', u]),
      ];
    },
    /** Whether the index a compile will ask answers: what the hub knows of its host, else a HEAD within 3 s. */
    reachIndex: (indexUrl: string) => index.reach(indexUrl, 3_000),
    /** A file's releases' downloads (url and sha256) from what its index view holds now: a lock names them. */
    downloads(filePath: string) {
      const ctx = o.workspace.contextOf(filePath);
      const view = ctx && viewOf(ctx);
      return (name: string, version: string) => view?.peek?.(name)?.versions.find((v) => v.version === version)?.downloads;
    },
    knownHashes: (name: string, version: string) => prefetchView?.peek?.(name)?.versions.find((v) => v.version === version)?.hashes ?? [],
    /** The index the .in itself names (as pip would use it), so that no other index's files are hashed; bounded, since an unreachable index must not hold the command. */
    async prefetch(names: string[], source: string) {
      const ctx = o.workspace.contextOf(source);
      if (!ctx || !(await index.loaded())) return;
      // An explicit command: the tool it runs asks the file's index anyway (Restricted Mode runs no command).
      const view = index.view(ctx.indexOptions, o.venvRootOf(ctx.path), { command: true });
      if (!view) return;
      prefetchView = view;
      const all = Promise.all(names.map((n) => view.ensureProject(n).catch(() => undefined)));
      await Promise.race([all, new Promise((r) => setTimeout(r, 15_000).unref())]);
    },
  };
}
