// Supply-chain facts on requirement lines, from what the index already said (no request of their own): a pin to
// a release inside the cooldown (`too-new`), a licence the policy does not admit (`license`), a pin with no wheel
// for the file's environment (`no-wheel`), and a little-used name that imitates a popular one (`look-alike`).

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../syntax/types.js';
import type { IndexFacts, ProjectFact, VersionFact, WheelEnvironment } from '../shared/facts.js';
import { SOURCE } from './convert.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';
import { counted } from './diagnostics.js';
import { lineShapes, placed } from './lineShapes.js';
import { licenceOf, licenceVerdict } from './supplyChain/licence.js';
import { cooldownMessage, insideCooldown, releaseInsideCooldown } from './supplyChain/releaseAge.js';
import { uploadDate } from '../shared/releaseTimes.js';
import { describeEnvironment, platformTags, wheelFits, wheelTagsOf } from './supplyChain/wheelTags.js';

export interface SupplyChainPolicy {
  cooldownDays: number;
  licenses: { allow: string[]; deny: string[] };
  lookAlikes: boolean;
}

const DEFAULT_POLICY: SupplyChainPolicy = { cooldownDays: 7, licenses: { allow: [], deny: [] }, lookAlikes: true };

export function supplyChainPolicy(facts: { supplyChain?: () => SupplyChainPolicy }): SupplyChainPolicy {
  return facts.supplyChain?.() ?? DEFAULT_POLICY;
}

/**
 * The popular project a name imitates, when look-alikes are on and the index lists the name (a name it lacks is
 * an unknown package, a typo, not an imitation).
 */
export function lookAlikeOf(index: IndexFacts, name: string, lookAlikes: boolean): { target: string; rank: number } | undefined {
  return lookAlikes && index.knows?.(name) === true ? index.lookAlike?.(name) : undefined;
}

export interface SupplyChainOptions extends SupplyChainPolicy {
  now: Date;
  /** The file's environment, for `no-wheel`; absent, that check is skipped. */
  wheels?: WheelEnvironment;
  room?: number;
}

export function supplyChainDiagnostics(doc: ParsedDocument, index: IndexFacts, options: SupplyChainOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const room = options.room ?? Infinity;
  const push = (d: Diagnostic) => out.push(out.length < room ? d : counted(d.severity!));
  const lineShape = lineShapes(doc);
  const platforms = options.wheels && platformsOf(options.wheels);
  const policed = options.licenses.allow.length > 0 || options.licenses.deny.length > 0;
  let pinsLooked = 0;
  for (const line of doc.lines) {
    if (!line.project) continue;
    const lookAlike = lookAlikeOf(index, line.project, options.lookAlikes);
    // Only facts at hand: these checks never start a fetch (indexDiagnostics asks for what the file needs).
    const project = (index.peek ?? index.project)(line.project);
    if (!lookAlike && !project) continue;
    const shape = lineShape(line);
    if (!shape.judged || !shape.name) continue;
    const nameRange = () => placed(shape.name!.place, line.firstLine);
    // The name as the file writes it (the other diagnostics say 'flask', not the index's 'Flask').
    const name = shape.name.shown;
    if (lookAlike) {
      push({
        range: nameRange(),
        severity: DiagnosticSeverity.Warning,
        code: DiagnosticCode.LookAlike,
        source: SOURCE,
        message: `'${shape.name.shown}' is a little-used look-alike of ${lookAlike.target} (${rankWords(lookAlike.rank)}): check that you meant it.`,
        data: { lookAlikeOf: lookAlike.target },
      });
    }
    if (!project) continue;
    if (policed) {
      const verdict = licenceVerdict(licenceOf(project.licence ?? {}), options.licenses);
      if (!verdict.ok) {
        const message = `${name}: ${verdict.why}.`;
        push({ range: nameRange(), severity: DiagnosticSeverity.Warning, code: DiagnosticCode.License, source: SOURCE, message });
      }
    }
    const pinned = shape.pin ? project.versions.find((v) => v.version === shape.pin) : undefined;
    if (!pinned) continue;
    const specifier = () => placed(shape.specifier!, line.firstLine);
    const uploaded = uploadDate(pinned);
    if (uploaded && insideCooldown(uploaded, options.cooldownDays, options.now)) {
      const message = cooldownMessage(name, shape.pinShown ?? pinned.version, uploaded, options.cooldownDays, options.now);
      push({ range: specifier(), severity: DiagnosticSeverity.Warning, code: DiagnosticCode.TooNew, source: SOURCE, message });
    }
    if (options.wheels && platforms && pinsLooked++ < WHEEL_CHECKS && noWheelFits(pinned, options.wheels, platforms)) {
      const sdist = pinned.files!.some((f) => /\.(tar\.gz|zip|tar\.bz2|tgz)$/i.test(f));
      const where = describeEnvironment(options.wheels);
      push({
        range: specifier(),
        severity: DiagnosticSeverity.Information,
        code: DiagnosticCode.NoWheel,
        source: SOURCE,
        message: sdist
          ? `No wheel for ${where}: pip will build ${name} ${pinned.version} from its sdist (a compiler and the library's headers may be needed).`
          : `No file of ${name} ${pinned.version} installs on ${where}: it has no compatible wheel and no sdist.`,
      });
    }
  }
  return out;
}

