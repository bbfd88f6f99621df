// The options pip accepts in a requirements file (pip 24.2, req_file.py), with what each means.

import type { OptionValueKind } from './types.js';

export interface OptionSpec {
  /** Canonical long form, e.g. `--requirement`. */
  long: string;
  short?: string;
  /** What the value is; `none` for flags. */
  value: OptionValueKind;
  /** Allowed after a requirement on the same line (pip's SUPPORTED_OPTIONS_REQ). */
  perRequirement: boolean;
  /** One line for hover and completion. */
  summary: string;
  /** Placeholder shown in completion snippets. */
  metavar?: string;
  /** Other long spellings pip accepts. */
  aliases?: string[];
  /** The only values pip accepts, where it restricts them. */
  choices?: string[];
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    long: '--requirement',
    short: '-r',
    value: 'pathOrUrl',
    perRequirement: false,
    metavar: 'file',
    summary: 'Install from the given requirements file (relative paths are resolved from this file).',
  },
  {
    long: '--constraint',
    short: '-c',
    value: 'pathOrUrl',
    perRequirement: false,
    metavar: 'file',
    summary: 'Constrain versions using the given constraints file; it limits versions but installs nothing by itself.',
  },
  {
    long: '--editable',
    short: '-e',
    value: 'pathOrUrl',
    perRequirement: false,
    metavar: 'path/url',
    summary: 'Install a project in editable (development) mode from a local path or a VCS URL.',
  },
  {
    long: '--index-url',
    short: '-i',
    aliases: ['--pypi-url'],
    value: 'url',
    perRequirement: false,
    metavar: 'url',
    summary: 'Base URL of the package index (PEP 503 simple API); replaces the default https://pypi.org/simple.',
  },
  { long: '--extra-index-url', value: 'url', perRequirement: false, metavar: 'url', summary: 'An extra package index searched in addition to --index-url.' },
  { long: '--no-index', value: 'none', perRequirement: false, summary: 'Ignore package indexes; only look at --find-links locations.' },
  {
    long: '--find-links',
    short: '-f',
    value: 'pathOrUrl',
    perRequirement: false,
    metavar: 'url',
    summary: 'Look for archives in this directory or in the links of this HTML page.',
  },
  {
    long: '--no-binary',
    value: 'formats',
    perRequirement: false,
    metavar: 'format_control',
    summary: 'Do not use wheels for these packages (:all:, :none:, or comma-separated names): build from source.',
  },
  {
    long: '--only-binary',
    value: 'formats',
    perRequirement: false,
    metavar: 'format_control',
    summary: 'Use only wheels for these packages (:all:, :none:, or comma-separated names); never build from source.',
  },
  { long: '--prefer-binary', value: 'none', perRequirement: false, summary: 'Prefer older wheels over newer source distributions.' },
  { long: '--require-hashes', value: 'none', perRequirement: false, summary: 'Require a --hash for every requirement (hash-checking mode).' },
  { long: '--pre', value: 'none', perRequirement: false, summary: 'Include pre-release and development versions; by default pip takes only final releases.' },
  {
    long: '--trusted-host',
    value: 'text',
    perRequirement: false,
    metavar: 'hostname',
    summary: 'Trust this host (or host:port) even though it has no valid HTTPS certificate.',
  },
  {
    long: '--use-feature',
    choices: ['fast-deps', 'truststore', 'no-binary-enable-wheel-cache'],
    value: 'text',
    perRequirement: false,
    metavar: 'feature',
    summary: 'Enable a new pip feature that may be backward incompatible.',
  },
  { long: '--global-option', value: 'text', perRequirement: true, metavar: 'options', summary: 'Extra global options passed to setup.py (deprecated by pip).' },
  {
    long: '--config-settings',
    short: '-C',
    value: 'text',
    perRequirement: true,
    metavar: 'settings',
    summary: 'Configuration settings (KEY=VALUE) passed to the PEP 517 build backend.',
  },
  {
    long: '--hash',
    value: 'hash',
    perRequirement: true,
    metavar: 'sha256:digest',
    summary: 'Verify the downloaded archive against this hash (sha256, sha384 or sha512).',
  },
];

const byShort = new Map<string, OptionSpec>();
const byLong = new Map<string, OptionSpec>();
const longNames: string[] = [];
for (const spec of OPTIONS) {
  for (const name of [spec.long, ...(spec.aliases ?? [])]) {
    byLong.set(name, spec);
    longNames.push(name);
  }
  if (spec.short) byShort.set(spec.short, spec);
}

export type OptionLookup = { ok: true; spec: OptionSpec } | { ok: false; reason: 'unknown' } | { ok: false; reason: 'ambiguous'; candidates: string[] };

/** Finds an option the way optparse does: exact short form, exact long form, or an unambiguous long prefix. */
export function lookupOption(flag: string): OptionLookup {
  if (!flag.startsWith('--')) {
    const spec = byShort.get(flag);
    return spec ? { ok: true, spec } : { ok: false, reason: 'unknown' };
  }
  const exact = byLong.get(flag);
  if (exact) return { ok: true, spec: exact };
  const candidates = longNames.filter((name) => name.startsWith(flag));
  if (candidates.length === 1) return { ok: true, spec: byLong.get(candidates[0])! };
  if (candidates.length > 1) return { ok: false, reason: 'ambiguous', candidates };
  return { ok: false, reason: 'unknown' };
}

export function optionByName(canonical: string): OptionSpec | undefined {
  return byLong.get(canonical);
}

/** Hash algorithms pip accepts for --hash (pip's STRONG_HASHES). */
export const HASH_ALGORITHMS = ['sha256', 'sha384', 'sha512'] as const;
