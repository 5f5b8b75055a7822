// SSH agents for --ssh with Debian's ssh-agent, ssh-add and ssh-keygen, and
// the read-only proxy socket a RUN step gets.

import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { startAgentProxy } from './agent-proxy.ts';
import { parseSshSpec, SshAgents } from './ssh-agents.ts';

const tools = ['ssh-agent', 'ssh-add', 'ssh-keygen'];
const missing = tools.filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);
const skip =
  missing.length > 0 && process.env.CI !== 'true'
    ? `needs ${missing.join(', ')} (apt-get install openssh-client)`
    : false;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-agents-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function keyPair(name: string): { key: string; pub: string } {
  const key = path.join(dir, name);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    name,
    '-f',
    key,
  ]);
  return { key, pub: fs.readFileSync(`${key}.pub`, 'utf8').trim() };
}

/** Runs ssh-add without blocking: the proxy answers from this process. */
function sshAdd(
  socket: string,
  ...args: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'ssh-add',
      args,
      { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: socket } },
      (error, stdout, stderr) => {
        const status = error ? Number(error.code ?? 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

test('--ssh values: ID[=PATH[,PATH]]', () => {
  assert.deepEqual(parseSshSpec('default'), { id: 'default', paths: [] });
  assert.deepEqual(parseSshSpec('work=/a,/b'), {
    id: 'work',
    paths: ['/a', '/b'],
  });
});

test(
  'key files load into a private agent; the proxy only lists and signs',
  { skip },
  async () => {
    const one = keyPair('one');
    const agents = await SshAgents.fromFlags([`default=${one.key}`], {});
    try {
      const socket = agents.socketOf('default');
      assert.ok(socket && fs.statSync(socket).isSocket());
      assert.equal(agents.socketOf('other'), undefined);

      const proxyPath = path.join(dir, 'proxy.sock');
      const proxy = await startAgentProxy(socket, proxyPath, {
        uid: 0,
        gid: 0,
        mode: 0o600,
      });
      try {
        assert.equal(fs.statSync(proxyPath).mode & 0o777, 0o600);
        const listed = await sshAdd(proxyPath, '-L');
        assert.equal(listed.status, 0, listed.stderr);
        assert.equal(listed.stdout.trim(), one.pub);

        const two = keyPair('two');
        const added = await sshAdd(proxyPath, two.key);
        assert.notEqual(added.status, 0);
        const removed = await sshAdd(proxyPath, '-D');
        assert.notEqual(removed.status, 0);
        // The real agent still holds exactly the one key.
        assert.equal((await sshAdd(socket, '-L')).stdout.trim(), one.pub);
      } finally {
        await proxy.close();
      }
      assert.equal(fs.existsSync(proxyPath), false);
    } finally {
      agents.close();
    }
  },
);

test(
  'a socket is used as it is; SSH_AUTH_SOCK is the default',
  { skip },
  async () => {
    const one = keyPair('three');
    const keys = await SshAgents.fromFlags([`default=${one.key}`], {});
    try {
      const socket = keys.socketOf('default') as string;
      const bySocket = await SshAgents.fromFlags([`work=${socket}`], {});
      assert.equal(bySocket.socketOf('work'), socket);
      const byEnv = await SshAgents.fromFlags(['default'], {
        SSH_AUTH_SOCK: socket,
      });
      assert.equal(byEnv.socketOf(''), socket);
      await assert.rejects(
        SshAgents.fromFlags([`a=${socket}`, `a=${socket}`], {}),
        new Error('duplicate agent ID "a"'),
      );
    } finally {
      keys.close();
    }
  },
);

test('unusable --ssh values fail with buildx text', async () => {
  await assert.rejects(
    SshAgents.fromFlags(['default'], {}),
    new Error(
      'failed to convert agent config {default [] false}: invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set',
    ),
  );
  const gone = path.join(dir, 'gone');
  await assert.rejects(
    SshAgents.fromFlags([`x=${gone}`], {}),
    new Error(
      `failed to convert agent config {x [${gone}] false}: failed to convert agent config for ID: "x": stat ${gone}: no such file or directory`,
    ),
  );
});

test('a file that is no key fails to load', { skip }, async () => {
  const bogus = path.join(dir, 'bogus');
  fs.writeFileSync(bogus, 'not a key\n');
  await assert.rejects(
    SshAgents.fromFlags([`default=${bogus}`], {}),
    /failed to convert agent config for ID: "default": failed to add /,
  );
});
