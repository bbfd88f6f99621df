// Real requirements files from public repositories (test/data/real, MANIFEST.json) against pip 24.2's verdict on
// each, recorded by test/data/derive-real-verdicts.py: no error where pip reads the file, an error where it does not.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLanguageService } from '../../server/src/service/index.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';
import { losslessTokens, parse } from '../../server/src/syntax/index.ts';
import { markerShape, norm } from './pip-shapes.ts';
import type { PipRunsFrom } from '../../server/src/shared/facts.ts';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data');

interface Verdict {
  valid: boolean;
  error: string | null;
}
interface PipRequirement {
  line_number: number;
  name?: string;
  extras?: string[];
  specifier?: string;
  marker?: string;
  url?: string;
  editable?: boolean;
}
interface FileVerdict extends Verdict {
  requirements: PipRequirement[];
  from_its_folder?: Verdict;
}

const manifest: { repos: Record<string, { commit: string; files: string[]; projects: string[] }> } = JSON.parse(
  fs.readFileSync(path.join(DATA, 'real/MANIFEST.json'), 'utf8'),
);
const verdicts: { pip: string; files: Record<string, FileVerdict> } = JSON.parse(fs.readFileSync(path.join(DATA, 'real-verdicts.json'), 'utf8'));

const readFile = (p: string) => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : undefined);

/**
 * pip reads an editable's folder without looking for setup.py or pyproject.toml, and fails only when it installs
 * (README, "Where we differ from pip"): `not-a-project` on an `-e` line is not compared.
 */
const INSTALL_TIME = new Set(['not-a-project']);

/** The errors we report for a file and the files it includes (as `check` lists them) when pip runs from `runsFrom`. */
function errorsOf(file: string, runsFrom: PipRunsFrom) {
  const service = createLanguageService({ exists: (p) => fs.existsSync(p), pipRunsFrom: () => runsFrom });
  const workspace = workspaceOf(readFile, {});
  const doc = parse(readFile(file)!, { env: {} });
  const root = workspace.contextWith(file, doc);
  const files = [{ ctx: root, doc }, ...root.graph.files.map((f) => ({ ctx: workspace.contextWith(f.path, f.document), doc: f.document }))];
  const errors = files.flatMap((f) =>
    service
      .diagnostics(f.ctx)
      .filter(
        (d) =>
          d.severity === 1 && !(INSTALL_TIME.has(String(d.code)) && f.doc.lines.some((l) => l.requirement?.editable && l.firstLine === d.range.start.line)),
      ),
  );
  return { doc, errors };
}

const show = (errors: { message: string; range: { start: { line: number } } }[]) =>
  JSON.stringify(errors.map((e) => `${e.range.start.line + 1}: ${e.message}`));

test('the corpus is real and the verdicts were made with pip 24.2 on every file of it', () => {
  assert.equal(verdicts.pip, '24.2');
  const listed = Object.entries(manifest.repos).flatMap(([repo, e]) => e.files.map((f) => `${repo.replace('/', '+')}/${f}`));
  assert.deepEqual(Object.keys(verdicts.files).sort(), listed.sort());
  assert.ok(listed.length >= 300, `only ${listed.length} files`);
  for (const e of Object.values(manifest.repos)) assert.match(e.commit, /^[0-9a-f]{40}$/);
  // Both verdicts occur, so neither half of the comparison is vacuous.
  const folderVerdicts = Object.values(verdicts.files).flatMap((v) => (v.from_its_folder ? [v.from_its_folder.valid] : []));
  assert.ok(folderVerdicts.includes(true) && folderVerdicts.includes(false));
});

for (const [repo, entry] of Object.entries(manifest.repos)) {
  const folder = repo.replace('/', '+');
  describe(repo, () => {
    let root = '';
    before(() => {
      // A copy with stand-ins for the repository's projects, as the derive script makes.
      root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-real-')), folder);
      fs.cpSync(path.join(DATA, 'real', folder), root, { recursive: true });
      for (const p of entry.projects) {
        fs.mkdirSync(path.join(root, p), { recursive: true });
        fs.writeFileSync(path.join(root, p, 'pyproject.toml'), '# stand-in\n');
      }
    });
    after(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

    for (const rel of entry.files) {
      test(rel, () => {
        const pip = verdicts.files[`${folder}/${rel}`];
        const file = path.join(root, rel);
        // From the repository's root, as `check` run there (or with --root) sees it.
        const { doc, errors } = errorsOf(file, { folders: [root], known: true });
        assert.equal(
          losslessTokens(doc)
            .map((t) => doc.text.slice(t.start, t.end))
            .join(''),
          doc.text,
        );
        assert.equal(errors.length === 0, pip.valid, `pip from the root: ${pip.error ?? 'valid'}; we found ${show(errors)}`);
        // In the editor, where pip runs is unknown: what pip reads from the root is never an error.
        if (pip.valid) assert.deepEqual(show(errorsOf(file, { folders: [root, path.dirname(file)], known: false }).errors), '[]');
        // From the file's own folder.
        if (pip.from_its_folder) {
          const there = errorsOf(file, { folders: [path.dirname(file)], known: true }).errors;
          assert.equal(
            there.length === 0,
            pip.from_its_folder.valid,
            `pip from the file's folder: ${pip.from_its_folder.error ?? 'valid'}; we found ${show(there)}`,
          );
        }
        if (!pip.valid) return;
        const ours = doc.lines.filter((l) => l.kind === 'requirement');
        assert.deepEqual(
          ours.map((l) => l.firstLine + 1),
          pip.requirements.map((r) => r.line_number),
          'lines that hold a requirement',
        );
        pip.requirements.forEach((t, i) => {
          const r = ours[i].requirement!;
          const where = `line ${t.line_number}`;
          if (t.name) assert.equal(r.name?.normalized, norm(t.name), `${where}: name`);
          assert.deepEqual((r.extras?.items ?? []).map((e) => e.normalized).sort(), (t.extras ?? []).map(norm).sort(), `${where}: extras`);
          const clauses = (r.specifier?.clauses ?? []).map((c) => `${c.operator.text}${(c.version?.text ?? '').trim()}`);
          if (r.pinnedVersion) clauses.push(`==${r.pinnedVersion}`);
          assert.equal(clauses.sort().join(','), t.specifier ?? '', `${where}: specifier`);
          assert.equal(markerShape(r.marker?.text), markerShape(t.marker), `${where}: marker`);
          if (t.url && !t.url.startsWith('file:')) assert.equal(r.url?.text, t.url, `${where}: url`);
          assert.equal(r.editable, !!t.editable, `${where}: editable`);
        });
      });
    }
  });
}
