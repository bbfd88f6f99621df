// The code actions the facade offers: fixes for the request's diagnostics, refactors at the cursor, whole-file
// and command actions; and the edits codeAction/resolve computes later, from the facts at hand.

import * as path from 'node:path';
import type { CodeAction, CodeActionContext, Range, TextEdit } from 'vscode-languageserver-types';
import { lineAt } from '../syntax/query.js';
import type { FileContext } from '../workspace/context.js';
import { specifiersByName } from '../workspace/sourceSpecifiers.js';
import { addHashesEdits, bulkActions, pinAllEdits, upgradeAllEdits, type BulkAction } from './bulkActions.js';
import { factFixes, pinActions, quickFixes, resolveAction, sourceActions } from './codeActions.js';
import { commandActions, installAllAction, installFix, recompileFix, syncFix, SOURCE_INSTALL } from './commandActions.js';
import type { IndexFacts, LanguageServiceFacts, ProjectFact } from './facts.js';
import { isNewer, newestAllowed as newestOf, versionSatisfies } from '../shared/pep440.js';
import { fileUri } from './paths.js';
import { compileKeepingVersions, frozenActions, SOURCE_DERIVE_IN, type FrozenAnalysis } from './frozenActions.js';
import { vulnerabilityDiagnostics, vulnerabilityFactsOf } from './vulnerabilities.js';
import { fixAllVulnerabilities, SOURCE_FIX_VULNERABILITIES, vulnerabilityFixes, type SourceBound, type VulnerabilityFixFacts } from './vulnerabilityActions.js';

/** The newest final, unyanked release that every specifier and the environment's Python allow. */
function newestAllowed(project: ProjectFact | undefined, specifiers: string[], python: string | undefined): string | undefined {
  return newestOf(project?.versions, specifiers, python);
}

/** `sha256:…` of every file of a release, when the index has the project. */
function releaseHashes(index: IndexFacts | undefined, name: string, version: string): string[] | undefined {
  return index?.project(name)?.versions.find((v) => v.version === version)?.hashes;
}

/** What a compiled file's sources allow for each package (empty when it has none). */
function sourceBounds(ctx: FileContext): Map<string, string[]> {
  return specifiersByName((ctx.sources ?? []).map((s) => s.document));
}

/** The requirement lines of a compiled file's `.in` (and what it includes) that name `name`. */
function sourceLines(ctx: FileContext): (name: string) => SourceBound[] {
  return (name) =>
    (ctx.sources ?? []).flatMap((d) =>
      d.document.lines
        .filter((l) => l.project === name && l.requirement?.specifier?.text.trim())
        .map((l) => ({ uri: fileUri(d.path), where: `${path.basename(d.path)}:${l.firstLine + 1}`, specifier: l.requirement!.specifier!.text, range: l.requirement!.specifier!.range })),
    );
}

