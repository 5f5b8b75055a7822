// Shared pieces of the executor tests: plan a Dockerfile and run it in a
// fresh Slipway home that reads the real image store, and the skip rules.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  planBuild,
  type BuildOptions,
  type ProgressEvent,
} from '../../../core/src/index.ts';
import { runBuild, storeHas, type RunBuildOptions } from '../../src/build.ts';
import { slipwayHome, slipwayPaths } from '../../src/paths.ts';

/** Collects progress events and joins the processes' output. */
export function eventLog() {
  const events: ProgressEvent[] = [];
  return {
    events,
    onEvent: (e: ProgressEvent) => events.push(e),
    output: () =>
      events.map((e) => (e.kind === 'vertex-log' ? e.data : '')).join(''),
  };
}

/** Makes a temporary folder removed at process exit. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Returns a fresh Slipway home whose image store is the real one. */
export function testHome(): string {
  const home = tempDir('slipway-home-');
  fs.symlinkSync(slipwayPaths().images, path.join(home, 'images'));
  return home;
}

/** Plans `dockerfile` (which must plan cleanly) and runs it. */
export async function build(
  dockerfile: string,
  options: BuildOptions = {},
  run: Partial<RunBuildOptions> = {},
) {
  const plan = planBuild(dockerfile, {
    builderPlatforms: [
      'linux/amd64',
      'linux/386',
      'linux/arm64',
      'linux/arm/v7',
    ],
    ...options,
  });
  assert.deepEqual(
    plan.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const log = eventLog();
  const result = await runBuild(plan, {
    contextDir: tempDir('ctx-'),
    onEvent: log.onEvent,
    home: testHome(),
    ...run,
  });
  return { plan, result, log };
}

/** Reads a file of a result's root filesystem. */
export function read(rootfs: string | undefined, file: string): string {
  return fs.readFileSync(path.join(rootfs ?? '', file), 'utf8');
}

/** Lists the files under `dir`, relative to it. */
export function listFiles(dir: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? listFiles(dir, child) : [child];
    })
    .sort();
}

/**
 * Says why the executor tests cannot run here (undefined when they can);
 * under CI=true they must run, so this throws instead.
 */
export function skipReason(): string | undefined {
  const reason = missingPrerequisite();
  if (reason && process.env.CI === 'true') {
    throw new Error(`executor tests cannot run under CI: ${reason}`);
  }
  return reason;
}

function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (run the tests as root)';
  const runtimes = ['/usr/bin/crun', '/usr/sbin/runc', '/usr/bin/runc'];
  if (!runtimes.some((f) => fs.existsSync(f))) {
    return 'no crun or runc (apt-get install crun runc)';
  }
  if (!storeHas('busybox:1.36', 'linux/amd64')) {
    return `no busybox in the image store at ${slipwayHome()}/images (run scripts/setup-images.sh as root)`;
  }
  return undefined;
}

/** Process ids whose command line mentions `text`. */
export function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(text)) pids.push(Number(name));
    } catch {
      continue;
    }
  }
  return pids;
}

/** Waits until `check` holds, polling every 50 ms; fails after `limitMs`. */
export async function until(
  check: () => boolean,
  what: string,
  limitMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
