// The platforms this host's builder can run, found as BuildKit's worker finds
// them: the native one (with its amd64 micro-architecture levels), then each
// architecture whose tiny probe executable runs, natively or through QEMU.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { hostPlatform } from '../runtime/emulation.ts';
import type { ProbeArch } from './probe-binaries.ts';
import { probeBinary } from './probe-binaries.ts';

/** BuildKit's probe order after the native platform. */
const PROBE_ORDER: ProbeArch[] = [
  'amd64',
  'arm64',
  'riscv64',
  'ppc64le',
  's390x',
  '386',
  'arm',
];

/** CPU flags each x86-64 micro-architecture level adds (psABI levels). */
const AMD64_LEVELS: [string, string[]][] = [
  ['v2', ['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3']],
  [
    'v3',
    ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'],
  ],
  ['v4', ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl']],
];

/** How to run one probe; tests may pass their own. */
export type ProbeRunner = (arch: ProbeArch) => Promise<boolean>;

/** Lists the platforms the worker supports, native first, in BuildKit's order. */
export async function detectWorkerPlatforms(
  runProbe: ProbeRunner = runProbeExecutable,
): Promise<string[]> {
  const native = hostPlatform();
  const out = [native];
  const nativeArch = native.split('/')[1];
  if (nativeArch === 'amd64') {
    const levels = amd64Levels(await readCpuFlags());
    out.push(...levels.map((v) => `linux/amd64/${v}`));
  }
  for (const arch of PROBE_ORDER) {
    if (arch === nativeArch) continue;
    if (!(await runProbe(arch))) continue;
    if (arch === 'arm') out.push('linux/arm/v7', 'linux/arm/v6');
    else out.push(`linux/${arch}`);
  }
  return out;
}

/** Returns the x86-64 levels above v1 that `flags` satisfy, e.g. `['v2', 'v3']`. */
export function amd64Levels(flags: Set<string>): string[] {
  const out: string[] = [];
  for (const [level, needs] of AMD64_LEVELS) {
    if (!needs.every((f) => flags.has(f))) break;
    out.push(level);
  }
  return out;
}

/**
 * Runs the probe for `arch` and reports whether it exited with 0. As root it
 * runs inside an otherwise empty chroot, as BuildKit does, so a QEMU handler
 * registered without the F flag (whose interpreter the chroot lacks) fails.
 */
export async function runProbeExecutable(arch: ProbeArch): Promise<boolean> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-probe-'));
  try {
    const file = path.join(dir, 'check');
    await writeFile(file, probeBinary(arch), { mode: 0o700 });
    const asRoot = process.getuid?.() === 0;
    const [command, args] = asRoot
      ? ['chroot', [dir, '/check']]
      : [file, [] as string[]];
    return (await exitCode(command as string, args as string[])) === 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function exitCode(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', timeout: 10_000 });
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code ?? -1));
  });
}

async function readCpuFlags(): Promise<Set<string>> {
  try {
    const text = await readFile('/proc/cpuinfo', 'utf8');
    const line = /^flags\s*:(.*)$/m.exec(text)?.[1] ?? '';
    return new Set(line.trim().split(/\s+/));
  } catch {
    return new Set();
  }
}
