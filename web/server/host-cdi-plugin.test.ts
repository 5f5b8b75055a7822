// Starts the playground's real vite dev server (vite.config.ts) on a temporary
// spec directory, reads the host specs endpoint, and watches a new and a
// removed spec file reach both the endpoint and a WebSocket client.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createServer, resolveConfig, type ViteDevServer } from 'vite';

import type { CdiSpecFile } from '../../core/src/index.ts';
import { HOST_CDI_ENDPOINT, HOST_CDI_EVENT } from '../src/host-cdi-protocol.ts';
import { hostCdiSpecDirs } from './host-cdi-plugin.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const configFile = path.join(root, 'vite.config.ts');

const SPEC_A = `cdiVersion: "0.6.0"
kind: "host.example/gpu"
devices:
  - name: gpu0
    containerEdits:
      env: ["GPU0=yes"]
`;
const SPEC_B = JSON.stringify({
  cdiVersion: '0.6.0',
  kind: 'host.example/fpga',
  devices: [{ name: 'f0', containerEdits: { env: ['F0=yes'] } }],
});

// A stuck server fails the file instead of holding the run.
const LIMIT = { timeout: 30_000 };

describe('host CDI plugin in the dev server', LIMIT, () => {
  let dir: string;
  let cacheDir: string;
  let server: ViteDevServer;
  let base: URL;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'slipway-host-cdi-'));
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'slipway-vite-cache-'));
    await writeFile(path.join(dir, 'a.yaml'), SPEC_A);
    const saved = process.env.SLIPWAY_CDI_SPEC_DIRS;
    process.env.SLIPWAY_CDI_SPEC_DIRS = dir;
    try {
      server = await createServer({
        root,
        configFile,
        cacheDir,
        logLevel: 'silent',
        server: { port: 0, host: '127.0.0.1', watch: null },
      });
    } finally {
      if (saved === undefined) delete process.env.SLIPWAY_CDI_SPEC_DIRS;
      else process.env.SLIPWAY_CDI_SPEC_DIRS = saved;
    }
    await server.listen();
    base = new URL(server.resolvedUrls!.local[0]!);
  }, LIMIT);

  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  }, LIMIT);

  async function endpoint(): Promise<CdiSpecFile[]> {
    const response = await fetch(new URL(HOST_CDI_ENDPOINT, base));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /json/);
    return (await response.json()) as CdiSpecFile[];
  }

  it('serves the spec files of SLIPWAY_CDI_SPEC_DIRS', async () => {
    assert.deepEqual(await endpoint(), [
      { path: path.join(dir, 'a.yaml'), priority: 0, text: SPEC_A },
    ]);
  });

  it('sends the new list on a change and serves it', async () => {
    const url = new URL(`/?token=${server.config.webSocketToken}`, base);
    url.protocol = 'ws:';
    const client = await HmrClient.open(url.href);
    try {
      await writeFile(path.join(dir, 'b.json'), SPEC_B);
      // Editors write in steps; wait for the list that has the new file.
      let sent = await client.nextEvent();
      while (sent.length < 2) sent = await client.nextEvent();
      const both = [
        { path: path.join(dir, 'a.yaml'), priority: 0, text: SPEC_A },
        { path: path.join(dir, 'b.json'), priority: 0, text: SPEC_B },
      ];
      assert.deepEqual(sent, both);
      assert.deepEqual(await endpoint(), both);

      await rm(path.join(dir, 'a.yaml'));
      sent = await client.nextEvent();
      while (sent.length > 1) sent = await client.nextEvent();
      assert.deepEqual(sent, [both[1]]);
      assert.deepEqual(await endpoint(), [both[1]]);
    } finally {
      client.close();
    }
  });
});

describe('host CDI plugin setup', () => {
  it('is part of the dev server only', async () => {
    const names = async (command: 'serve' | 'build') =>
      (
        await resolveConfig({ root, configFile, logLevel: 'silent' }, command)
      ).plugins.map((p) => p.name);
    assert.ok((await names('serve')).includes('slipway-host-cdi'));
    assert.ok(!(await names('build')).includes('slipway-host-cdi'));
  });

  it("reads SLIPWAY_CDI_SPEC_DIRS, else BuildKit's directories", () => {
    assert.deepEqual(hostCdiSpecDirs({}), [
      '/etc/cdi',
      '/var/run/cdi',
      '/etc/buildkit/cdi',
    ]);
    assert.deepEqual(
      hostCdiSpecDirs({ SLIPWAY_CDI_SPEC_DIRS: '/a::specs' }, '/work'),
      ['/a', '/work/specs'],
    );
  });
});

/**
 * A WebSocket client of vite's HMR channel in a child node process (Node 20
 * has WebSocket only behind a flag); it prints each host CDI event's data.
 */
class HmrClient {
  private lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;

  private constructor(private child: ChildProcess) {
    const input = createInterface({ input: child.stdout! });
    input.on('line', (line) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(line);
      } else this.lines.push(line);
    });
  }

  static async open(url: string): Promise<HmrClient> {
    const flags =
      typeof globalThis.WebSocket === 'function'
        ? []
        : ['--experimental-websocket'];
    const script = `
      const ws = new WebSocket(process.argv[1], 'vite-hmr');
      ws.onopen = () => console.log('open');
      ws.onmessage = (m) => {
        const p = JSON.parse(m.data);
        const event = ${JSON.stringify(HOST_CDI_EVENT)};
        if (p.type === 'custom' && p.event === event)
          console.log(JSON.stringify(p.data));
      };
      ws.onclose = () => process.exit(1);
    `;
    const child = spawn(process.execPath, [...flags, '-e', script, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const client = new HmrClient(child);
    assert.equal(await client.nextLine(), 'open');
    return client;
  }

  async nextEvent(): Promise<CdiSpecFile[]> {
    return JSON.parse(await this.nextLine()) as CdiSpecFile[];
  }

  close() {
    this.child.kill();
  }

  private nextLine(timeoutMs = 5000): Promise<string> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        const message = `no message from the HMR channel in ${timeoutMs} ms`;
        reject(new Error(message));
      }, timeoutMs);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  }
}
