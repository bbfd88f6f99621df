// The code-action menu: each provider says which kinds it may produce, and only the providers whose kinds the
// request's `context.only` asks for run (a quick-fix request computes no source action, and the reverse).
// Facts are looked up on first use within a request. The edits of lazy actions come in codeAction/resolve.

import { lookAlikeOf, supplyChainPolicy } from '../supplyChainDiagnostics.js';
import { ignoreFixes } from './ignoreActions.js';
import * as path from 'node:path';
import { CodeActionKind, type CodeAction, type CodeActionContext, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { isNewer, versionSatisfies } from '../../shared/pep440.js';
import { lineAt } from '../../syntax/query.js';
import type { FileContext } from '../../workspace/context.js';
import type { LanguageServiceFacts } from '../facts.js';
import type { FrozenAnalysis } from '../frozenFile.js';
import { vulnerabilityDiagnostics, vulnerabilityFactsOf } from '../vulnerabilities.js';
import { commandActions, installAllAction, installFix, recompileFix, syncFix } from './commandActions.js';
import { compileKeepingVersions, FROZEN_ACTION_KINDS, frozenActions } from './frozenActions.js';
import { asksFor, asksForAny, SOURCE_COMPILE, SOURCE_DERIVE_IN, SOURCE_FIX_VULNERABILITIES, SOURCE_INSTALL } from './kinds.js';
import { insideCooldownOf, newestAllowed, releaseHashes, sourceBounds, sourceLines } from './lookups.js';
import { pinActions } from './pinActions.js';
import { factFixes, quickFixes } from './quickFixes.js';
import { SOURCE_ACTION_KINDS, sourceActions, type LazyActionData } from './sourceActions.js';
import { addHashesEdits, normalizeEdits, pinAllEdits, sortEdits, upgradeAllEdits } from './sourceEdits.js';
import { fixAllVulnerabilities, vulnerabilityFixes, type VulnerabilityFixFacts } from './vulnerabilityActions.js';
import type { EnvironmentFacts, IndexFacts, VulnerabilityFacts } from '../../shared/facts.js';
import { COMMANDS } from '../commandIds.js';

/** One code-action request, with its facts looked up once and only when a provider needs them. */
interface Request {
  ctx: FileContext;
  uri: string;
  only: readonly string[] | undefined;
  diagnostics: Diagnostic[];
  range: Range | undefined;
  index(): IndexFacts | undefined;
  env(): EnvironmentFacts | null | undefined;
  vulnerabilities(): VulnerabilityFacts | undefined;
  vulnerabilityFixFacts(): VulnerabilityFixFacts | undefined;
  /** Whether look-alike names are flagged (requirements.lookAlikes). */
  lookAlikes: boolean;
}

interface Provider {
  /** Every kind the provider may produce: it runs only when the request asks for one of them. */
  kinds: readonly string[];
  provide(request: Request): CodeAction[];
  /** Whether it runs on requirements written in pyproject.toml or a script block (its edits stay inside the string). */
  embedded?: true;
}

const QUICK_FIX = [CodeActionKind.QuickFix];
const STALE = new Set(['not-installed', 'version-mismatch', 'extra-requirement-unmet']);
const OUT_OF_DATE = new Set(['not-compiled', 'stale-pin']);
const withCode = (diagnostics: Diagnostic[], codes: Set<string>) => diagnostics.filter((d) => typeof d?.code === 'string' && codes.has(d.code));

/** Whether the index's project list (loaded) lacks the project of the line at `at`. */
function unknownAt(r: Request, at: { line: number; character: number }): boolean {
  const project = lineAt(r.ctx.document, at.line, at.character)?.project;
  return !!project && suspect(r, project);
}

/** A name nothing should be installed, synced or upgraded for: the index lacks it (a typo), or it imitates a popular one. */
function suspect(r: Request, project: string): boolean {
  const index = r.index();
  if (!index) return false;
  return index.knows?.(project) === false || lookAlikeOf(index, project, r.lookAlikes) !== undefined;
}

function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) [value, done] = [compute(), true];
    return value;
  };
}

