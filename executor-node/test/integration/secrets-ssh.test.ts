// RUN --mount=type=secret and type=ssh with real crun builds: secret files
// and env vars that never reach a layer, the cache or the recorded env, and
// an agent that a real ssh-add inside the container lists keys from.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import zlib from 'node:zlib';

import { SecretStore } from '../../src/session/secret-store.ts';
import { SshAgents } from '../../src/session/ssh-agents.ts';
import { runCli } from './cli-helpers.ts';
import { build, read, skipReason, tempDir, testHome } from './harness.ts';

const skip = skipReason();
const hasSshTools = ['ssh-agent', 'ssh-add', 'ssh-keygen'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);
const skipSsh =
  skip ||
  (!hasSshTools && process.env.CI !== 'true'
    ? 'needs openssh-client (apt-get install openssh-client)'
    : false);

/** Returns every file under `dir` whose bytes (gunzipped if gzip) contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) walk(file);
      if (!entry.isFile()) continue;
      let bytes = fs.readFileSync(file);
      if (bytes[0] === 0x1f && bytes[1] === 0x8b)
        bytes = zlib.gunzipSync(bytes);
      if (bytes.includes(needle)) found.push(file);
    }
  };
  walk(dir);
  return found;
}

test(
  'RUN --mount=type=secret: files and env vars, never in a layer, the cache or the env',
  { skip },
  async () => {
    const fileValue = `file-secret-${crypto.randomBytes(8).toString('hex')}`;
    const envValue = `env-secret-${crypto.randomBytes(8).toString('hex')}`;
    const secretFile = path.join(tempDir('secret-'), 'token');
    fs.writeFileSync(secretFile, fileValue);
    const secrets = SecretStore.fromFlags(
      [`id=token,src=${secretFile}`, 'id=api,env=SLIPWAY_TEST_API'],
      { SLIPWAY_TEST_API: envValue },
    );
    const home = testHome();
    const out = tempDir('oci-');
    const { result, log } = await build(
      [
        'FROM busybox:1.36',
        "RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -c1-64 > /seen && stat -c '%a %u %g' /run/secrets/token > /mode",
        'RUN --mount=type=secret,id=token,target=/etc/app/key,uid=1000,gid=100,mode=0440 \\',
        "    stat -c '%a %u %g' /etc/app/key > /mode2 && (echo x > /etc/app/key || echo read-only > /ro)",
        'RUN --mount=type=secret,id=api,env=API printf %s "$API" | sha256sum | cut -c1-64 > /envsum && test ! -e /run/secrets/api && echo no-file > /nofile',
        '',
      ].join('\n'),
      { outputs: [`type=oci,dest=${out},tar=false`] },
      { home, session: { secrets } },
    );
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs;
    const digest = crypto.createHash('sha256').update(fileValue).digest('hex');
    assert.equal(read(rootfs, 'seen'), `${digest}\n`);
    assert.equal(read(rootfs, 'mode'), '400 0 0\n');
    assert.equal(read(rootfs, 'mode2'), '440 1000 100\n');
    assert.equal(read(rootfs, 'ro'), 'read-only\n');
    const envDigest = crypto
      .createHash('sha256')
      .update(envValue)
      .digest('hex');
    assert.equal(read(rootfs, 'envsum'), `${envDigest}\n`);
    assert.equal(read(rootfs, 'nofile'), 'no-file\n');
    // Mount points the runtime made are gone with the secrets.
    assert.equal(fs.existsSync(path.join(rootfs ?? '', 'run/secrets')), false);
    assert.equal(fs.existsSync(path.join(rootfs ?? '', 'etc/app')), false);

    // BuildKit shows env secrets as **** in the step name.
    const names = log.events.flatMap((e) =>
      e.kind === 'vertex-start' ? [e.name] : [],
    );
    assert.ok(
      names.some((n) => n.includes('printf %s "****" | sha256sum')),
      names.join('\n'),
    );
    assert.ok(!result.results[0]?.runEnv?.some((e) => e.includes(envValue)));
    for (const value of [fileValue, envValue]) {
      assert.deepEqual(filesContaining(out, value), [], 'a layer holds it');
      assert.deepEqual(filesContaining(path.join(home, 'records'), value), []);
    }
    assert.deepEqual(
      fs.readdirSync('/dev/shm').filter((n) => n.startsWith('slipway-')),
      [],
    );

    // The cache key has no secret content: a new value reuses the steps.
    fs.writeFileSync(secretFile, 'another value');
    const again = await build(
      "FROM busybox:1.36\nRUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -c1-64 > /seen && stat -c '%a %u %g' /run/secrets/token > /mode\n",
      {},
      { home, session: { secrets } },
    );
    assert.ok(
      again.log.events.some(
        (e) => e.kind === 'vertex-cached' && e.name.includes('RUN'),
      ),
    );
  },
);

test(
  'a required secret that was not given stops with BuildKit text',
  { skip },
  async () => {
    const { result } = await build(
      'FROM busybox:1.36\nRUN --mount=type=secret,id=npmrc,required=true true\n',
      {},
      { session: { secrets: SecretStore.fromFlags([], {}) } },
    );
    assert.equal(result.error, 'failed to solve: secret npmrc: not found');
  },
);

/** Copies ssh-add and the libraries it loads into `dir`; returns the loader's name. */
function copySshAdd(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const ldd = execFileSync('ldd', ['/usr/bin/ssh-add'], { encoding: 'utf8' });
  const files = ['/usr/bin/ssh-add', ...(ldd.match(/\/\S+/g) ?? [])];
  let loader = '';
  for (const file of files) {
    const name = path.basename(file);
    fs.copyFileSync(fs.realpathSync(file), path.join(dir, name));
    fs.chmodSync(path.join(dir, name), 0o755);
    if (name.startsWith('ld-linux')) loader = name;
  }
  return loader;
}

