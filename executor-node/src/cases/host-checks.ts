// Facts about this host that decide whether a case can run for real: the
// hardware a case requires and the platforms whose programs can execute here.

import { existsSync, readFileSync } from 'node:fs';

/** Host architectures (OCI names) and the foreign ones their CPUs run natively. */
const NATIVE: Record<string, string[]> = {
  x64: ['amd64', '386'],
  arm64: ['arm64'],
  ia32: ['386'],
  arm: ['arm'],
  riscv64: ['riscv64'],
  s390x: ['s390x'],
  ppc64: ['ppc64le'],
};

/** QEMU's names for OCI architectures, as binfmt_misc handlers are named. */
const QEMU_ARCH: Record<string, string> = {
  amd64: 'x86_64',
  '386': 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  riscv64: 'riscv64',
  s390x: 's390x',
  ppc64le: 'ppc64le',
  mips64le: 'mips64el',
  loong64: 'loongarch64',
};

/** Says why a `requires` entry is not met on this host, or `undefined` when it is. */
export function unmetRequirement(name: string): string | undefined {
  if (name === 'nvidia-gpu') {
    return existsSync('/dev/nvidiactl')
      ? undefined
      : 'needs an NVIDIA GPU (/dev/nvidiactl is absent)';
  }
  return `unknown requirement "${name}"`;
}

/** Says why programs for `platform` cannot run here, or `undefined` when they can. */
export function unrunnablePlatform(
  platform: string,
  hostArch: string = process.arch,
): string | undefined {
  const [os, arch] = platform.split('/');
  if (os !== 'linux') return `cannot run ${platform} steps on a Linux host`;
  if ((NATIVE[hostArch] ?? []).includes(arch)) return undefined;

  const qemu = QEMU_ARCH[arch];
  if (!qemu) return `no emulator known for ${platform}`;
  if (hasBinfmtHandler(qemu)) return undefined;
  return `${platform} steps need QEMU emulation, and binfmt_misc has no enabled qemu-${qemu} handler`;
}

function hasBinfmtHandler(qemuArch: string): boolean {
  try {
    const text = readFileSync(
      `/proc/sys/fs/binfmt_misc/qemu-${qemuArch}`,
      'utf8',
    );
    return text.startsWith('enabled');
  } catch {
    return false;
  }
}
