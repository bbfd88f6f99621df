// In-process feature tests, as vscode-json-languageservice tests its services: files in memory, fake facts,
// a `|` for the cursor, and one `check` per feature. No server, no disk, no network.

import assert from 'node:assert/strict';
import { createLanguageService, type LanguageServiceFacts } from '../../server/src/service/index.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';
import type { EnvironmentFacts, IndexFacts, ProjectFact } from '../../server/src/shared/facts.ts';

export const ROOT = '/p';

/** A small index as plain data (the index layer is tested against a real loopback index elsewhere). */
export function fakeIndex(projects: Record<string, Omit<Partial<ProjectFact>, 'versions'> & { versions?: string[] }>): IndexFacts {
  const facts = new Map<string, ProjectFact>();
  for (const [name, p] of Object.entries(projects)) {
    const versions = (p.versions ?? []).map((version) => ({ version, prerelease: /[a-z]/i.test(version) }));
    facts.set(name, { name, extras: [], ...p, latest: p.latest ?? versions.find((v) => !v.prerelease)?.version, versions });
  }
  return { searchNames: () => ({ items: [], incomplete: false }), project: (n) => facts.get(n), peek: (n) => facts.get(n) };
}

/** An environment as plain data: what is installed, at which version, requiring what (markers count as true). */
export function fakeEnvironment(installed: Record<string, { version: string; requires?: string[] }>): EnvironmentFacts {
  return {
    describe: '.venv',
    installed: (n) => (installed[n] ? { name: n, version: installed[n].version, providesExtras: [] } : undefined),
    evaluateMarker: () => true,
    broken: () => [],
    requiresDist: (n) => (installed[n] ? (installed[n].requires ?? []) : undefined),
  };
}

/**
 * Runs `feature` on the file `main` of `files` (paths relative to /p) with the cursor where `|` is in its
 * text, and compares what `pick` takes of the result with `expected`.
 */
export function check<T>(
  files: Record<string, string>,
  feature: (
    service: ReturnType<typeof createLanguageService>,
    ctx: NonNullable<ReturnType<ReturnType<typeof workspaceOf>['contextOf']>>,
    position: { line: number; character: number },
  ) => T,
  expected: unknown,
  options: { main?: string; facts?: LanguageServiceFacts; pick?: (result: T) => unknown } = {},
): T {
  const main = options.main ?? Object.keys(files)[0];
  const texts: Record<string, string> = {};
  let position = { line: 0, character: 0 };
  for (const [name, text] of Object.entries(files)) {
    const at = text.indexOf('|');
    if (name === main && at >= 0) {
      const before = text.slice(0, at).split('\n');
      position = { line: before.length - 1, character: before[before.length - 1].length };
      texts[`${ROOT}/${name}`] = text.slice(0, at) + text.slice(at + 1);
    } else texts[`${ROOT}/${name}`] = text;
  }
  const workspace = workspaceOf((p) => texts[p]);
  const ctx = workspace.contextOf(`${ROOT}/${main}`);
  assert.ok(ctx, `${main} is readable`);
  const result = feature(createLanguageService(options.facts ?? {}), ctx, position);
  assert.deepEqual(options.pick ? options.pick(result) : result, expected);
  return result;
}