/** Each environment's platform tags, built once (completion asks for every release of a project). */
const platformsByEnvironment = new WeakMap<WheelEnvironment, Set<string>>();
function platformsOf(env: WheelEnvironment): Set<string> {
  let tags = platformsByEnvironment.get(env);
  if (!tags) platformsByEnvironment.set(env, (tags = platformTags(env)));
  return tags;
}

/**
 * Pins whose wheels are looked at in one file: a release's file names are read once (then kept), but a first pass
 * over a 5,000-pin file of releases with 50 files each read 250,000 names in 260 ms. Past this, no-wheel is not said.
 */
const WHEEL_CHECKS = 1000;

/** True when the release's files are known and none is a wheel that installs here. */
function noWheelFits(version: VersionFact, env: WheelEnvironment, platforms: Set<string>): boolean {
  if (!version.files?.length) return false;
  // Kept per release fact and environment: a compiled file of 5,000 pins with 50 files each would otherwise parse
  // 250,000 file names on every keystroke.
  let known = verdicts.get(env);
  if (!known) verdicts.set(env, (known = new WeakMap()));
  let none = known.get(version);
  if (none === undefined) {
    none = !version.files.some((f) => mayFit(f, platforms) && fits(f, env, platforms));
    known.set(version, none);
  }
  return none;
}
const verdicts = new WeakMap<WheelEnvironment, WeakMap<VersionFact, boolean>>();

/** A cheap first look: a wheel whose last tag set names none of the platforms cannot fit (most files of a release). */
function mayFit(file: string, platforms: Set<string>): boolean {
  if (!file.endsWith('.whl')) return false;
  const platform = file.slice(file.lastIndexOf('-') + 1, -4);
  if (platforms.has(platform)) return true;
  return platform.includes('.') && platform.split('.').some((p) => platforms.has(p));
}

function fits(file: string, env: WheelEnvironment, platforms: Set<string>): boolean {
  const tags = wheelTagsOf(file);
  return tags !== undefined && wheelFits(tags, env, platforms);
}

/** What completion and the upgrade actions say of a release: inside the cooldown, or no wheel here. */
export function releaseNotes(version: VersionFact, options: Pick<SupplyChainOptions, 'cooldownDays' | 'now' | 'wheels'>): string[] {
  const notes: string[] = [];
  if (releaseInsideCooldown(version, options.cooldownDays, options.now)) notes.push(`inside the ${options.cooldownDays}-day cooldown`);
  if (options.wheels && noWheelFits(version, options.wheels, platformsOf(options.wheels))) notes.push('no wheel here: built from source');
  return notes;
}

/** "the 12th most downloaded project" */
export function rankWords(rank: number): string {
  const n = rank + 1;
  if (n === 1) return 'the most downloaded project';
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `the ${n}${suffix} most downloaded project`;
}

/**
 * The index facts with a look-alike's newest release left out of what is outdated: its line gets neither the
 * `outdated` hint nor the `⟶ latest` inlay hint (they would nudge an upgrade the actions rightly withhold).
 */
const withoutByIndex = new WeakMap<IndexFacts, IndexFacts>();
export function withoutLookAlikes(index: IndexFacts, lookAlikes: boolean): IndexFacts {
  if (!lookAlikes || !index.lookAlike) return index;
  let wrapped = withoutByIndex.get(index);
  if (!wrapped) {
    const suspect = (name: string) => lookAlikeOf(index, name, true) !== undefined;
    const latestless = (fact: ProjectFact | undefined, name: string) => (fact && suspect(name) ? { ...fact, latest: undefined } : fact);
    wrapped = { ...index, project: (name) => latestless(index.project(name), name), peek: index.peek && ((name) => latestless(index.peek!(name), name)) };
    withoutByIndex.set(index, wrapped);
  }
  return wrapped;
}
