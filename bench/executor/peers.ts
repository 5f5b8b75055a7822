// The builders bench/executor compares: Slipway's CLI, Debian's buildah
// (runc) and Debian's Docker 20.10 engine started by hand, driven through
// its Engine API (`POST /build?version=2`, BuildKit). Each has a setup that
// gives it the busybox base image of Slipway's built-in store.

import {
  execFileSync,
  spawn,
  spawnSync,
  type ChildProcess,
} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** One builder: a cold (no cache) and a warm (all cached) build of the context. */
export interface Peer {
  name: string;
  build(cold: boolean): Promise<void>;
  stop?(): Promise<void>;
}

/** Where the peers work. */
export interface PeerContext {
  repo: string;
  work: string;
  /** The build context with the 6-step Dockerfile. */
  context: string;
  /** An unpacked busybox root filesystem. */
  rootfs: string;
  /** A docker-loadable tar of busybox named localhost/busybox:latest. */
  busyboxTar: string;
  slipwayHome: string;
}

/**
 * Slipway's CLI through its launcher (the bundle when it is fresh). Node
 * reads the whole file NODE_EXTRA_CA_CERTS names as it starts, before any
 * of Slipway's code (about 40 ms for Debian's CA bundle on the bench
 * machine); a default Node install has no such variable, so the CLI runs
 * without it unless `keepCaCerts`.
 */
export function slipwayPeer(
  context: PeerContext,
  exportOci: boolean,
  keepCaCerts = false,
): Peer {
  const launcher = path.join(context.repo, 'executor-node/bin/slipway.js');
  const output = exportOci
    ? ['-o', `type=oci,dest=${path.join(context.work, 'oci-out')},tar=false`]
    : [];
  const name = exportOci ? 'Slipway -o type=oci' : 'Slipway';
  return {
    name: keepCaCerts ? `${name}, NODE_EXTRA_CA_CERTS set` : name,
    async build(cold) {
      await run(
        process.execPath,
        [
          launcher,
          'build',
          ...(cold ? ['--no-cache'] : []),
          '--progress=quiet',
          '--build-arg',
          'BASE=busybox:1.36',
          ...output,
          context.context,
        ],
        {
          SLIPWAY_HOME: context.slipwayHome,
          ...(keepCaCerts ? {} : { NODE_EXTRA_CA_CERTS: undefined }),
        },
      );
    },
  };
}

/** buildah bud with runc and layer caching; busybox imported as localhost/busybox. */
export function buildahPeer(context: PeerContext): Peer | string {
  if (!hasCommand('buildah'))
    return 'buildah is not installed (apt-get install buildah)';
  const images = spawnSync(
    'buildah',
    ['images', '-q', 'localhost/busybox:latest'],
    {
      encoding: 'utf8',
    },
  );
  if (!images.stdout.trim()) {
    const ctr = execFileSync('buildah', ['from', 'scratch'], {
      encoding: 'utf8',
    }).trim();
    execFileSync('buildah', ['copy', ctr, context.rootfs, '/'], {
      stdio: 'ignore',
    });
    execFileSync('buildah', [
      'config',
      '--cmd',
      'sh',
      '--env',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ctr,
    ]);
    execFileSync('buildah', ['commit', '-q', ctr, 'localhost/busybox:latest'], {
      stdio: 'ignore',
    });
    execFileSync('buildah', ['rm', ctr], { stdio: 'ignore' });
  }
  return {
    name: 'buildah (runc)',
    async build(cold) {
      await run('buildah', [
        'bud',
        '--runtime',
        'runc',
        '--layers',
        ...(cold ? ['--no-cache'] : []),
        '-q',
        '-t',
        'localhost/slipway-bench',
        context.context,
      ]);
    },
  };
}

/** Docker 20.10's BuildKit through the Engine API, on a dockerd of its own. */
export async function dockerPeer(context: PeerContext): Promise<Peer | string> {
  const dockerd = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((f) =>
    fs.existsSync(f),
  );
  if (!dockerd) return 'dockerd is not installed (apt-get install docker.io)';
  const dir = path.join(context.work, 'docker');
  fs.mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, 'docker.sock');
  const log = fs.openSync(path.join(dir, 'dockerd.log'), 'w');
  const daemon: ChildProcess = spawn(
    dockerd,
    [
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'exec'),
      '--pidfile',
      path.join(dir, 'dockerd.pid'),
      '-H',
      `unix://${socket}`,
      '--storage-driver',
      'overlay2',
    ],
    { stdio: ['ignore', log, log] },
  );
  const stop = async () => {
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.once('exit', resolve));
  };
  try {
    await waitFor(
      async () => (await request(socket, 'GET', '/_ping')).status === 200,
    );
    const loaded = await request(
      socket,
      'POST',
      '/v1.41/images/load?quiet=1',
      fs.readFileSync(context.busyboxTar),
    );
    if (!loaded.body.includes('localhost/busybox')) {
      throw new Error(`docker load failed: ${loaded.body}`);
    }
  } catch (error) {
    await stop();
    return `dockerd did not start: ${(error as Error).message}`;
  }
  const contextTar = execFileSync('tar', ['-C', context.context, '-c', '.']);
  return {
    name: 'BuildKit (Docker 20.10 API)',
    async build(cold) {
      const query = `version=2&t=slipway-bench&networkmode=none${cold ? '&nocache=1' : ''}`;
      const answer = await request(
        socket,
        'POST',
        `/v1.41/build?${query}`,
        contextTar,
      );
      if (answer.status !== 200 || answer.body.includes('"error"')) {
        throw new Error(`docker build failed: ${answer.body.slice(-400)}`);
      }
    },
    stop,
  };
}

function request(
  socketPath: string,
  method: string,
  url: string,
  body?: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        method,
        path: url,
        headers: body ? { 'Content-Type': 'application/x-tar' } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} exited ${code}: ${stderr.slice(-400)}`)),
    );
  });
}

function hasCommand(name: string): boolean {
  return (
    spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
      .status === 0
  );
}
