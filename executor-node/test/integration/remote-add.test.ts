// ADD of HTTP URLs (a Node server on 127.0.0.1) and of git repositories
// (Debian's `git daemon` on 127.0.0.1) with real builds: names, modes,
// mtimes, --checksum, --unpack, refs, subdirs, keep-git-dir and the cache.

import assert from 'node:assert/strict';
import {
  execFileSync,
  spawn,
  spawnSync,
  type ChildProcess,
} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { fixtureGit, makeFixtureRepo } from '../../src/remote/fixture-repo.ts';
import { runCli } from './cli-helpers.ts';
import {
  build,
  listFiles,
  read,
  skipReason,
  tempDir,
  testHome,
} from './harness.ts';

const skip = skipReason();
const hasGit = spawnSync('git', ['--version']).status === 0;
const skipGit =
  skip ||
  (!hasGit && process.env.CI !== 'true'
    ? 'needs git (apt-get install git)'
    : false);

const LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT';
const files: Record<string, Buffer> = {};
let web = '';
const server = http.createServer((req, res) => {
  const body = files[req.url ?? ''];
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Last-Modified': LAST_MODIFIED }).end(body);
});

let daemon: ChildProcess | undefined;
let gitUrl = '';
let work = '';
let served = '';
const commits: Record<string, string> = {};

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  web = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  files['/greeting.txt'] = Buffer.from('hello over http\n');
  const packDir = tempDir('pack-');
  fs.writeFileSync(path.join(packDir, 'inside.txt'), 'packed\n');
  files['/pack.tgz'] = execFileSync('tar', [
    '-czf',
    '-',
    '-C',
    packDir,
    'inside.txt',
  ]);
  if (!skipGit) await startGitDaemon();
});

after(() => {
  server.close();
  daemon?.kill();
});

function git(...args: string[]): string {
  return fixtureGit(work)(...args);
}

/** Serves a repository (main, feature, tags v1 and annotated v1a) with git daemon. */
async function startGitDaemon(): Promise<void> {
  const root = tempDir('git-');
  work = path.join(root, 'work');
  Object.assign(commits, makeFixtureRepo(work));
  served = path.join(root, 'serve');
  fs.mkdirSync(served);
  git('clone', '-q', '--bare', work, path.join(root, 'serve/repo.git'));
  git('remote', 'add', 'served', path.join(root, 'serve/repo.git'));

  for (let attempt = 0; attempt < 5 && !gitUrl; attempt++) {
    const port = 20000 + crypto.randomInt(20000);
    const child = spawn(
      'git',
      [
        'daemon',
        '--reuseaddr',
        '--export-all',
        `--base-path=${path.join(root, 'serve')}`,
        '--listen=127.0.0.1',
        `--port=${port}`,
        path.join(root, 'serve'),
      ],
      { stdio: 'ignore' },
    );
    const url = `git://127.0.0.1:${port}/repo.git`;
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (child.exitCode !== null) break;
      if (spawnSync('git', ['ls-remote', url]).status === 0) {
        daemon = child;
        gitUrl = url;
        break;
      }
    }
    if (!gitUrl) child.kill();
  }
  assert.ok(gitUrl, 'git daemon did not start');
}

test(
  'ADD <url>: name from the URL, mode 0600, Last-Modified mtime, no unpacking',
  { skip },
  async () => {
    const sum = crypto
      .createHash('sha256')
      .update(files['/greeting.txt'] as Buffer)
      .digest('hex');
    const { result } = await build(
      [
        'FROM busybox:1.36',
        `ADD ${web}/greeting.txt /a/`,
        `ADD --checksum=sha256:${sum} --chmod=644 --chown=1000:100 ${web}/greeting.txt /b.txt`,
        `ADD ${web}/pack.tgz /c/`,
        `ADD --unpack=true ${web}/pack.tgz /d/`,
        '',
      ].join('\n'),
    );
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs ?? '';
    const stat = (p: string) => fs.statSync(path.join(rootfs, p));
    const mtime = Date.parse(LAST_MODIFIED) / 1000;
    assert.equal(read(rootfs, 'a/greeting.txt'), 'hello over http\n');
    assert.equal(stat('a/greeting.txt').mode & 0o7777, 0o600);
    assert.equal(stat('a/greeting.txt').mtimeMs / 1000, mtime);
    assert.deepEqual(
      [stat('b.txt').mode & 0o7777, stat('b.txt').uid, stat('b.txt').gid],
      [0o644, 1000, 100],
    );
    assert.deepEqual(listFiles(path.join(rootfs, 'c')), ['pack.tgz']);
    assert.deepEqual(listFiles(path.join(rootfs, 'd')), ['inside.txt']);
  },
);

