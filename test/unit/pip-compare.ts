// Our reading of a requirements text against pip's verdict on it, as derive-pip-verdicts.py records it (shared by
// the pip-agreement and upstream-corpus tests).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, losslessTokens } from '../../server/src/syntax/index.ts';
import { createLanguageService } from '../../server/src/service/index.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';
import { markerShape, norm } from './pip-shapes.ts';

export interface PipRequirement {
  line?: string | null;
  name?: string | null;
  normalized?: string | null;
  extras?: string[];
  specifier?: string | null;
  marker?: string | null;
  url?: string | null;
  editable?: boolean;
}

export interface PipCase {
  id: string;
  text: string;
  note?: string;
  valid: boolean;
  error?: string | null;
  requirements?: PipRequirement[];
  files?: Record<string, string>;
  env?: Record<string, string>;
}

/** How our reading differs from pip's: an error pip does not make, one it makes that we miss, or a field read otherwise. */
export interface Disagreement {
  kind: 'false-error' | 'missed-error' | 'mismatch';
  message: string;
}

/** pip's own requirements of the case file, not those of the files it includes. */
const own = (r: PipRequirement) => !r.line || r.line.includes('requirements.txt (line');

/** Our diagnostics on the case, in a folder laid out as derive-pip-verdicts.py lays it out (pip runs from there). */
export function ourVerdict(c: PipCase) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-pip-'));
  try {
    for (const [name, text] of Object.entries(c.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      if (!name.endsWith('/')) fs.writeFileSync(path.join(dir, name), text);
    }
    const file = path.join(dir, 'requirements.txt');
    const read = (p: string) => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : undefined);
    const service = createLanguageService({ exists: (p) => fs.existsSync(p), pipRunsFrom: () => ({ folders: [dir], known: true }) });
    // pip's environment is the case's own (derive-pip-verdicts.py starts from a clean one).
    const env = c.env ?? {};
    const doc = parse(c.text, { env });
    const diagnostics = service.diagnostics(workspaceOf(read, env).contextWith(file, doc));
    const errors = diagnostics.filter((d) => d.severity === 1);
    return { doc, errors, diagnostics };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Joining the parser's tokens gives back the text. */
export function lossless(c: PipCase): boolean {
  const doc = parse(c.text, { env: c.env ?? {} });
  return (
    losslessTokens(doc)
      .map((t) => doc.text.slice(t.start, t.end))
      .join('') === c.text
  );
}

/**
 * Differences kept on purpose (README, "Where we differ from pip"): `installTime`, errors pip makes only when it
 * installs (it reads the file without them); `warnedInstead`, warnings we give where pip fails, because where pip
 * runs may differ (an unset variable may be set there).
 */
export interface Deliberate {
  installTime?: ReadonlySet<string>;
  warnedInstead?: ReadonlySet<string>;
}

/** Where we and pip disagree on the case: its verdict, then each requirement's name, extras, specifier, marker, URL, editable. */
export function disagreements(c: PipCase, deliberate: Deliberate = {}): Disagreement[] {
  const { doc, errors: all, diagnostics } = ourVerdict(c);
  const errors = c.valid ? all.filter((e) => !deliberate.installTime?.has(String(e.code))) : all;
  if (errors.length > 0 && c.valid)
    return [{ kind: 'false-error', message: `pip reads it; we found ${JSON.stringify(errors.map((e) => `${e.range.start.line + 1}: ${e.message}`))}` }];
  const warned = diagnostics.some((d) => deliberate.warnedInstead?.has(String(d.code)));
  if (errors.length === 0 && !c.valid && !warned) return [{ kind: 'missed-error', message: `pip says ${c.error}; we found no error` }];
  if (!c.valid) return [];
  const out: Disagreement[] = [];
  const mismatch = (what: string, ours: unknown, theirs: unknown) => {
    if (JSON.stringify(ours) !== JSON.stringify(theirs))
      out.push({ kind: 'mismatch', message: `${what}: we read ${JSON.stringify(ours)}, pip ${JSON.stringify(theirs)}` });
  };
  const ours = doc.lines.filter((l) => l.kind === 'requirement');
  const theirs = (c.requirements ?? []).filter(own);
  mismatch('number of requirements', ours.length, theirs.length);
  if (ours.length !== theirs.length) return out;
  theirs.forEach((t, i) => {
    const r = ours[i].requirement!;
    const at = `line ${ours[i].firstLine + 1}`;
    if (t.name) mismatch(`${at}: name`, r.name?.normalized, norm(t.name));
    if (t.extras) mismatch(`${at}: extras`, (r.extras?.items ?? []).map((e) => e.normalized).sort(), t.extras.map(norm).sort());
    if (typeof t.specifier === 'string') {
      const clauses = (r.specifier?.clauses ?? []).map((cl) => `${cl.operator.text}${(cl.version?.text ?? '').trim()}`);
      if (r.pinnedVersion) clauses.push(`==${r.pinnedVersion}`);
      mismatch(`${at}: specifier`, clauses.sort().join(','), t.specifier);
    }
    mismatch(`${at}: marker`, r.marker ? markerShape(r.marker.text) : null, t.marker ? markerShape(t.marker) : null);
    if (t.url && !t.url.startsWith('file:')) mismatch(`${at}: url`, r.url?.text, t.url);
    if (t.editable !== undefined) mismatch(`${at}: editable`, r.editable, t.editable);
  });
  return out;
}
