// A loopback index for the start-up benchmarks, in a process of its own (so that serializing 886k names does
// not stall the benchmark's own clock): the fixture projects, `DEPENDENCIES` realistic projects, and with
// `--list` PyPI's 886k names as the project list. Prints `{"url": …}` on one line, then serves until killed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { FIXTURE_PROJECTS, startIndexServer, type FixtureProject } from '../test/fixtures/indexServer.ts';
import { SHARED_DATA, topProjects } from './corpus.ts';

export const DEPENDENCIES = 50;

/** The `count` most downloaded projects not among the fixtures, each with 20 releases (a wheel and an sdist each). */
export function dependencyProjects(count = DEPENDENCIES): FixtureProject[] {
  const taken = new Set(FIXTURE_PROJECTS.map((p) => p.name.toLowerCase()));
  const picked = topProjects()
    .filter((p) => !taken.has(p.name.toLowerCase()) && /^[A-Za-z0-9]+$/.test(p.name))
    .slice(0, count);
  return picked.map((p) => ({
    name: p.name,
    summary: p.summary,
    files: Array.from({ length: 20 }, (_, i) => [`${p.name}-1.${i}.0-py3-none-any.whl`, `${p.name}-1.${i}.0.tar.gz`])
      .flat()
      .map((filename) => ({ filename, requiresPython: '>=3.8' })),
  }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const withList = process.argv.includes('--list');
  const projects = [...FIXTURE_PROJECTS, ...dependencyProjects()];
  const projectList = withList
    ? zlib
        .gunzipSync(fs.readFileSync(path.join(SHARED_DATA, 'pypi-names.txt.gz')))
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
    : undefined;
  const server = await startIndexServer(projects, { projectList });
  process.stdout.write(`${JSON.stringify({ url: server.url, names: projectList?.length ?? projects.length })}\n`);
  process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}
