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

/** One `#N name` block of plain progress: its number, name and other rows. */
interface Block {
  index: number;
  name: string;
  rows: string[];
}

/** Splits plain progress into its blocks, in the order they were printed. */
function blocksOf(stderr: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of stderr.split('\n\n')) {
    const [head = '', ...rest] = chunk.split('\n');
    const match = /^#(\d+) (.*)$/.exec(head);
    if (!match) continue;
    const rows = rest
      .filter((row) => row.startsWith(`#${match[1]} `))
      .map((row) => row.slice(match[1]!.length + 2));
    blocks.push({ index: Number(match[1]), name: match[2]!, rows });
  }
  return blocks;
}

/** The blocks printed under a step's name: its source rows, then the step. */
function stepBlocks(stderr: string, name: string): Block[] {
  return blocksOf(stderr).filter((b) => b.name === name);
}

/**
 * Builds once and returns the output with the step's one source row and the
 * step's row, which must follow it.
 */
async function firstBuild(
  cli: ReturnType<typeof cliBuilder>,
  dockerfile: string,
  name: string,
) {
  const first = await cli(dockerfile);
  assert.equal(first.status, 0, first.stderr);
  const [source, step, ...more] = stepBlocks(first.stderr, name);
  assert.deepEqual(more, []);
  assert.ok(source && step, first.stderr);
  assert.equal(step.index, source.index + 1);
  return { first, source, step };
}

/** Builds a context with the CLI in plain progress, in one Slipway home. */
function cliBuilder() {
  const context = tempDir('ctx-');
  const env = { SLIPWAY_HOME: testHome() };
  const out = tempDir('out-');
  return (dockerfile: string, progress = 'plain') => {
    fs.writeFileSync(path.join(context, 'Dockerfile'), dockerfile);
    return runCli(['build', '--progress', progress, '-o', out, context], {
      env,
    });
  };
}

test(
  'plain progress: an ADD URL is fetched on a row of its own before its step (CLI)',
  { skip },
  async () => {
    files['/rows.txt'] = Buffer.from('rows\n');
    const cli = cliBuilder();
    const name = `[2/2] ADD ${web}/rows.txt /r.txt`;
    const dockerfile = `FROM busybox:1.36\nADD ${web}/rows.txt /r.txt\n`;

    const { first, source, step } = await firstBuild(cli, dockerfile, name);
    assert.match(source.rows.join('\n'), /^DONE \d+\.\ds$/);
    assert.match(step.rows.join('\n'), /^DONE \d+\.\ds$/);
    const fromBlock = blocksOf(first.stderr).find((b) =>
      b.name.startsWith('[1/2] FROM '),
    );
    assert.ok(fromBlock && fromBlock.index < source.index, first.stderr);

    // A rebuild asks the server again (a DONE row); the step is reused.
    const again = await cli(dockerfile);
    const rebuilt = stepBlocks(again.stderr, name);
    assert.deepEqual(
      rebuilt.map((b) => b.rows.join(' ').replace(/\d+\.\ds/, 'T')),
      ['DONE T', 'CACHED'],
      again.stderr,
    );

    // A new step over a body fetched before: the source is CACHED.
    const changed = `FROM busybox:1.36\nADD --chmod=644 ${web}/rows.txt /r.txt\n`;
    const third = await cli(changed);
    assert.equal(third.status, 0, third.stderr);
    const chmodName = `[2/2] ADD --chmod=644 ${web}/rows.txt /r.txt`;
    assert.deepEqual(
      stepBlocks(third.stderr, chmodName).map((b) => b.rows[0]?.slice(0, 4)),
      ['CACH', 'DONE'],
      third.stderr,
    );

    // rawjson carries the source as its own vertex, done before the step starts.
    const raw = await cli(changed, 'rawjson');
    const vertexes = raw.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => JSON.parse(line).vertexes ?? [])
      .filter((v: { name?: string }) => v.name === chmodName);
    const digests = [...new Set(vertexes.map((v) => v.digest))];
    assert.equal(digests.length, 2, raw.stderr);
    const sourceEnd = vertexes.find(
      (v) => v.digest === digests[0] && v.completed,
    );
    assert.ok(sourceEnd, raw.stderr);
    const stepStart = vertexes.find((v) => v.digest === digests[1]);
    assert.ok(stepStart?.inputs?.includes(digests[0]), raw.stderr);
    assert.ok(stepStart.started >= sourceEnd.completed, raw.stderr);
  },
);

test(
  'plain progress: a failed fetch is an ERROR row; the step never starts (CLI)',
  { skip },
  async () => {
    const cli = cliBuilder();
    const name = `[2/2] ADD ${web}/absent.txt /a`;
    const run = await cli(`FROM busybox:1.36\nADD ${web}/absent.txt /a\n`);
    assert.equal(run.status, 1);
    const blocks = stepBlocks(run.stderr, name);
    assert.deepEqual(
      blocks.map((b) => b.rows),
      [['ERROR: invalid response status 404']],
      run.stderr,
    );
    assert.ok(
      run.stderr.endsWith(
        `------\n > ${name}:\n------\nERROR: failed to solve: invalid response status 404\n`,
      ),
      run.stderr,
    );
  },
);

test(
  'plain progress: an ADD repository resolves and fetches on its own row, with git output (CLI)',
  { skip: skipGit },
  async () => {
    const cli = cliBuilder();
    const name = `[2/2] ADD ${gitUrl}#v1 /src`;
    const dockerfile = `FROM busybox:1.36\nADD ${gitUrl}#v1 /src\n`;

    const { first, source, step } = await firstBuild(cli, dockerfile, name);
    // ls-remote's answer and the fetch's report are the row's log rows.
    const logs = source.rows.slice(0, -1).join('\n');
    assert.match(
      logs,
      new RegExp(`^\\d\\.\\d{3} ${commits.one}\trefs/tags/v1$`, 'm'),
    );
    assert.match(logs, /^\d\.\d{3} From git:\/\/127\.0\.0\.1/m);
    assert.match(source.rows.at(-1) ?? '', /^DONE \d+\.\ds$/);
    assert.match(step.rows.join('\n'), /^DONE \d+\.\ds$/);

    const again = await cli(dockerfile);
    const rebuilt = stepBlocks(again.stderr, name);
    assert.deepEqual(
      rebuilt.map((b) => b.rows.at(-1)?.replace(/\d+\.\ds/, 'T')),
      ['DONE T', 'CACHED'],
      again.stderr,
    );
    assert.doesNotMatch(rebuilt[0]?.rows.join('\n') ?? '', /From git:/);

    const missing = await cli(`FROM busybox:1.36\nADD ${gitUrl}#nope /src\n`);
    assert.equal(missing.status, 1);
    const failed = stepBlocks(missing.stderr, `[2/2] ADD ${gitUrl}#nope /src`);
    assert.equal(failed.length, 1, missing.stderr);
    assert.equal(
      failed[0]?.rows.at(-1),
      'ERROR: repository does not contain ref nope, output: ""',
    );
  },
);