export function createCodeActions(facts: LanguageServiceFacts, frozen: (ctx: FileContext) => FrozenAnalysis | undefined) {
  const codeActions = (ctx: FileContext, context: CodeActionContext, range?: Range): CodeAction[] => {
    const { uri, path: filePath, document: doc } = ctx;
    const wants = (kind: string) => !context.only?.length || context.only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const diagnostics = context.diagnostics ?? [];
    const index = facts.index?.(ctx);
    const source = ctx.compiledSource;
    const hashes = (name: string, version: string) => releaseHashes(index, name, version);
    const out = [...(wants('quickfix') ? [...quickFixes(uri, doc, diagnostics), ...factFixes(uri, doc, diagnostics, { hashes })] : [])];
    // In a compiled file the environment is what is out of date: syncing it is the fix.
    const stale = diagnostics.filter((d) => d?.code === 'not-installed' || d?.code === 'version-mismatch' || d?.code === 'extra-requirement-unmet');
    if (stale.length && wants('quickfix') && source) out.push(syncFix(uri, stale));
    const refactor = range && wants('refactor.rewrite');
    const env = stale.length || refactor || wants(SOURCE_INSTALL) ? facts.environment?.(filePath) : undefined;
    if (env && wants('quickfix')) {
      for (const d of stale) {
        const requirement = (d.data as { requirement?: string } | undefined)?.requirement;
        if (requirement) out.push(installFix(uri, d, requirement, env.describe));
      }
    }
    const vulnerabilities = wants('quickfix') || wants(SOURCE_FIX_VULNERABILITIES) ? vulnerabilityFactsOf(facts, ctx) : undefined;
    if (vulnerabilities) {
      const fixFacts: VulnerabilityFixFacts = {
        advisories: vulnerabilities.advisories,
        project: (name) => index?.project(name),
        python: facts.environment?.(filePath)?.pythonVersion,
        compiledSource: source,
        bounds: source ? sourceLines(ctx) : () => [],
        environment: facts.environment?.(filePath)?.describe,
      };
      if (wants('quickfix')) out.push(...vulnerabilityFixes(uri, doc, diagnostics, fixFacts));
      if (wants(SOURCE_FIX_VULNERABILITIES)) out.push(...fixAllVulnerabilities(uri, doc, vulnerabilityDiagnostics(uri, doc, vulnerabilities), fixFacts));
    }
    const outOfDate = diagnostics.filter((d) => d?.code === 'not-compiled' || d?.code === 'stale-pin');
    // Compiling runs from an .in only; a file compiled from pyproject.toml gets the diagnostics without the fix.
    if (outOfDate.length && source && wants('quickfix')) out.push(recompileFix(uri, outOfDate));
    if (refactor) {
      const line = lineAt(doc, range.start.line, range.start.character);
      const name = line?.project;
      if (name) {
        // In a compiled file the .in bounds an upgrade; everywhere the environment's Python does.
        const bounds = source ? (sourceBounds(ctx).get(name) ?? []) : [];
        const project = index?.project(name);
        const latest = newestAllowed(project, bounds, env?.pythonVersion);
        const boundedBy = bounds.length && latest !== newestAllowed(project, [], env?.pythonVersion) ? path.basename(source!) : undefined;
        out.push(...pinActions(uri, doc, range.start, { installed: env?.installed(name)?.version, latest, boundedBy }));
      }
    }
    const commands = commandActions(uri, filePath, doc, range?.start.line, source);
    const install = env && doc.lines.some((l) => l.project) ? [installAllAction(uri, env.describe)] : [];
    // pip freeze output: derive the .in; beside a derived .in: compile it keeping the versions.
    const freeze = wants('quickfix') || wants(SOURCE_DERIVE_IN) || wants('source.compile')
      ? [...frozenActions(uri, doc, frozen(ctx), { bounds: facts.deriveBounds?.() ?? 'none', createFiles: facts.createFiles?.() ?? false, diagnostics, readFile: ctx.texts }), ...compileKeepingVersions(uri, filePath, ctx.texts)]
      : [];
    return [...out, ...freeze, ...sourceActions(uri), ...bulkActions(uri, doc), ...commands, ...install].filter((a) => wants(a.kind!));
  };

  const resolveCodeAction = (action: CodeAction, ctx: FileContext): CodeAction => {
    const { path: filePath, document: doc } = ctx;
    const data = action.data as { uri?: string; action?: BulkAction } | undefined;
    if (!data?.uri || !data.action || !['pinAll', 'upgradeAll', 'addHashes'].includes(data.action)) return resolveAction(action, doc);
    const index = facts.index?.(ctx);
    const env = facts.environment?.(filePath);
    let edits: TextEdit[] = [];
    if (data.action === 'pinAll') {
      edits = pinAllEdits(doc, (name, spec) => {
        const installed = env?.installed(name)?.version;
        if (installed && (!spec || versionSatisfies(installed, spec))) return installed;
        return newestAllowed(index?.project(name), spec ? [spec] : [], env?.pythonVersion);
      });
    } else if (data.action === 'upgradeAll') {
      const allowed = sourceBounds(ctx);
      edits = upgradeAllEdits(doc, (name, current) => {
        const next = newestAllowed(index?.project(name), allowed.get(name) ?? [], env?.pythonVersion);
        return next && isNewer(next, current) ? next : undefined;
      });
    } else {
      edits = addHashesEdits(doc, (name, version) => releaseHashes(index, name, version));
    }
    return { ...action, edit: { changes: { [data.uri]: edits } } };
  };

  return { codeActions, resolveCodeAction };
}
