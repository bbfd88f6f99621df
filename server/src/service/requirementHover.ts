// Hover on a requirement: what it is, what the specifier means, installed and latest versions, and why it is here.

import { redact } from '../index/credentials.js';
import { shown } from '../syntax/query.js';
import type { LogicalLine, RequirementNode, SpecifierClause } from '../syntax/types.js';
import { formatChain, formatSource, type Provenance } from '../workspace/provenance.js';
import { escapeMarkdown, inlineCode, safeLink } from './markdown.js';
import type { ProjectFact } from '../shared/facts.js';
import { licenceOf } from './supplyChain/licence.js';
import { ageWords, dateWords } from './supplyChain/releaseAge.js';
import { uploadDate } from '../shared/releaseTimes.js';

export interface RequirementFacts {
  project?: ProjectFact;
  installed?: { version: string; summary?: string };
  /** The environment's description, e.g. `.venv (Python 3.11.7)`, shown when nothing is installed. */
  environment?: string;
  provenance?: Provenance;
  /** The requirement's line: its own pin, where a compiled file pins a name more than once or a path without a name. */
  line?: LogicalLine;
  /** Folder that chains are shown relative to. */
  folder: string;
  /** The project's page on the file's index, when the project fact has no URL of its own. */
  projectPage?: string;
  /** The clock for release ages (upload dates are shown with "3 days ago"). */
  now?: Date;
}

/** `~=2.2` → `>=2.2, ==2.*`, in words (as plain text: the caller escapes it). A version a variable gives is named as written. */
export function describeClause(c: SpecifierClause): string {
  const op = c.operator.text;
  if (c.operator.written !== undefined || c.version?.written !== undefined) return `${shown(c.operator)}${c.version ? shown(c.version) : ''}`;
  const v = c.version?.text ?? '…';
  switch (op) {
    case '==':
      return v.endsWith('.*') ? `any ${v} release` : `exactly ${v}`;
    case '!=':
      return v.endsWith('.*') ? `no ${v} release` : `anything but ${v}`;
    case '>=':
      return `${v} or newer`;
    case '<=':
      return `${v} or older`;
    case '>':
      return `newer than ${v}`;
    case '<':
      return `older than ${v}`;
    case '===':
      return `the exact string ${v}`;
    case '~=': {
      const release = v
        .replace(/^v/i, '')
        .split(/[^0-9.]/)[0]
        .split('.');
      const prefix = release.slice(0, Math.max(1, release.length - 1)).join('.');
      return `a compatible release: >=${v}, ==${prefix}.*`;
    }
    default:
      return `${op}${v}`;
  }
}

/**
 * Syntax first: a line pip rejects (`requests=2.0`) or one still being typed (`flask>=`) is named with its
 * problem; what it wants, what is installed or latest, and why it is here wait until it reads as a requirement.
 */
export function unsettledHover(r: RequirementNode, line: LogicalLine): string {
  const name = r.name ? shown(r.name) : redact(r.url ? shown(r.url) : r.path ? shown(r.path) : '');
  const error = line.diagnostics.find((d) => d.severity === 'error');
  const problem = error ?? line.diagnostics.find((d) => d.severity !== 'hint') ?? line.diagnostics[0];
  // In a TOML string or a script's comment block the requirement is not a line of its own.
  const what = line.host ? 'requirement' : 'line';
  const lead = error ? `pip rejects this ${what}` : `This ${what} is not finished`;
  const why = problem ? `: ${escapeMarkdown(problem.message.replace(/[.\s]+$/, ''))}` : '';
  return `**${escapeMarkdown(name)}**\n\n${lead}${why}.`;
}

/**
 * The hover's Markdown. What the file says is shown as written (`${NAME}` kept, credentials in a URL masked);
 * what the index or the environment says is escaped text, and links go to http(s) pages only.
 */
