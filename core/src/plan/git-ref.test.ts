import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isCommitSha, isHttpSource, parseGitRef } from './git-ref.ts';

function refOf(source: string) {
  const parsed = parseGitRef(source);
  return parsed.error ?? parsed.ref;
}

test('plain URLs and local paths are not git references', () => {
  for (const source of [
    'https://example.com/',
    'https://example.com/foo',
    'https://example.com/foo.git/',
    'https://example.com/foo.git.bar',
    'http://github.com/docker/docker.git:#branch',
    'custom.xyz/moby/buildkit.git',
    './.git',
    '.git',
    'src/app.tar.gz',
    'ftp://example.com/repo.git',
  ]) {
    assert.equal(parseGitRef(source).ref, undefined, source);
  }
});

test('https://github.com/foo/bar.git#baz/qux:quux/quuz', () => {
  assert.deepEqual(refOf('https://github.com/foo/bar.git#baz/qux:quux/quuz'), {
    remote: 'https://github.com/foo/bar.git',
    scheme: 'https',
    ref: 'baz/qux',
    checksum: '',
    subdir: 'quux/quuz',
    fetchByCommit: false,
    indistinguishableFromLocal: false,
  });
});

test('git://, ssh:// and scp-like remotes need no .git suffix', () => {
  const git = parseGitRef('git://127.0.0.1:9418/repo#main:docs').ref;
  assert.equal(git?.remote, 'git://127.0.0.1:9418/repo');
  assert.equal(git?.scheme, 'git');
  assert.equal(git?.ref, 'main');
  assert.equal(git?.subdir, 'docs');
  const scp = parseGitRef('git@github.com:moby/buildkit#v0.1').ref;
  assert.equal(scp?.remote, 'git@github.com:moby/buildkit');
  assert.equal(scp?.scheme, 'ssh');
  assert.equal(scp?.ref, 'v0.1');
  assert.equal(
    parseGitRef('ssh://git@example.com/repo').ref?.remote,
    'ssh://git@example.com/repo',
  );
  assert.equal(
    parseGitRef('https://foo:bar@github.com/moby/buildkit.git').ref?.remote,
    'https://foo:bar@github.com/moby/buildkit.git',
  );
});

test('the subdir of a fragment is cleaned, a query one is kept', () => {
  assert.equal(
    parseGitRef('https://github.com/docker/docker.git#:/a/../b/').ref?.subdir,
    'b',
  );
  const query = parseGitRef(
    'https://github.com/docker/docker.git?ref=v1.0.0&subdir=/subdir',
  ).ref;
  assert.equal(query?.ref, 'v1.0.0');
  assert.equal(query?.subdir, '/subdir');
});

test('query options: tag, branch, checksum, keep-git-dir', () => {
  const base = 'https://github.com/moby/buildkit.git';
  assert.equal(parseGitRef(`${base}?tag=v1.0.0`).ref?.ref, 'refs/tags/v1.0.0');
  assert.equal(parseGitRef(`${base}?branch=v1.0`).ref?.ref, 'refs/heads/v1.0');
  assert.equal(parseGitRef(`${base}?checksum=abc`).ref?.checksum, 'abc');
  assert.equal(parseGitRef(`${base}?keep-git-dir`).ref?.keepGitDir, true);
  assert.equal(
    parseGitRef(`${base}?keep-git-dir=false`).ref?.keepGitDir,
    false,
  );
  assert.equal(parseGitRef(`${base}?submodules=0`).ref?.submodules, false);
  assert.equal(parseGitRef(`${base}?mtime=commit`).ref?.mtime, 'commit');
});

test('query errors carry BuildKit text and still count as git', () => {
  const base = 'https://github.com/moby/buildkit.git';
  const cases: [string, string][] = [
    [`${base}?ref=v1.0.0#v1.2.3`, 'ref conflicts: "v1.2.3" vs "v1.0.0"'],
    [`${base}?tag=a&branch=b`, 'branch conflicts with tag'],
    [`${base}?ref=`, 'query "ref" has no value'],
    [`${base}?ref=a&ref=b`, 'query "ref" has multiple values'],
    [`${base}?foo=bar`, 'unexpected query "foo"'],
    [`${base}?keep-git-dir=maybe`, 'invalid keep-git-dir value: "maybe"'],
    [
      `${base}?mtime=now`,
      'invalid mtime value: "now" (must be "checkout" or "commit")',
    ],
  ];
  for (const [source, error] of cases) {
    const parsed = parseGitRef(source);
    assert.equal(parsed.isGit, true, source);
    assert.equal(parsed.error, error, source);
  }
});

test('github.com/ paths read as git but stay local for ADD', () => {
  const ref = parseGitRef('github.com/moby/buildkit?tag=v1.0.0').ref;
  assert.equal(ref?.remote, 'github.com/moby/buildkit');
  assert.equal(ref?.ref, 'refs/tags/v1.0.0');
  assert.equal(ref?.indistinguishableFromLocal, true);
});

test('HTTP sources are URLs that are not repositories', () => {
  assert.equal(isHttpSource('https://example.com/a.tar.gz'), true);
  assert.equal(isHttpSource('https://example.com/a.git'), false);
  assert.equal(isHttpSource('git://example.com/a'), false);
  assert.equal(isHttpSource('a.txt'), false);
});

test('commit ids are 40 or 64 lower-case hex digits', () => {
  assert.equal(isCommitSha('a'.repeat(40)), true);
  assert.equal(isCommitSha('a'.repeat(64)), true);
  assert.equal(isCommitSha('A'.repeat(40)), false);
  assert.equal(isCommitSha('a'.repeat(39)), false);
});
