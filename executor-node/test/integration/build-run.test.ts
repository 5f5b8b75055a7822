// Real builds with crun over busybox from the built-in store: RUN writes
// files, failures read as BuildKit's, steps are cached, user and env apply.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { build, read, skipReason, testHome } from './harness.ts';

const skip = skipReason();

test(
  'RUN echo hi > /hello writes the file into the result',
  { skip },
  async () => {
    const { result, log } = await build(
      'FROM busybox:1.36\nRUN echo hi > /hello\n',
    );

    assert.equal(result.error, undefined);
    assert.equal(result.ok, true);
    const [only] = result.results;
    assert.equal(read(only?.rootfs, 'hello'), 'hi\n');
    assert.ok(only?.config.env.some((e) => e.startsWith('PATH=')));
    assert.deepEqual(only?.config.cmd, ['sh']);
    assert.ok(log.events.some((e) => e.kind === 'vertex-done'));
  },
);

test('RUN exit 3 fails with BuildKit text', { skip }, async () => {
  const { result, log } = await build(
    'FROM busybox:1.36\nRUN echo before; exit 3\n',
  );

  assert.equal(result.ok, false);
  assert.equal(
    result.error,
    'failed to solve: process "/bin/sh -c echo before; exit 3" did not complete successfully: exit code: 3',
  );
  assert.match(log.output(), /^before$/m);
  const error = log.events.find((e) => e.kind === 'vertex-error');
  assert.ok(error?.kind === 'vertex-error');
  assert.match(error.error, /^process "\/bin\/sh -c echo before; exit 3"/);
});

test(
  'a second build is all cached; --no-cache runs again',
  { skip },
  async () => {
    const home = testHome();
    const dockerfile = [
      'FROM busybox:1.36',
      'WORKDIR /work',
      'RUN cat /proc/sys/kernel/random/uuid > stamp',
      '',
    ].join('\n');
    const first = await build(dockerfile, {}, { home });
    const stamp = read(first.result.results[0]?.rootfs, 'work/stamp');

    const second = await build(dockerfile, {}, { home });
    assert.equal(second.result.ok, true);
    assert.equal(read(second.result.results[0]?.rootfs, 'work/stamp'), stamp);
    const kinds = second.log.events.map((e) => e.kind);
    assert.equal(kinds.filter((k) => k === 'vertex-cached').length, 3);
    assert.ok(
      second.log.events.every(
        (e) => e.kind !== 'vertex-start' || /load metadata/.test(e.name),
      ),
    );

    const third = await build(dockerfile, {}, { home, noCache: true });
    assert.notEqual(read(third.result.results[0]?.rootfs, 'work/stamp'), stamp);
  },
);

test(
  'RUN runs as USER in the working directory with the env',
  { skip },
  async () => {
    const { result } = await build(
      [
        'FROM busybox:1.36',
        'ENV GREETING=hello',
        'WORKDIR /srv/app',
        'USER nobody',
        'RUN echo "$GREETING $(id -u):$(id -g) $(pwd)" > /tmp/out',
        '',
      ].join('\n'),
    );
    assert.equal(result.error, undefined);
    const [only] = result.results;
    assert.equal(read(only?.rootfs, 'tmp/out'), 'hello 65534:65534 /srv/app\n');
    assert.ok(only?.runEnv?.includes('GREETING=hello'));
    assert.equal(only?.config.user, 'nobody');
    const hosts = path.join(only?.rootfs ?? '', 'etc/hosts');
    assert.equal(fs.existsSync(hosts), false, 'no mount point left behind');
  },
);

test(
  'a RUN started from facts kept beside its parent runs as it did the first time',
  { skip },
  async () => {
    const home = testHome();
    const dockerfile = (file: string) =>
      [
        'FROM busybox:1.36',
        'WORKDIR /srv/app',
        'USER nobody',
        `RUN echo "$(id -u):$(id -g) $(pwd)" > /tmp/${file}`,
        '',
      ].join('\n');
    const first = await build(dockerfile('out'), {}, { home });
    assert.equal(first.result.error, undefined);
    // The WORKDIR step's snapshot now holds what the RUN learned on mounting.
    const facts = findFiles(path.join(home, 'snapshots/v'), 'root-facts.json');
    assert.equal(facts.length, 1);
    const kept = JSON.parse(fs.readFileSync(facts[0] as string, 'utf8'));
    assert.deepEqual(kept.users.nobody, {
      uid: 65534,
      gid: 65534,
      additionalGids: [],
    });
    assert.equal(kept.dirs['/srv/app'], true);
    // busybox has no /etc/hosts: the runtime makes a mount point for it.
    assert.equal(kept.paths['/etc/hosts'].path, '/etc/hosts');
    const learned = fs.statSync(facts[0] as string).mtimeMs;

    // A new RUN over the cached WORKDIR step starts from those facts.
    const second = await build(dockerfile('again'), {}, { home });
    assert.equal(second.result.error, undefined);
    const [only] = second.result.results;
    assert.equal(read(only?.rootfs, 'tmp/again'), '65534:65534 /srv/app\n');
    assert.equal(fs.statSync(facts[0] as string).mtimeMs, learned);
    const hosts = path.join(only?.rootfs ?? '', 'etc/hosts');
    assert.equal(fs.existsSync(hosts), false, 'no mount point left behind');
  },
);

test('USER that does not exist fails as BuildKit does', { skip }, async () => {
  const { result } = await build('FROM busybox:1.36\nUSER ghost\nRUN true\n');
  assert.equal(result.ok, false);
  assert.match(
    result.error ?? '',
    /unable to find user ghost: no matching entries in passwd file/,
  );
});

function findFiles(dir: string, name: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((rel) => path.basename(rel) === name)
    .map((rel) => path.join(dir, rel));
}
