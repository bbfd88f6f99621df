// The platform a venv on this machine installs wheels for: the operating system, the machine, and the C library
// (glibc's version from Node's own report, else musl on Linux), with the venv's Python version. No process is run.

import * as os from 'node:os';
import type { WheelEnvironment } from '../shared/facts.js';

let libc: WheelEnvironment['libc'] | null | undefined;

/** glibc [2, 36] when Node runs on it; musl [1, 2] on other Linux C libraries (Alpine); read once. */
function linuxLibc(): WheelEnvironment['libc'] {
  if (libc === undefined) {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    const glibc = /^(\d+)\.(\d+)/.exec(header?.glibcVersionRuntime ?? '');
    libc = glibc ? { kind: 'glibc', version: [Number(glibc[1]), Number(glibc[2])] } : { kind: 'musl', version: [1, 2] };
  }
  return libc ?? undefined;
}

export function wheelEnvironmentOf(pythonVersion: string | undefined): WheelEnvironment | undefined {
  const m = /^(\d+)\.(\d+)/.exec(pythonVersion ?? '');
  if (!m) return undefined;
  const python: [number, number] = [Number(m[1]), Number(m[2])];
  const arch = os.arch();
  if (process.platform === 'win32') return { python, os: 'windows', arch };
  if (process.platform === 'darwin') {
    const [major, minor] = os.release().split('.').map(Number);
    // Darwin 20 is macOS 11, 23 is 14; before 20, Darwin N is 10.(N-4).
    const macos: [number, number] = major >= 20 ? [major - 9, 0] : [10, Math.max(0, major - 4)];
    return { python, os: 'macos', arch: arch === 'x64' ? 'x86_64' : arch, macos: Number.isFinite(minor) ? macos : [11, 0] };
  }
  const linuxArch = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : arch === 'ia32' ? 'i686' : arch;
  return { python, os: 'linux', arch: linuxArch, libc: linuxLibc() };
}
