// Which platforms this host can run: its own, 32-bit x86 on x86-64, and
// others through QEMU user emulation registered in binfmt_misc with F.

import fs from 'node:fs';

const BINFMT = '/proc/sys/fs/binfmt_misc';

/** QEMU's name for each architecture. */
const QEMU_ARCH: Record<string, string> = {
  amd64: 'x86_64',
  '386': 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  riscv64: 'riscv64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  mips64le: 'mips64el',
  loong64: 'loongarch64',
};

/** Returns this machine's platform, e.g. `linux/amd64`. */
export function hostPlatform(): string {
  const arch: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    ia32: '386',
    arm: 'arm/v7',
    riscv64: 'riscv64',
    ppc64: 'ppc64le',
    s390x: 's390x',
  };
  return `linux/${arch[process.arch] ?? process.arch}`;
}

/** Says why RUN steps for `platform` cannot run here, or `undefined` when they can. */
export function emulationProblem(platform: string): string | undefined {
  const [os, arch = ''] = platform.split('/');
  const host = hostPlatform().split('/')[1];
  if (os !== 'linux')
    return `cannot run ${platform} steps on this host: only linux steps can run`;
  if (arch === host || runsNatively(host ?? '', arch)) return undefined;

  const qemu = QEMU_ARCH[arch] ?? arch;
  const prefix = `cannot run ${platform} steps on this host`;
  const entry = readEntry(`qemu-${qemu}`);
  if (!entry || !entry.enabled) {
    return `${prefix}: no QEMU user emulation registered for ${qemu} (run scripts/setup-binfmt.sh as root)`;
  }
  if (!entry.flags.includes('F')) {
    return `${prefix}: QEMU emulation for ${qemu} is registered without the F flag, so it cannot start inside containers (run scripts/setup-binfmt.sh as root)`;
  }
  return undefined;
}

/** Platforms BuildKit might run here, before emulation is looked at. */
const CANDIDATES = [
  'linux/amd64',
  'linux/386',
  'linux/arm64',
  'linux/arm/v7',
  'linux/riscv64',
  'linux/ppc64le',
  'linux/s390x',
  'linux/mips64le',
  'linux/loong64',
];

/**
 * Lists the platforms whose steps can run here, this host's first: what
 * BuildKit's worker reports, natively or through registered emulators.
 */
export function runnablePlatforms(): string[] {
  // binfmt_misc is read once a process: a build plans twice.
  runnable ??= (() => {
    const host = hostPlatform();
    const others = CANDIDATES.filter(
      (p) => p !== host && emulationProblem(p) === undefined,
    );
    return [host, ...others];
  })();
  return [...runnable];
}

let runnable: string[] | undefined;

/** Reports whether a 32-bit personality must be set for `platform`. */
export function needsLinux32(platform: string): boolean {
  const arch = platform.split('/')[1] ?? '';
  const host = hostPlatform().split('/')[1];
  return (
    (host === 'amd64' && arch === '386') || (host === 'arm64' && arch === 'arm')
  );
}

function runsNatively(host: string, arch: string): boolean {
  return (
    (host === 'amd64' && arch === '386') || (host === 'arm64' && arch === 'arm')
  );
}

function readEntry(
  name: string,
): { enabled: boolean; flags: string } | undefined {
  try {
    const text = fs.readFileSync(`${BINFMT}/${name}`, 'utf8');
    return {
      enabled: /^enabled$/m.test(text),
      flags: /^flags: *(.*)$/m.exec(text)?.[1] ?? '',
    };
  } catch {
    return undefined;
  }
}