export function createCodeActions(facts: LanguageServiceFacts, frozen: (ctx: FileContext) => FrozenAnalysis | undefined) {
  const coolingOf = () => insideCooldownOf(supplyChainPolicy(facts).cooldownDays, facts.now?.() ?? new Date());
  const providers: Provider[] = [
    {
      // Fixes the diagnostic decides alone, and those reading what the index knows (a release's hashes).
      kinds: QUICK_FIX,
      embedded: true,
      provide: (r) => [
        ...quickFixes(r.uri, r.ctx.document, r.diagnostics),
        ...factFixes(r.uri, r.ctx.document, r.diagnostics, { hashes: (name, version) => releaseHashes(r.index(), name, version) }),
      ],
    },
    {
      // The environment is behind the file: in a compiled file syncing it is the fix; installing the line anywhere.
      kinds: QUICK_FIX,
      embedded: true,
      provide: (r) => {
        const stale = withCode(r.diagnostics, STALE);
        if (!stale.length) return [];
        const syncable = stale.filter((d) => !unknownAt(r, d.range.start));
        const out = r.ctx.compiledSource && syncable.length ? [syncFix(r.uri, syncable)] : [];
        const env = r.env();
        for (const d of env ? stale : []) {
          const requirement = (d.data as { requirement?: string } | undefined)?.requirement;
          // A name the index does not have (a typo: `reqeusts`) cannot be installed; its did-you-mean is the fix.
          if (requirement && !unknownAt(r, d.range.start)) out.push(installFix(r.uri, d, requirement, env!.describe));
        }
        return out;
      },
    },
    {
      kinds: QUICK_FIX,
      embedded: true,
      provide: (r) => {
        let vulnerable = r.diagnostics.filter((d) => d?.code === 'vulnerable');
        // The first menu on a line may come before the diagnostics that name its advisories: the line is checked now.
        const atCursor = !vulnerable.length && r.range && lineAt(r.ctx.document, r.range.start.line, r.range.start.character)?.project;
        if (atCursor && r.vulnerabilities())
          vulnerable = vulnerabilityDiagnostics(r.uri, r.ctx.document, r.vulnerabilities()!, { first: r.range!.start.line, last: r.range!.end.line });
        const fixFacts = vulnerable.length ? r.vulnerabilityFixFacts() : undefined;
        const upgrades = fixFacts ? vulnerabilityFixes(r.uri, r.ctx.document, vulnerable, fixFacts) : [];
        const ignoreFile = vulnerable.length ? facts.ignoreFile?.(r.ctx.path) : undefined;
        return ignoreFile
          ? [...upgrades, ...ignoreFixes(vulnerable, { ...ignoreFile, createFiles: facts.createFiles?.() ?? false, now: facts.now?.() ?? new Date() })]
          : upgrades;
      },
    },
    {
      kinds: [SOURCE_FIX_VULNERABILITIES],
      embedded: true,
      provide: (r) => {
        const fixFacts = r.vulnerabilityFixFacts();
        return fixFacts ? fixAllVulnerabilities(r.uri, r.ctx.document, vulnerabilityDiagnostics(r.uri, r.ctx.document, r.vulnerabilities()!), fixFacts) : [];
      },
    },
    {
      // Compiling runs from an .in only; a file compiled from pyproject.toml gets the diagnostics without the fix.
      kinds: QUICK_FIX,
      provide: (r) => {
        const outOfDate = withCode(r.diagnostics, OUT_OF_DATE);
        return outOfDate.length && r.ctx.compiledSource ? [recompileFix(r.uri, outOfDate)] : [];
      },
    },
    {
      // Pin or upgrade the line at the cursor: in a compiled file the .in bounds it; everywhere the environment's Python.
      kinds: [CodeActionKind.RefactorRewrite],
      embedded: true,
      provide: (r) => {
        const name = r.range ? lineAt(r.ctx.document, r.range.start.line, r.range.start.character)?.project : undefined;
        if (!name || !r.range || suspect(r, name)) return [];
        const source = r.ctx.compiledSource;
        const env = r.env();
        const bounds = source ? (sourceBounds(r.ctx).get(name) ?? []) : [];
        const project = r.index()?.project(name);
        const cooling = coolingOf();
        const latest = newestAllowed(project, bounds, env?.pythonVersion, cooling);
        const boundedBy = bounds.length && latest !== newestAllowed(project, [], env?.pythonVersion, cooling) ? path.basename(source!) : undefined;
        // The newest release inside the cooldown is offered only by name, beside the newest outside it.
        const fresh = newestAllowed(project, bounds, env?.pythonVersion);
        const cooldown = fresh && fresh !== latest ? { version: fresh, days: supplyChainPolicy(facts).cooldownDays } : undefined;
        return pinActions(r.uri, r.ctx.document, r.range.start, { installed: env?.installed(name)?.version, latest, boundedBy, cooldown });
      },
    },
    {
      // pip freeze output: derive the .in (a quick fix of the `frozen-file` hint, else a source action).
      kinds: FROZEN_ACTION_KINDS,
      provide: (r) => {
        const hint = r.diagnostics.some((d) => d?.code === 'frozen-file');
        if (!hint && !asksForAny(r.only, [SOURCE_DERIVE_IN, SOURCE_COMPILE])) return [];
        return frozenActions(r.uri, frozen(r.ctx), {
          bounds: facts.deriveBounds?.() ?? 'none',
          createFiles: facts.createFiles?.() ?? false,
          diagnostics: r.diagnostics,
          readFile: r.ctx.texts,
        });
      },
    },
    {
      // Beside a derived .in: compile it keeping the versions.
      kinds: [SOURCE_COMPILE],
      provide: (r) => compileKeepingVersions(r.uri, r.ctx.path, r.ctx.texts),
    },
    { kinds: SOURCE_ACTION_KINDS, provide: (r) => sourceActions(r.uri, r.ctx.document) },
    {
      kinds: [SOURCE_COMPILE, CodeActionKind.RefactorRewrite],
      provide: (r) => commandActions(r.uri, r.ctx.path, r.ctx.document, r.range?.start.line, r.ctx.compiledSource, (name) => suspect(r, name)),
    },
    {
      kinds: [SOURCE_INSTALL],
      provide: (r) => {
        if (!r.ctx.document.lines.some((l) => l.project)) return [];
        const env = r.env();
        return env ? [installAllAction(r.uri, env.describe)] : [];
      },
    },
  ];

  const codeActions = (ctx: FileContext, context: CodeActionContext, range?: Range): CodeAction[] => {
    const only = context.only?.length ? context.only : undefined;
    const index = once(() => facts.index?.(ctx));
    const env = once(() => facts.environment?.(ctx.path));
    const vulnerabilities = once(() => vulnerabilityFactsOf(facts, ctx));
    const request: Request = {
      ctx,
      uri: ctx.uri,
      only,
      diagnostics: context.diagnostics ?? [],
      range,
      index,
      env,
      vulnerabilities,
      lookAlikes: supplyChainPolicy(facts).lookAlikes,
      vulnerabilityFixFacts: once(() => {
        const found = vulnerabilities();
        if (!found) return undefined;
        const source = ctx.compiledSource;
        return {
          advisories: found.advisories,
          project: (name) => index()?.project(name),
          python: env()?.pythonVersion,
          compiledSource: source,
          bounds: source ? sourceLines(ctx) : () => [],
          environment: env()?.describe,
        };
      }),
    };
    const out: CodeAction[] = [];
    // A lock is rewritten by its tool, not by hand; pyproject.toml and scripts get the edits that stay in a string.
    if (ctx.kind === 'pylock') return out;
    for (const provider of providers) {
      if (!asksForAny(only, provider.kinds) || (ctx.kind !== 'requirements' && !provider.embedded)) continue;
      for (const action of provider.provide(request)) if (asksFor(only, action.kind!)) out.push(action);
    }
    return out;
  };

  const resolveCodeAction = (action: CodeAction, ctx: FileContext): CodeAction => {
    const data = action.data as LazyActionData | undefined;
    if (!data?.uri || !data.action) return action;
    const doc = ctx.document;
    const edits = (): TextEdit[] | undefined => {
      switch (data.action) {
        case 'sort':
          return sortEdits(doc);
        case 'normalize':
          return normalizeEdits(doc);
        case 'pinAll': {
          const index = facts.index?.(ctx);
          const env = facts.environment?.(ctx.path);
          return pinAllEdits(doc, (name, spec) => {
            const installed = env?.installed(name)?.version;
            if (installed && (!spec || versionSatisfies(installed, spec))) return installed;
            return newestAllowed(index?.project(name), spec ? [spec] : [], env?.pythonVersion, coolingOf());
          });
        }
        case 'upgradeAll': {
          const index = facts.index?.(ctx);
          const python = facts.environment?.(ctx.path)?.pythonVersion;
          const allowed = sourceBounds(ctx);
          return upgradeAllEdits(doc, (name, current) => {
            const next = newestAllowed(index?.project(name), allowed.get(name) ?? [], python, coolingOf());
            return next && isNewer(next, current) ? next : undefined;
          });
        }
        case 'addHashes': {
          const index = facts.index?.(ctx);
          return addHashesEdits(doc, (name, version) => releaseHashes(index, name, version));
        }
        default:
          return undefined;
      }
    };
    const computed = edits();
    if (computed?.length === 0 && data.action !== 'sort' && data.action !== 'normalize') {
      // Nothing to change for want of facts: the action says why rather than doing nothing, silently (its command shows
      // the message). Sort and normalize have nothing to explain, and may run on every save (codeActionsOnSave).
      const why = nothingToDo(data.action, ctx);
      return {
        ...action,
        edit: { changes: { [data.uri]: [] } },
        command: { title: 'Why nothing changed', command: COMMANDS.explain, arguments: [data.uri, why] },
      };
    }
    return computed ? { ...action, edit: { changes: { [data.uri]: computed } } } : action;
  };

  /** What a whole-file action that found nothing to change tells the user. */
  const nothingToDo = (action: LazyActionData['action'], ctx: FileContext): string => {
    const env = facts.environment?.(ctx.path);
    const index = facts.index?.(ctx);
    const offline = index ? 'the package index has no releases of them at hand (it may not be reachable; see the log)' : 'no package index is in use';
    switch (action) {
      case 'pinAll':
        return `Nothing was pinned: ${env ? `none of the unpinned requirements is installed in ${env.describe}` : 'no virtual environment was found to read installed versions from'}, and ${offline}.`;
      case 'upgradeAll':
        return `Nothing was upgraded: every pin is the newest release allowed that the index has answered with${index ? '' : ' (no package index is in use)'}.`;
      default:
        return `No hash was added: every pin has its hashes already, or ${offline}.`;
    }
  };

  return { codeActions, resolveCodeAction };
}
