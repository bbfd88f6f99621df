// Where the active environment disagrees with the file: not installed, wrong version, missing extra, broken dependencies.

import { versionSatisfies } from '../shared/pep440.js';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { normalizeName } from '../syntax/names.js';
import type { ParsedDocument, RequirementNode } from '../syntax/types.js';
import { SOURCE } from './convert.js';
import type { EnvironmentFacts } from './facts.js';

export type { BrokenDependency, EnvironmentFacts, InstalledFact } from './facts.js';

/** The requirement as one pip argument (`name[extra]>=1`, `name @ url`); undefined for local paths. */
function installable(r: RequirementNode): string | undefined {
  if (!r.name || r.path) return undefined;
  const extras = r.extras?.items.length ? `[${r.extras.items.map((x) => x.text).join(',')}]` : '';
  if (r.url) return `${r.name.text}${extras} @ ${r.url.text}`;
  const spec = r.specifier?.clauses.length ? r.specifier.clauses.map((c) => `${c.operator.text}${c.version?.text ?? ''}`).join(',') : '';
  return `${r.name.text}${extras}${spec}`;
}

/** Each unmet requirement of the file, with both sides in the message. */
export function environmentDiagnostics(doc: ParsedDocument, env: EnvironmentFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lineOf = new Map<string, RequirementNode>();
  for (const line of doc.lines) {
    if (!line.project) continue;
    const r = line.requirement;
    if (!r?.name) continue;
    if (r.marker?.expression && env.evaluateMarker(r.marker.expression, []) === false) continue;
    if (!lineOf.has(line.project)) lineOf.set(line.project, r);
    const installed = env.installed(line.project);
    if (!installed) {
      out.push({
        range: r.name.range,
        severity: DiagnosticSeverity.Warning,
        code: 'not-installed',
        source: SOURCE,
        message: `${r.name.text} is not installed in ${env.describe}.`,
        data: { requirement: installable(r) },
      });
      continue;
    }
    const spec = r.specifier?.clauses.length ? r.specifier.clauses.map((c) => `${c.operator.text}${c.version?.text ?? ''}`).join(',') : r.pinnedVersion ? `==${r.pinnedVersion}` : '';
    if (spec && !versionSatisfies(installed.version, spec)) {
      out.push({
        range: r.specifier?.range ?? r.name.range,
        severity: DiagnosticSeverity.Warning,
        code: 'version-mismatch',
        source: SOURCE,
        message: `${installed.name} ${installed.version} is installed; this file needs ${spec}.`,
        data: { name: installed.name, installed: installed.version, requirement: installable(r) },
      });
    }
    for (const extra of r.extras?.items ?? []) {
      if (installed.providesExtras.some((e) => normalizeName(e) === extra.normalized)) continue;
      out.push({
        range: extra.range,
        severity: DiagnosticSeverity.Warning,
        code: 'extra-not-provided',
        source: SOURCE,
        message: `${installed.name} ${installed.version} does not declare the extra '${extra.text}'${installed.providesExtras.length ? ` (it has: ${installed.providesExtras.join(', ')})` : ''}.`,
      });
    }
  }
  for (const b of env.broken()) {
    // Put it on the requirement that brought the broken distribution in, else on the first line.
    const target = lineOf.get(normalizeName(b.dist)) ?? lineOf.get(b.dependency);
    const range = target?.name?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    out.push({
      range,
      severity: DiagnosticSeverity.Warning,
      code: 'dependency-conflict',
      source: SOURCE,
      message:
        b.problem === 'missing'
          ? `${b.dist} requires ${b.requirement}, which is not installed (pip check would report it).`
          : `${b.dist} requires ${b.requirement}, but ${b.dependency} ${b.installedVersion} is installed (pip check would report it).`,
    });
  }
  return out;
}

// PEP 440 containment lives in shared/pep440.ts (one policy for unreadable specifiers); re-exported for callers here.
export { versionSatisfies };

/** One line for the whole file, not a complaint per requirement. */
export function noEnvironment(): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'no-environment',
    source: SOURCE,
    message:
      'No virtual environment found for this file, so installed versions are not checked. Set requirements.venvPath, activate one (VIRTUAL_ENV), or create .venv beside the file; requirements.diagnostics.environment turns this off.',
  };
}
