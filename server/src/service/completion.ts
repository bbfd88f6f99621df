// Completion: names, versions, extras, operators, options, include paths and markers, from facts at hand.

import { CompletionItemKind, CompletionItemTag, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import { MARKER_VARIABLES } from '../syntax/marker.js';
import { OPTIONS } from '../syntax/options.js';
import type { ParsedDocument, Position, Range } from '../syntax/types.js';
import { normalizeName } from '../syntax/names.js';
import { completionContext } from './completionContext.js';
import { escapeMarkdown, safeLink } from './markdown.js';
import type { DirectoryLister, IndexFacts, ProjectFact, VersionFact } from '../shared/facts.js';

export interface CompletionFacts {
  index?: IndexFacts;
  listDirectory?: DirectoryLister;
  /** Folder of the document, for relative paths. */
  folder?: string;
  /** What the file's environment has installed, by normalized name: answers before (or without) the index. */
  installed?(name: string): { version: string; providesExtras: string[] } | undefined;
  /** What to say of a release beside its version: inside the cooldown, no wheel for this environment. */
  releaseNotes?(version: VersionFact): string[];
}

const NAME_LIMIT = 50;
const OPERATORS: [string, string][] = [
  ['==', 'exactly this version'],
  ['>=', 'this version or newer'],
  ['~=', 'compatible release'],
  ['<', 'older than'],
  ['<=', 'this version or older'],
  ['!=', 'any version but this'],
  ['>', 'newer than'],
  ['===', 'exact string match'],
];

const MARKER_VALUES: Record<string, string[]> = {
  python_version: ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'],
  python_full_version: ['3.11.7', '3.12.0', '3.13.0'],
  sys_platform: ['linux', 'win32', 'darwin', 'cygwin', 'emscripten'],
  os_name: ['posix', 'nt'],
  platform_system: ['Linux', 'Windows', 'Darwin', 'FreeBSD'],
  platform_machine: ['x86_64', 'AMD64', 'aarch64', 'arm64', 'i686'],
  platform_python_implementation: ['CPython', 'PyPy'],
  implementation_name: ['cpython', 'pypy'],
};

const pad = (n: number) => String(n).padStart(5, '0');

export function complete(doc: ParsedDocument, position: Position, facts: CompletionFacts): CompletionList {
  const ctx = completionContext(doc, position);
  const list = (items: CompletionItem[], isIncomplete = false): CompletionList => ({ isIncomplete, items });
  switch (ctx.kind) {
    case 'name': {
      if (!facts.index) return list([], true);
      const found = facts.index.searchNames(ctx.partial, NAME_LIMIT);
      return list(
        found.items.map((p, i) => ({
          label: p.name,
          kind: CompletionItemKind.Module,
          detail: p.latest ? `latest ${p.latest}` : undefined,
          sortText: pad(i),
          filterText: p.name,
          textEdit: { range: ctx.range, newText: p.name },
          data: { kind: 'name', name: p.name },
        })),
        // Short prefixes and fuzzy matches change with every keystroke: ask again.
        true,
      );
    }
    case 'version': {
      const project = facts.index?.project(ctx.name);
      const installed = facts.installed?.(normalizeName(ctx.name));
      // Until the index answers (or with none), the environment knows one version.
      if (!project) return list(installed ? [installedVersionItem(installed.version, ctx.range)] : [], true);
      return list(versionItems(project, ctx.partial, ctx.range, facts.index!, installed?.version, facts.releaseNotes));
    }
    case 'extra': {
      const project = facts.index?.project(ctx.name);
      const installed = facts.installed?.(normalizeName(ctx.name));
      const extras = [...new Set([...(project?.extras ?? []), ...(installed?.providesExtras ?? [])])];
      return list(
        extras
          .filter((e) => !ctx.present.includes(e))
          .map((e, i) => ({ label: e, kind: CompletionItemKind.EnumMember, sortText: pad(i), textEdit: { range: ctx.range, newText: e } })),
        !project,
      );
    }
    case 'operator':
      return list(
        OPERATORS.map(([op, words], i) => ({
          label: op,
          kind: CompletionItemKind.Operator,
          detail: words,
          sortText: pad(i),
          textEdit: { range: ctx.range, newText: op },
        })).concat([
          { label: ';', kind: CompletionItemKind.Operator, detail: 'environment marker', sortText: pad(20), textEdit: { range: ctx.range, newText: '; ' } },
          { label: '@', kind: CompletionItemKind.Operator, detail: 'direct URL', sortText: pad(21), textEdit: { range: ctx.range, newText: '@ ' } },
        ]),
      );
    case 'option':
      return list(
        OPTIONS.filter((o) => !ctx.perRequirement || o.perRequirement).flatMap((o, i) => {
          const items: CompletionItem[] = [
            {
              label: o.long,
              kind: CompletionItemKind.Keyword,
              detail: o.summary,
              sortText: pad(i),
              textEdit: { range: ctx.range, newText: o.value === 'none' ? o.long : `${o.long} ` },
            },
          ];
          if (o.short && !ctx.partial.startsWith('--'))
            items.push({
              label: o.short,
              kind: CompletionItemKind.Keyword,
              detail: `${o.long}: ${o.summary}`,
              sortText: pad(i),
              textEdit: { range: ctx.range, newText: `${o.short} ` },
            });
          return items;
        }),
      );
    case 'path':
      return list(pathItems(ctx.partial, ctx.range, facts));
    case 'markerVariable':
      return list(
        MARKER_VARIABLES.map((v, i) => ({ label: v, kind: CompletionItemKind.Variable, sortText: pad(i), textEdit: { range: ctx.range, newText: v } })),
      );
    case 'markerOperator':
      return list(
        ['==', '!=', '>=', '<', '<=', '>', 'in', 'not in'].map((op, i) => ({
          label: op,
          kind: CompletionItemKind.Operator,
          sortText: pad(i),
          textEdit: { range: ctx.range, newText: `${op} ` },
        })),
      );
    case 'markerValue': {
      const values = MARKER_VALUES[ctx.variable] ?? [];
      const q = ctx.quote || ctx.preferQuote || '"';
      return list(
        values.map((v, i) => ({
          label: `${q}${v}${q}`,
          kind: CompletionItemKind.Value,
          sortText: pad(i),
          filterText: `${ctx.quote}${v}`,
          textEdit: { range: ctx.range, newText: `${q}${v}${q}` },
        })),
      );
    }
    case 'markerJoin':
      return list(
        ['and', 'or'].map((k, i) => ({ label: k, kind: CompletionItemKind.Keyword, sortText: pad(i), textEdit: { range: ctx.range, newText: `${k} ` } })),
      );
    default:
      return list([]);
  }
}

function installedVersionItem(version: string, range: Range): CompletionItem {
  return {
    label: version,
    kind: CompletionItemKind.Constant,
    detail: 'installed',
    sortText: pad(0),
    filterText: version,
    preselect: true,
    textEdit: { range, newText: version },
  };
}

function versionItems(
  project: ProjectFact,
  partial: string,
  range: Range,
  index: IndexFacts,
  installed?: string,
  releaseNotes?: (v: VersionFact) => string[],
): CompletionItem[] {
  // Order: final releases newest first, then pre-releases, then yanked ones (marked, with the reason).
  const rank = (v: VersionFact) => (v.yanked ? 2 : v.prerelease ? 1 : 0);
  const ordered = project.versions.map((v, i) => ({ v, i })).sort((a, b) => rank(a.v) - rank(b.v) || a.i - b.i);
  // The first release outside the cooldown (and with a wheel here) is offered first; else the newest.
  const preselected = Math.max(
    0,
    ordered.findIndex(({ v }) => !v.yanked && !v.prerelease && !releaseNotes?.(v).length),
  );
  return ordered.map(({ v }, i) => {
    const notes: string[] = [];
    if (v.version === project.latest) notes.push('latest');
    if (v.version === installed) notes.push('installed');
    if (v.prerelease) notes.push('pre-release');
    if (v.yanked) notes.push(typeof v.yanked === 'string' && v.yanked ? `yanked: ${v.yanked}` : 'yanked');
    const allows = v.requiresPython && index.pythonAllows ? index.pythonAllows(v.requiresPython) : undefined;
    if (allows === false) notes.push(`requires Python ${v.requiresPython}${index.pythonVersion ? ` (environment has ${index.pythonVersion})` : ''}`);
    const supplyChain = releaseNotes?.(v) ?? [];
    notes.push(...supplyChain);
    const item: CompletionItem = {
      label: v.version,
      kind: CompletionItemKind.Constant,
      detail: notes.join(', ') || undefined,
      sortText: pad(i),
      filterText: v.version,
      textEdit: { range, newText: v.version },
    };
    if (v.yanked || allows === false) item.tags = [CompletionItemTag.Deprecated];
    if (i === preselected && partial === '') item.preselect = true;
    return item;
  });
}

function pathItems(partial: string, range: Range, facts: CompletionFacts): CompletionItem[] {
  if (!facts.listDirectory || !facts.folder || /^[a-z+]+:/i.test(partial)) return [];
  const slash = Math.max(partial.lastIndexOf('/'), partial.lastIndexOf('\\'));
  const dirPart = slash === -1 ? '' : partial.slice(0, slash + 1);
  const folder = dirPart.startsWith('/') ? dirPart : `${facts.folder}/${dirPart}`;
  const entries = facts.listDirectory(folder).slice(0, 500);
  const start = { line: range.end.line, character: range.end.character - (partial.length - dirPart.length) };
  return entries
    .filter((e) => !e.name.startsWith('.') || partial.slice(dirPart.length).startsWith('.'))
    .filter((e) => e.directory || /\.(txt|in)$/i.test(e.name))
    .map((e) => ({
      label: e.directory ? `${e.name}/` : e.name,
      kind: e.directory ? CompletionItemKind.Folder : CompletionItemKind.File,
      sortText: `${e.directory ? 1 : 0}${e.name}`,
      textEdit: { range: { start, end: range.end }, newText: e.directory ? `${e.name}/` : e.name },
      ...(e.directory ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
    }));
}

/** `completionItem/resolve`: the summary, the latest version and a link, from what the index knows now (as text: see markdown.ts). */
export function resolveCompletion(item: CompletionItem, index: IndexFacts | undefined): CompletionItem {
  const data = item.data as { kind?: string; name?: string } | undefined;
  if (data?.kind !== 'name' || !data.name || !index) return item;
  const project = index.project(data.name);
  if (!project) return item;
  const lines = [
    project.summary ? escapeMarkdown(project.summary) : '',
    project.latest ? `Latest: **${escapeMarkdown(project.latest)}**` : '',
    project.projectUrl ? safeLink(project.projectUrl) : '',
  ].filter(Boolean);
  return { ...item, detail: project.latest ? `latest ${project.latest}` : item.detail, documentation: { kind: 'markdown', value: lines.join('\n\n') } };
}
