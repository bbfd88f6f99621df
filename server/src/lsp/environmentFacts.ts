// The environment as the LSP host hands it to features and commands: features read the snapshot at hand
// (a discovery or first scan still on its way is noted for the brief wait, and its landing republishes);
// commands, explicit actions, await it.

import { escapeMarkdown, inlineCode } from '../service/markdown.js';
import * as path from 'node:path';
import { describeEnvironment, type EnvironmentService } from '../environment/index.js';
import type { FactsWaiter } from './wait.js';
import type { Settings } from '../settings.js';

export function environmentFacts(environments: EnvironmentService, o: { settings: () => Settings; roots: () => string[]; waiter: FactsWaiter }) {
  /** The environment at hand: null when none is found, undefined while it is on its way (noted) or for a path that is not a file's. */
  const peek = (filePath: string) => {
    if (!path.isAbsolute(filePath)) return undefined;
    const now = environments.peek(filePath, o.roots());
    if (now === undefined) o.waiter.note(environments.pending(filePath, o.roots()));
    return now;
  };
  const checked = () => o.settings().diagnostics.environment;
  return {
    /** The facts features check against (undefined: not checked, null: none found). */
    facts(filePath: string) {
      const now = checked() ? peek(filePath) : undefined;
      return now === undefined ? undefined : (now?.facts ?? null);
    },
    summary(filePath: string): string | undefined {
      const resolved = checked() ? peek(filePath) : undefined;
      if (resolved === undefined) return undefined;
      if (!resolved) return 'Environment: none found (set `requirements.venvPath`, activate one, or create `.venv`).';
      return `Environment: ${inlineCode(resolved.found.root)} — ${escapeMarkdown(describeEnvironment(resolved.snapshot))}, found by ${resolved.found.source}, ${resolved.snapshot.distributions.size} distributions.`;
    },
    /** The environment whose pip.conf counts for the index configuration. */
    venvRootOf: (filePath: string) => (checked() ? peek(filePath)?.found.root : undefined),
    /** The label `requirements/status` shows; undefined while it is on its way. */
    label(filePath: string): string | undefined {
      const resolved = checked() ? peek(filePath) : undefined;
      return resolved === undefined ? undefined : resolved ? describeEnvironment(resolved.snapshot) : 'no environment';
    },
    // For commands: awaited first, then read.
    ready: async (filePath: string) => void (path.isAbsolute(filePath) && (await environments.resolve(filePath, o.roots()))),
    venvRoot: (filePath: string) => peek(filePath)?.found.root,
    snapshot: (filePath: string) => peek(filePath)?.snapshot,
    /** Only what lives in the environment itself: a base interpreter's packages (include-system-site-packages) are not sync's to remove. */
    installed(filePath: string): string[] {
      const found = peek(filePath);
      if (!found) return [];
      const inside = (p: string) => p.startsWith(found.found.root + path.sep);
      return [...found.snapshot.distributions.values()].filter((d) => inside(d.location)).map((d) => d.normalized);
    },
  };
}

export type EnvironmentFactsWiring = ReturnType<typeof environmentFacts>;
