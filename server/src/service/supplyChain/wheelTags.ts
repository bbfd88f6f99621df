// Which wheels an environment can install, from the wheel's file name tags (PEP 425, PEP 600, PEP 656) and the
// environment's Python version and platform, as pip's `packaging.tags` orders them; no interpreter is run.

import type { WheelEnvironment } from '../../shared/facts.js';

export type { WheelEnvironment };

export interface WheelTags {
  python: string[];
  abi: string[];
  platform: string[];
}

/** The three tag sets of a wheel file name (`name-ver(-build)?-py-abi-plat.whl`, each set dot-separated). */
export function wheelTagsOf(filename: string): WheelTags | undefined {
  if (!filename.toLowerCase().endsWith('.whl')) return undefined;
  const parts = filename.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [python, abi, platform] = parts.slice(-3).map((p) => p.toLowerCase().split('.'));
  return { python, abi, platform };
}

/** Every platform tag the environment accepts, `any` included. */
export function platformTags(env: WheelEnvironment): Set<string> {
  const out = new Set<string>(['any']);
  if (env.os === 'windows') {
    const arch = env.arch.toLowerCase();
    out.add(arch === 'x86_64' || arch === 'amd64' || arch === 'x64' ? 'win_amd64' : arch === 'arm64' || arch === 'aarch64' ? 'win_arm64' : 'win32');
    return out;
  }
  if (env.os === 'macos') {
    const [major, minor] = env.macos ?? [11, 0];
    const arches = env.arch === 'arm64' || env.arch === 'aarch64' ? ['arm64', 'universal2'] : ['x86_64', 'intel', 'fat64', 'fat32', 'universal2', 'universal'];
    // macOS 11+ wheels are tagged by major version (minor 0); 10.x by minor.
    for (let m = major; m >= 11; m--) for (const a of arches) out.add(`macosx_${m}_0_${a}`);
    for (let m = major >= 11 ? 16 : minor; m >= 0; m--) for (const a of arches) out.add(`macosx_10_${m}_${a}`);
    return out;
  }
  const arch = env.arch === 'x64' ? 'x86_64' : env.arch === 'arm64' ? 'aarch64' : env.arch === 'ia32' ? 'i686' : env.arch;
  out.add(`linux_${arch}`);
  const libc = env.libc ?? { kind: 'glibc', version: [2, 17] };
  if (libc.kind === 'musl') {
    for (let m = libc.version[1]; m >= 0; m--) out.add(`musllinux_${libc.version[0]}_${m}_${arch}`);
    return out;
  }
  const [, glibcMinor] = libc.version;
  const oldest = arch === 'x86_64' || arch === 'i686' ? 5 : 17;
  for (let m = glibcMinor; m >= oldest; m--) out.add(`manylinux_2_${m}_${arch}`);
  // The legacy aliases (PEP 513, 571, 599) name glibc 2.5, 2.12 and 2.17.
  if (glibcMinor >= 17) out.add(`manylinux2014_${arch}`);
  if (glibcMinor >= 12 && (arch === 'x86_64' || arch === 'i686')) out.add(`manylinux2010_${arch}`);
  if (glibcMinor >= 5 && (arch === 'x86_64' || arch === 'i686')) out.add(`manylinux1_${arch}`);
  return out;
}

/** Whether a wheel with these tags installs into the environment (CPython, the default ABI without debug flags). */
export function wheelFits(tags: WheelTags, env: WheelEnvironment, platforms = platformTags(env)): boolean {
  if (!tags.platform.some((p) => platforms.has(p))) return false;
  const [major, minor] = env.python;
  const cp = `cp${major}${minor}`;
  for (const py of tags.python) {
    const m = /^(cp|py)(\d)(\d*)$/.exec(py);
    if (!m || Number(m[2]) !== major) continue;
    const pyMinor = m[3] === '' ? undefined : Number(m[3]);
    for (const abi of tags.abi) {
      // This interpreter's own ABI (cp311; cp37m and older carried an m).
      if (m[1] === 'cp' && pyMinor === minor && (abi === cp || abi === `${cp}m`)) return true;
      // The stable ABI, built for this version or an older one (cp32 onwards).
      if (m[1] === 'cp' && abi === 'abi3' && pyMinor !== undefined && pyMinor <= minor) return true;
      // Pure Python: py3, py3N for N up to this version, or cp3N with no ABI.
      if (abi === 'none' && (m[1] === 'py' ? pyMinor === undefined || pyMinor <= minor : pyMinor === minor)) return true;
    }
  }
  return false;
}

/** "CPython 3.11 on manylinux x86_64", for messages. */
export function describeEnvironment(env: WheelEnvironment): string {
  const where =
    env.os === 'windows'
      ? `Windows ${env.arch}`
      : env.os === 'macos'
        ? `macOS ${env.macos?.join('.') ?? ''} ${env.arch}`.replace('  ', ' ')
        : `${env.libc?.kind === 'musl' ? 'musllinux' : 'manylinux'} ${env.arch}`;
  return `CPython ${env.python.join('.')} on ${where}`;
}
