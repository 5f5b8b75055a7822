// Shared helpers for the CLI integration tests: run the real `slipway`
// launcher and find out whether this host can run real builds.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { storeHas } from '../../src/build.ts';

/** The repository root. */
export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);

/** The shared behaviour cases, beside the repository. */
export const casesDir = path.resolve(repoRoot, '../shared/cases');

/** The examples folder. */
export const examplesDir = path.join(repoRoot, 'examples');

const launcher = path.join(repoRoot, 'executor-node/bin/slipway.js');

/** What one CLI run printed and how it ended. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node executor-node/bin/slipway.js ...args` in `cwd`. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(
      () => child.kill('SIGKILL'),
      options.timeoutMs ?? 300_000,
    );
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * Says why real builds cannot run here, or `undefined` when they can. Under
 * CI nothing may be missing, so callers fail instead of skipping.
 */
export async function buildBlocker(): Promise<string | undefined> {
  const runtime = ['/usr/bin/crun', '/usr/sbin/runc', '/usr/bin/runc'].some(
    existsSync,
  );
  if (!runtime) return 'no OCI runtime: apt-get install crun (or runc)';
  if (!(await storeHas('busybox:1.36', 'linux/amd64'))) {
    return 'busybox is not in the built-in store: run scripts/setup-images.sh as root';
  }
  return undefined;
}

/** Returns a skip message for builds, or `false` to run them (always under CI). */
export async function skipBuilds(): Promise<string | false> {
  const blocker = await buildBlocker();
  if (!blocker || process.env.CI === 'true') return false;
  return blocker;
}