export function requirementHover(r: RequirementNode, facts: RequirementFacts): string {
  // A URL or path stands for a requirement without a name: its credentials masked, as everywhere else.
  const name = r.name ? shown(r.name) : redact(r.url ? shown(r.url) : r.path ? shown(r.path) : '');
  const out: string[] = [];
  const project = facts.project;
  const summary = project?.summary ?? facts.installed?.summary;
  out.push(`**${escapeMarkdown(name)}**${summary ? ` — ${escapeMarkdown(summary)}` : ''}`);
  if (r.specifier?.clauses.length) out.push(`Wants ${escapeMarkdown(r.specifier.clauses.map(describeClause).join(', and '))}.`);
  else if (r.url) out.push(`From ${r.url.kind === 'vcs' ? `${escapeMarkdown(r.url.vcs ?? '')} repository` : 'URL'} ${inlineCode(redact(shown(r.url)))}.`);
  else if (r.path) out.push(`From the local path ${inlineCode(shown(r.path))}.`);
  else out.push('Any version.');
  if (r.marker) out.push(`Only where ${inlineCode(shown(r.marker).trim())}.`);
  const versions: string[] = [];
  if (facts.installed) versions.push(`installed **${escapeMarkdown(facts.installed.version)}**`);
  else if (facts.environment) versions.push(`not installed in ${escapeMarkdown(facts.environment)}`);
  const uploadedWords = (version: string | undefined) => {
    const release = version ? project?.versions.find((v) => v.version === version) : undefined;
    const date = release && uploadDate(release);
    if (!date) return '';
    return ` (uploaded ${dateWords(date)}${facts.now ? `, ${ageWords(date, facts.now)}` : ''})`;
  };
  const pinned =
    r.specifier?.clauses.length === 1 && ['==', '==='].includes(r.specifier.clauses[0].operator.text) ? r.specifier.clauses[0].version?.text : undefined;
  if (pinned && pinned !== project?.latest && uploadedWords(pinned)) versions.push(`pinned **${escapeMarkdown(pinned)}**${uploadedWords(pinned)}`);
  if (project?.latest) versions.push(`latest **${escapeMarkdown(project.latest)}**${uploadedWords(project.latest)}`);
  if (versions.length) out.push(versions.join(' · '));
  const licence = project?.licence && licenceOf(project.licence);
  if (licence) out.push(`Licence: **${escapeMarkdown(licence.text)}**${licence.from === 'classifiers' ? ' (from its classifiers)' : ''}`);

  // A name a variable gives is not looked up (see LogicalLine.project): no provenance, no page that would name it.
  const key = r.name?.written === undefined ? r.name?.normalized : undefined;
  const prov = facts.provenance;
  const pin = facts.line && prov?.pinAt(facts.line);
  if ((key || pin) && prov) {
    const shown = 50;
    const chains = pin ? prov.chainsOf(pin, shown) : prov.chains(key!, shown);
    if (chains.length) {
      const label = prov.origin === 'environment' ? ' (derived from the installed packages)' : '';
      const total = (pin || prov.compiled.pins.get(key!))?.via.length ?? 0;
      const more = prov.origin === 'annotations' && total > shown ? `\n- … and ${total - shown} more` : '';
      out.push(`**Why it is here**${label}\n` + chains.map((c) => `- ${formatChain(c, facts.folder, true)}`).join('\n') + more);
    } else if (prov.sources.length && key) {
      const src = prov.sourceOf(key);
      if (src) out.push(`Asked for in ${formatSource(src, facts.folder, true).replace(/^\((.*)\)$/, '$1')}.`);
    }
    const deps = key ? prov.dependenciesOf(key) : [];
    if (deps.length) out.push(`**Pulls in** ${escapeMarkdown(deps.map((d) => d.name).join(', '))}`);
    const dependents = (pin || prov.compiled.pins.get(key!))?.via.filter((v) => v.kind === 'package') ?? [];
    if (dependents.length) out.push(`**Required by** ${escapeMarkdown(dependents.map((d) => (d.kind === 'package' ? d.name : '')).join(', '))}`);
  }
  // The project's page on the index this file uses (never pypi.org for a private index), or no link.
  const link = project?.projectUrl ?? facts.projectPage;
  if (key && link) out.push(safeLink(link));
  return out.join('\n\n');
}
