// `convert FILE [-o OUT|-]`: a compiled requirements.txt to a pylock.toml (PEP 751), or a pylock.toml back to a
// requirements.txt, as the editor's requirements.convert does it. No network, no Python.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAtomically } from '../compile/builtin.js';
import { conversionTarget, convertFile } from '../service/lockConversion.js';
import { CONVERT_HELP } from './help.js';

export function convertCommand(argv: string[]): number {
  const files: string[] = [];
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '--output-file') output = argv[++i];
    else if (a.startsWith('--output-file=')) output = a.slice('--output-file='.length);
    else if (a.startsWith('-') && a !== '-') {
      process.stderr.write(`Unknown option ${a}.\n\n${CONVERT_HELP}`);
      return 2;
    } else files.push(a);
  }
  if (files.length !== 1 || output === '') {
    process.stderr.write(`${files.length ? 'Give one file.' : 'Which file?'}\n\n${CONVERT_HELP}`);
    return 2;
  }
  const file = path.resolve(files[0]);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`Cannot read ${files[0]}: ${(error as Error).message}\n`);
    return 1;
  }
  const result = convertFile(file, text);
  if ('error' in result) {
    process.stderr.write(`Cannot convert: ${result.error}.\n`);
    return 2;
  }
  for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  if (output === '-') {
    process.stdout.write(result.text);
    return 0;
  }
  const target = output ? path.resolve(output) : conversionTarget(file);
  try {
    writeAtomically(target, result.text);
  } catch (error) {
    process.stderr.write(`Cannot write ${target}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stderr.write(`Converted ${files[0]} to ${path.relative(process.cwd(), target) || target}.\n`);
  return 0;
}