test(
  'RUN --mount=type=ssh: ssh-add in the container lists the key and cannot remove it',
  { skip: skipSsh },
  async () => {
    const keyDir = tempDir('ssh-key-');
    const key = path.join(keyDir, 'id_ed25519');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'slipway-test',
      '-f',
      key,
    ]);
    const pub = fs.readFileSync(`${key}.pub`, 'utf8').trim();
    const context = tempDir('ctx-');
    const loader = copySshAdd(path.join(context, 'tools'));
    const sshAdd = `/tools/${loader} --library-path /tools /tools/ssh-add`;
    const ssh = await SshAgents.fromFlags([`default=${key}`], {});
    try {
      const { result } = await build(
        [
          'FROM busybox:1.36',
          'RUN --mount=type=ssh --mount=type=bind,source=tools,target=/tools \\',
          `    echo "$SSH_AUTH_SOCK" > /sock && ${sshAdd} -L > /keys && \\`,
          `    { ${sshAdd} -D 2>/dev/null; echo "delete=$?" > /delete; }`,
          'RUN --mount=type=ssh,target=/agent,uid=1000,gid=100,mode=0660 \\',
          "    test -S /agent && stat -c '%a %u %g' /agent > /agent-mode",
          '',
        ].join('\n'),
        {},
        { contextDir: context, session: { ssh } },
      );
      assert.equal(result.error, undefined);
      const rootfs = result.results[0]?.rootfs;
      assert.equal(read(rootfs, 'sock'), '/run/buildkit/ssh_agent.0\n');
      assert.equal(read(rootfs, 'keys').trim(), pub);
      assert.equal(read(rootfs, 'delete'), 'delete=1\n');
      assert.equal(read(rootfs, 'agent-mode'), '660 1000 100\n');
      assert.equal(
        fs.existsSync(path.join(rootfs ?? '', 'run/buildkit')),
        false,
      );
    } finally {
      ssh.close();
    }
  },
);

test(
  'slipway build --secret and --ssh, and their errors',
  { skip: skipSsh },
  async () => {
    const context = tempDir('ctx-');
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      [
        'FROM busybox:1.36',
        'RUN --mount=type=secret,id=tok,env=TOK --mount=type=ssh,required \\',
        '    test -S "$SSH_AUTH_SOCK" && echo "${#TOK}" > /len',
        '',
      ].join('\n'),
    );
    const key = path.join(tempDir('ssh-key-'), 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const out = tempDir('out-');
    const env = { SLIPWAY_HOME: testHome(), TOK: 'abcdef' };
    const cli = (...flags: string[]) =>
      runCli(['build', '--progress', 'plain', ...flags, context], { env });
    const ok = await cli(
      '--secret',
      'id=tok,env=TOK',
      '--ssh',
      `default=${key}`,
      '-o',
      out,
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(fs.readFileSync(path.join(out, 'len'), 'utf8'), '6\n');
    assert.match(
      ok.stderr,
      /RUN --mount=type=secret,id=tok,env=TOK --mount=type=ssh,required/,
    );

    const noAgent = await cli('--no-cache');
    assert.equal(noAgent.status, 1);
    assert.match(
      noAgent.stderr,
      /ERROR: failed to solve: no SSH key "" forwarded from the client\n$/,
    );
    const otherId = await cli('--no-cache', '--ssh', `other=${key}`);
    assert.match(
      otherId.stderr,
      /ERROR: failed to solve: unset ssh forward key default\n$/,
    );
    const badFile = await cli('--secret', 'id=x,src=/nonexistent/x');
    assert.equal(badFile.status, 1);
    assert.match(
      badFile.stderr,
      /ERROR: failed to stat \/nonexistent\/x: stat \/nonexistent\/x: no such file or directory\n$/,
    );
  },
);
