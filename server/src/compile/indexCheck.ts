// Before a compile: which package index the tool will ask, and the flags that keep a tool from retrying an
// unreachable one for half a minute. pip retries each request 5 times with backoff (some 20 s) before it says
// "from versions: none", which reads as a conflict; the index is named up front instead (compile/index.ts).

import * as fs from 'node:fs';
import type { ParsedDocument } from '../syntax/types.js';
import { resolveIndexConfig } from '../index/pipConfig.js';
import { indexOptionsOf } from '../workspace/indexOptions.js';

/** pip's per-request timeout (its own default is 15 s) and retries (5) for a compile: one answer, no retries. */
export const PIP_QUICK_FAIL = ['--retries', '0', '--timeout', '15'];

function readText(filePath: string): string | undefined {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The index URL the tool will ask first, as pip chooses it: the file's `--index-url` (or one it includes), else
 * `--index-url`/`-i` among the arguments (the last one), else `PIP_INDEX_URL`, pip.conf, PyPI. Undefined when no
 * index is used (`--no-index` anywhere) or it is a local folder.
 */
export function compileIndexUrl(options: {
  args: string[];
  documents: { document: ParsedDocument }[];
  env: Record<string, string | undefined>;
  venvRoot?: string;
}): string | undefined {
  let fromArgs: string | undefined;
  let noIndex = false;
  for (let i = 0; i < options.args.length; i++) {
    const arg = options.args[i];
    const [flag, attached] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--no-index') noIndex = true;
    else if (flag === '-i' || flag === '--index-url') fromArgs = attached ?? options.args[++i];
    else if (flag.startsWith('-i') && flag.length > 2 && !flag.startsWith('--')) fromArgs = flag.slice(2);
  }
  if (noIndex) return undefined;
  const [first, ...rest] = options.documents;
  const file = first ? indexOptionsOf(first.document, { files: rest }) : { extraIndexUrls: [], noIndex: false };
  // PIP_NO_INDEX, pip.conf's no-index and the file's --no-index turn off an index given as an argument too.
  const config = resolveIndexConfig({ file, env: options.env, readFile: readText, venvRoot: options.venvRoot });
  if (config.noIndex) return undefined;
  // A requirements file's --index-url replaces the command line's in pip; the command line's wins over the rest.
  const url = config.source === 'the requirements file' ? config.indexUrl : (fromArgs ?? config.indexUrl);
  return /^https?:\/\//i.test(url) ? url : undefined;
}

/** Whether an option is already given (`--retries 3`, `--retries=3`), so a user's own choice stays. */
export const hasOption = (args: string[], name: string) => args.some((a) => a === name || a.startsWith(`${name}=`));

/** The quick-fail flags the user has not set (in the arguments or as PIP_RETRIES / PIP_TIMEOUT). */
export function quickFailPipArgs(args: string[], env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  if (!hasOption(args, '--retries') && env.PIP_RETRIES === undefined) out.push(PIP_QUICK_FAIL[0], PIP_QUICK_FAIL[1]);
  if (!hasOption(args, '--timeout') && env.PIP_TIMEOUT === undefined && env.PIP_DEFAULT_TIMEOUT === undefined) out.push(PIP_QUICK_FAIL[2], PIP_QUICK_FAIL[3]);
  return out;
}

/** uv's own knobs for the same: its HTTP timeout and retries, unless the environment sets them. */
export function quickFailUvEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { UV_HTTP_TIMEOUT: '15', UV_HTTP_RETRIES: '0', ...env };
}
