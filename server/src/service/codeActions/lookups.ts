// What the code actions look up in the facts at hand: the newest release allowed, a release's hashes, and
// what a compiled file's `.in` (and its includes) allow for a package.

import { releaseInsideCooldown } from '../supplyChain/releaseAge.js';
import * as path from 'node:path';
import { newestAllowed as newestOf } from '../../shared/pep440.js';
import type { VersionFact } from '../../shared/facts.js';
import type { FileContext } from '../../workspace/context.js';
import { specifiersByName } from '../../workspace/sourceSpecifiers.js';
import { fileUri } from '../paths.js';
import type { SourceBound } from './vulnerabilityActions.js';
import type { IndexFacts, ProjectFact } from '../../shared/facts.js';

/** The newest final, unyanked release that every specifier and the environment's Python allow. */
export function newestAllowed(
  project: ProjectFact | undefined,
  specifiers: string[],
  python: string | undefined,
  skip?: (v: VersionFact) => boolean,
): string | undefined {
  return newestOf(skip ? project?.versions.filter((v) => !skip(v)) : project?.versions, specifiers, python);
}

/** Whether a release is inside the cooldown (`requirements.cooldownDays`): upgrades skip it unless asked for by name. */
export function insideCooldownOf(cooldownDays: number, now: Date): (v: VersionFact) => boolean {
  return (v) => releaseInsideCooldown(v, cooldownDays, now);
}

/** `sha256:…` of every file of a release, when the index has the project. */
export function releaseHashes(index: IndexFacts | undefined, name: string, version: string): string[] | undefined {
  return index?.project(name)?.versions.find((v) => v.version === version)?.hashes;
}

/** What a compiled file's sources allow for each package (empty when it has none). */
export function sourceBounds(ctx: FileContext): Map<string, string[]> {
  return specifiersByName((ctx.sources ?? []).map((s) => s.document));
}

/** The requirement lines of a compiled file's `.in` (and what it includes) that name `name`. */
export function sourceLines(ctx: FileContext): (name: string) => SourceBound[] {
  return (name) =>
    (ctx.sources ?? []).flatMap((d) =>
      d.document.lines
        .filter((l) => l.project === name && l.requirement?.specifier?.text.trim())
        .map((l) => ({
          uri: fileUri(d.path),
          where: `${path.basename(d.path)}:${l.firstLine + 1}`,
          specifier: l.requirement!.specifier!.text,
          written: l.requirement!.specifier!.written,
          range: l.requirement!.specifier!.range,
        })),
    );
}
