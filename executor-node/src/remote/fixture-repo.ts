// A small git repository for the tests of ADD's git sources: fixed author
// and dates, main with a tag and an annotated tag, and a feature branch.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Returns a git runner for `work` with a fixed author and commit date. */
export function fixtureGit(work: string): (...args: string[]) => string {
  return (...args) =>
    execFileSync('git', ['-C', work, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
        GIT_COMMITTER_DATE: '2020-01-02T03:04:05Z',
        GIT_AUTHOR_DATE: '2020-01-02T03:04:05Z',
      },
    }).trim();
}

/**
 * Makes the repository in `work`: commit `one` (README, docs/inner/a.md, an
 * executable run.sh; tags v1 and annotated v1a), with `second` a commit
 * `two` on main, then branch `feature` adding feat.txt; main is checked out.
 */
export function makeFixtureRepo(
  work: string,
  { second = false } = {},
): Record<string, string> {
  const git = fixtureGit(work);
  fs.mkdirSync(path.join(work, 'docs/inner'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  fs.writeFileSync(path.join(work, 'README'), 'readme\n');
  fs.writeFileSync(path.join(work, 'docs/inner/a.md'), 'doc\n');
  fs.writeFileSync(path.join(work, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
  git('add', '-A');
  git('commit', '-qm', 'one');
  git('tag', 'v1');
  git('tag', '-a', 'v1a', '-m', 'annotated');
  const commits: Record<string, string> = { one: git('rev-parse', 'HEAD') };
  if (second) {
    fs.writeFileSync(path.join(work, 'two.txt'), 'two\n');
    git('add', '-A');
    git('commit', '-qm', 'two');
    commits.two = git('rev-parse', 'HEAD');
  }
  git('checkout', '-qb', 'feature');
  fs.writeFileSync(path.join(work, 'feat.txt'), 'feat\n');
  git('add', '-A');
  git('commit', '-qm', 'feat');
  commits.feature = git('rev-parse', 'HEAD');
  git('checkout', '-q', 'main');
  return commits;
}
