// ADD's git sources against a real repository (Debian's git, file:// remote):
// ref resolution, checksums, subdirs, keep-git-dir and commit mtimes.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import type { GitRef } from '../../../core/src/index.ts';
import { makeFixtureRepo } from './fixture-repo.ts';
import { GitSource } from './git-source.ts';

const hasGit = spawnSync('git', ['--version']).status === 0;
const skip =
  !hasGit && process.env.CI !== 'true'
    ? 'needs git (apt-get install git)'
    : false;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'git-source-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/** Makes a repository: main (2 commits), feature, tag v1, annotated v1a. */
function makeRepo(): { remote: string; commits: Record<string, string> } {
  const work = path.join(dir, 'work');
  const { one, two, feature } = makeFixtureRepo(work, { second: true });
  const bare = path.join(dir, 'repo.git');
  execFileSync('git', ['clone', '-q', '--bare', work, bare]);
  const tag = execFileSync('git', ['-C', bare, 'rev-parse', 'v1a'], {
    encoding: 'utf8',
  }).trim();
  return {
    remote: `file://${bare}`,
    commits: { one: one!, two: two!, feature: feature!, tag },
  };
}

const repo = hasGit ? makeRepo() : { remote: '', commits: {} };
const { commits } = repo;

function refTo(ref = '', more: Partial<GitRef> = {}): GitRef {
  return {
    remote: repo.remote,
    scheme: 'git',
    ref,
    checksum: '',
    subdir: '',
    fetchByCommit: false,
    indistinguishableFromLocal: false,
    ...more,
  };
}

function listFiles(root: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(root, rel), { withFileTypes: true })
    .flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory()
        ? [`${child}/`, ...listFiles(root, child)]
        : [child];
    })
    .sort();
}

test('refs resolve as BuildKit resolves them', { skip }, async () => {
  const source = new GitSource(path.join(dir, 'cache1'));
  const head = await source.resolve(refTo(), {});
  assert.equal(head.usedRef, 'refs/heads/main');
  assert.equal(head.sha, commits.two);
  const feature = await source.resolve(refTo('feature'), {});
  assert.equal(feature.usedRef, 'refs/heads/feature');
  assert.equal(feature.sha, commits.feature);
  const tag = await source.resolve(refTo('v1'), {});
  assert.equal(tag.usedRef, 'refs/tags/v1');
  assert.equal(tag.sha, commits.one);
  // An annotated tag keys by its commit unless .git is kept.
  const annotated = await source.resolve(refTo('v1a'), {});
  assert.equal(annotated.sha, commits.tag);
  assert.equal(annotated.commit, commits.one);
  assert.equal(source.key(annotated), commits.one);
  const kept = await source.resolve(refTo('v1a'), { keepGitDir: true });
  assert.equal(source.key(kept), `${commits.tag}.git#refs/tags/v1a`);
  const byId = await source.resolve(refTo(commits.one), {});
  assert.equal(byId.sha, commits.one);
  assert.equal(
    source.key({ ...byId, ref: { ...byId.ref, subdir: 'docs' } }),
    `${commits.one}:docs`,
  );
});

test(
  'checksums are commit prefixes, checked with BuildKit text',
  { skip },
  async () => {
    const source = new GitSource(path.join(dir, 'cache2'));
    const short = (commits.two as string).slice(0, 7);
    const ok = await source.resolve(refTo('main'), { checksum: short });
    assert.equal(ok.sha, commits.two);
    await assert.rejects(
      source.resolve(refTo('main'), { checksum: 'abcdef0' }),
      new Error(`expected checksum to match abcdef0, got ${commits.two}`),
    );
    await assert.rejects(
      source.resolve(refTo('main'), { checksum: 'sha256:abc' }),
      new Error(
        'invalid checksum sha256:abc for Git URL, expected hex commit hash',
      ),
    );
    await assert.rejects(
      source.resolve(refTo('nope'), {}),
      /^Error: repository does not contain ref nope, output: ""$/,
    );
  },
);

test(
  'checkout: files, subdir, keep-git-dir, commit mtimes',
  { skip },
  async () => {
    const source = new GitSource(path.join(dir, 'cache3'));
    const scratch = fs.mkdtempSync(path.join(dir, 'scratch-'));

    const main = await source.resolve(refTo(), {});
    const plain = await source.checkout(main, scratch);
    assert.deepEqual(listFiles(plain), [
      'README',
      'docs/',
      'docs/inner/',
      'docs/inner/a.md',
      'run.sh',
      'two.txt',
    ]);
    assert.equal(fs.statSync(path.join(plain, 'run.sh')).mode & 0o777, 0o755);
    assert.equal(fs.statSync(path.join(plain, 'README')).mode & 0o777, 0o644);

    const docs = await source.resolve(refTo('v1', { subdir: 'docs' }), {});
    assert.deepEqual(listFiles(await source.checkout(docs, scratch)), [
      'inner/',
      'inner/a.md',
    ]);

    const kept = await source.resolve(refTo('feature'), { keepGitDir: true });
    const withGit = await source.checkout(kept, scratch);
    assert.ok(fs.existsSync(path.join(withGit, 'feat.txt')));
    const head = execFileSync('git', ['-C', withGit, 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
    }).trim();
    assert.equal(head, commits.feature);
    const origin = execFileSync(
      'git',
      ['-C', withGit, 'remote', 'get-url', 'origin'],
      { encoding: 'utf8' },
    ).trim();
    assert.equal(origin, repo.remote);

    const timed = await source.resolve(refTo('v1', { mtime: 'commit' }), {});
    const stamped = await source.checkout(timed, scratch);
    const when = Date.parse('2020-01-02T03:04:05Z') / 1000;
    assert.equal(
      fs.statSync(path.join(stamped, 'README')).mtimeMs / 1000,
      when,
    );

    const file = await source.resolve(refTo('main', { subdir: 'README' }), {});
    await assert.rejects(
      source.checkout(file, scratch),
      new Error(
        'invalid subdir README: git subpath "README" contains non-directory "README"',
      ),
    );
  },
);

test(
  'prefetch reports a commit held from before; git output reaches the log',
  { skip },
  async () => {
    const cache = path.join(dir, 'cache4');
    const output = { 1: '', 2: '' };
    const log = (stream: 1 | 2, data: string) => (output[stream] += data);
    const first = new GitSource(cache);
    const v1 = await first.resolve(refTo('v1'), {}, log);
    assert.equal(output[1], `${commits.one}\trefs/tags/v1\n`);
    assert.equal(await first.prefetch(v1, log), false);
    assert.match(output[2], /^From file:\/\//m);

    // A later build (a new source) finds the commit in the shared repository.
    const later = new GitSource(cache);
    assert.equal(
      await later.prefetch(await later.resolve(refTo('v1'), {})),
      true,
    );
  },
);
