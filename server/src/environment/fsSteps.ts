// Disk reads written once, run two ways: a scan is a generator that yields the reads it needs, and a driver
// answers them, synchronously (the check CLI, tests) or asynchronously (the server, whose event loop never
// waits on the disk).

import * as fs from 'node:fs';

export type Step = { op: 'stat'; path: string } | { op: 'readdir'; path: string } | { op: 'read'; path: string } | { op: 'realpath'; path: string };

/** What a stat answers (undefined: nothing there); the other steps answer their value or the Error they gave. */
export interface StatFacts {
  file: boolean;
  directory: boolean;
  mtimeMs: number;
}

export type Steps<T> = Generator<Step, T, unknown>;

export function* stat(path: string): Steps<StatFacts | undefined> {
  return (yield { op: 'stat', path }) as StatFacts | undefined;
}
/** A folder's names, or the Error that listing it gave. */
export function* readdir(path: string): Steps<string[] | Error> {
  return (yield { op: 'readdir', path }) as string[] | Error;
}
/** A file's text, or the Error that reading it gave. */
export function* readText(path: string): Steps<string | Error> {
  return (yield { op: 'read', path }) as string | Error;
}
export function* realpath(path: string): Steps<string | undefined> {
  const real = (yield { op: 'realpath', path }) as string | Error;
  return typeof real === 'string' ? real : undefined;
}

const facts = (s: fs.Stats): StatFacts => ({ file: s.isFile(), directory: s.isDirectory(), mtimeMs: s.mtimeMs });

function doSync(step: Step): unknown {
  try {
    if (step.op === 'stat') {
      const s = fs.statSync(step.path, { throwIfNoEntry: false });
      return s && facts(s);
    }
    if (step.op === 'readdir') return fs.readdirSync(step.path);
    if (step.op === 'read') return fs.readFileSync(step.path, 'utf8');
    return fs.realpathSync(step.path);
  } catch (error) {
    return step.op === 'stat' ? undefined : (error as Error);
  }
}

async function doAsync(step: Step): Promise<unknown> {
  try {
    if (step.op === 'stat') return facts(await fs.promises.stat(step.path));
    if (step.op === 'readdir') return await fs.promises.readdir(step.path);
    if (step.op === 'read') return await fs.promises.readFile(step.path, 'utf8');
    return await fs.promises.realpath(step.path);
  } catch (error) {
    return step.op === 'stat' ? undefined : (error as Error);
  }
}

export function runSync<T>(steps: Steps<T>): T {
  let next = steps.next();
  while (!next.done) next = steps.next(doSync(next.value));
  return next.value;
}

export async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let next = steps.next();
  while (!next.done) next = steps.next(await doAsync(next.value));
  return next.value;
}