test(
  'ADD --checksum: a wrong digest fails with BuildKit text',
  { skip },
  async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const { result } = await build(
      `FROM busybox:1.36\nADD --checksum=${wrong} ${web}/greeting.txt /g\n`,
    );
    const got = crypto
      .createHash('sha256')
      .update(files['/greeting.txt'] as Buffer)
      .digest('hex');
    assert.equal(
      result.error,
      `failed to solve: digest mismatch for ${web}/greeting.txt: sha256:${got} (expected: ${wrong})`,
    );
    const missing = await build(`FROM busybox:1.36\nADD ${web}/nothing /g\n`);
    assert.equal(
      missing.result.error,
      'failed to solve: invalid response status 404',
    );
  },
);

test(
  'ADD <url> is cached by content: same body cached, new body rebuilt',
  { skip },
  async () => {
    const home = testHome();
    files['/v.txt'] = Buffer.from('one\n');
    const dockerfile = `FROM busybox:1.36\nADD ${web}/v.txt /v.txt\n`;
    await build(dockerfile, {}, { home });
    const same = await build(dockerfile, {}, { home });
    assert.ok(
      same.log.events.some(
        (e) => e.kind === 'vertex-cached' && e.name.includes('ADD'),
      ),
    );
    files['/v.txt'] = Buffer.from('two\n');
    const changed = await build(dockerfile, {}, { home });
    assert.ok(
      !changed.log.events.some(
        (e) => e.kind === 'vertex-cached' && e.name.includes('ADD'),
      ),
    );
    assert.equal(read(changed.result.results[0]?.rootfs, 'v.txt'), 'two\n');
  },
);

test(
  'ADD <git>: default branch, branch, tag subdir, keep-git-dir',
  { skip: skipGit },
  async () => {
    const { result } = await build(
      [
        'FROM busybox:1.36',
        `ADD ${gitUrl} /default`,
        `ADD ${gitUrl}#feature /feature/`,
        `ADD ${gitUrl}#v1:docs /docs`,
        `ADD --keep-git-dir ${gitUrl}#v1a /kept`,
        `ADD --chown=1000:100 ${gitUrl}?branch=feature&subdir=docs/inner /inner`,
        '',
      ].join('\n'),
    );
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs ?? '';
    assert.deepEqual(listFiles(path.join(rootfs, 'default')), [
      'README',
      'docs/inner/a.md',
      'run.sh',
    ]);
    assert.equal(
      fs.statSync(path.join(rootfs, 'default/run.sh')).mode & 0o777,
      0o755,
    );
    assert.deepEqual(listFiles(path.join(rootfs, 'feature')), [
      'README',
      'docs/inner/a.md',
      'feat.txt',
      'run.sh',
    ]);
    assert.deepEqual(listFiles(path.join(rootfs, 'docs')), ['inner/a.md']);
    assert.ok(fs.existsSync(path.join(rootfs, 'kept/.git/HEAD')));
    assert.equal(fs.existsSync(path.join(rootfs, 'default/.git')), false);
    const head = execFileSync(
      'git',
      ['-C', path.join(rootfs, 'kept'), 'rev-parse', 'HEAD'],
      {
        encoding: 'utf8',
      },
    ).trim();
    assert.equal(head, commits.one);
    const inner = fs.statSync(path.join(rootfs, 'inner/a.md'));
    assert.deepEqual([inner.uid, inner.gid], [1000, 100]);
  },
);

