// Runs Debian's git the way BuildKit's git source does: a clean environment
// (no prompts, no user or system config, proxies passed on), umask 022,
// errors that carry git's stderr, and its output passed on as it comes.

import { execFile } from 'node:child_process';

/** Where a git command runs and what it sees. */
export interface GitOptions {
  gitDir?: string;
  workTree?: string;
  /** A private index file, so checkouts from a shared repository do not collide. */
  index?: string;
  env?: Record<string, string>;
  /** Receives stdout (1) and stderr (2) as they come, for progress log rows. */
  onOutput?: (stream: 1 | 2, data: string) => void;
}

/** Runs git with BuildKit's environment: no prompts, no user config, umask 022. */
export function runGit(args: string[], options: GitOptions): Promise<string> {
  const full = ['-c', 'protocol.file.allow=user'];
  if (options.workTree) full.push('--work-tree', options.workTree);
  if (options.gitDir) full.push('--git-dir', options.gitDir);
  full.push(...args);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: [
      'ssh -F /dev/null',
      '-o StrictHostKeyChecking=no',
      '-o UserKnownHostsFile=/dev/null',
      '-o BatchMode=yes',
    ].join(' '),
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: '/dev/null',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...proxyEnv(),
    ...(options.index ? { GIT_INDEX_FILE: options.index } : {}),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = execFile(
      'sh',
      ['-c', 'umask 0022 && exec git "$@"', 'git', ...full],
      {
        env,
        // git-submodule looks for the work tree from where it runs.
        ...(options.workTree ? { cwd: options.workTree } : {}),
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = typeof error.code === 'number' ? error.code : 1;
        reject(new Error(`git stderr:\n${stderr}: exit status ${code}`));
      },
    );
    const { onOutput } = options;
    if (!onOutput) return;
    child.stdout?.on('data', (data: string) => onOutput(1, data));
    child.stderr?.on('data', (data: string) => onOutput(2, data));
  });
}

/** Hides a password in a remote URL, as BuildKit's messages do. */
export function redact(remote: string): string {
  return remote.replace(/^([a-z+]+:\/\/[^/:@]*):[^/@]*@/i, '$1:xxxxx@');
}

function proxyEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
    'ALL_PROXY',
    'http_proxy',
    'https_proxy',
    'no_proxy',
    'all_proxy',
  ]) {
    const value = process.env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