test(
  'ADD <git> --checksum and refs that do not exist',
  { skip: skipGit },
  async () => {
    const short = (commits.one as string).slice(0, 10);
    const ok = await build(
      `FROM busybox:1.36\nADD --checksum=${short} ${gitUrl}#v1 /src\n`,
    );
    assert.equal(ok.result.error, undefined);
    const wrong = await build(
      `FROM busybox:1.36\nADD --checksum=0123abc ${gitUrl}#v1 /src\n`,
    );
    assert.equal(
      wrong.result.error,
      `failed to solve: expected checksum to match 0123abc, got ${commits.one}`,
    );
    const missing = await build(`FROM busybox:1.36\nADD ${gitUrl}#nope /src\n`);
    assert.match(
      missing.result.error ?? '',
      /^failed to solve: repository does not contain ref nope, output: ""$/,
    );
  },
);

test(
  'ADD <git> is cached by commit; a new commit rebuilds (CLI)',
  { skip: skipGit },
  async () => {
    const context = tempDir('ctx-');
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      `FROM busybox:1.36\nADD ${gitUrl}#main /src\n`,
    );
    const env = { SLIPWAY_HOME: testHome() };
    const out = tempDir('out-');
    const cli = () =>
      runCli(['build', '--progress', 'plain', '-o', out, context], { env });
    const first = await cli();
    assert.equal(first.status, 0, first.stderr);
    assert.doesNotMatch(first.stderr, /load build context/);
    const second = await cli();
    assert.match(second.stderr, /ADD git:\/\/[^\n]*\n#\d+ CACHED/);

    fs.writeFileSync(path.join(work, 'new.txt'), 'new\n');
    git('add', '-A');
    git('commit', '-qm', 'new');
    git('push', '-q', 'served', 'main');
    const third = await cli();
    assert.equal(third.status, 0, third.stderr);
    assert.doesNotMatch(third.stderr, /ADD git:\/\/[^\n]*\n#\d+ CACHED/);
    assert.equal(
      fs.readFileSync(path.join(out, 'src/new.txt'), 'utf8'),
      'new\n',
    );
  },
);

test(
  'ADD <git> checks out submodules unless ?submodules=false',
  { skip: skipGit },
  async () => {
    // A repository whose submodule is served by the same daemon.
    const base = gitUrl.replace(/repo\.git$/, '');
    const sub = path.join(tempDir('sub-'), 'sub');
    execFileSync('git', ['init', '-q', '-b', 'main', sub]);
    fs.writeFileSync(path.join(sub, 's.txt'), 'from the submodule\n');
    const inSub = (...args: string[]) =>
      execFileSync('git', [
        '-C',
        sub,
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@example.com',
        ...args,
      ]);
    inSub('add', '-A');
    inSub('commit', '-qm', 'sub');
    execFileSync('git', [
      'clone',
      '-q',
      '--bare',
      sub,
      path.join(served, 'sub.git'),
    ]);
    const top = path.join(tempDir('top-'), 'top');
    execFileSync('git', ['init', '-q', '-b', 'main', top]);
    const inTop = (...args: string[]) =>
      execFileSync('git', [
        '-C',
        top,
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@example.com',
        ...args,
      ]);
    fs.writeFileSync(path.join(top, 'top.txt'), 'top\n');
    inTop('submodule', 'add', '-q', `${base}sub.git`, 'lib');
    inTop('add', '-A');
    inTop('commit', '-qm', 'top');
    execFileSync('git', [
      'clone',
      '-q',
      '--bare',
      top,
      path.join(served, 'top.git'),
    ]);

    const { result } = await build(
      [
        'FROM busybox:1.36',
        `ADD ${base}top.git /with`,
        `ADD ${base}top.git?submodules=false /without`,
        '',
      ].join('\n'),
    );
    assert.equal(result.error, undefined);
    const rootfs = result.results[0]?.rootfs ?? '';
    assert.equal(read(rootfs, 'with/lib/s.txt'), 'from the submodule\n');
    assert.deepEqual(fs.readdirSync(path.join(rootfs, 'without/lib')), []);
  },
);
