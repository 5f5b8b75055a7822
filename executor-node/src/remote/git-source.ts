// ADD <git repository>: resolves the ref with `git ls-remote` as BuildKit's
// git source does (branches before tags, a commit id as it is, the remote's
// default branch when none is named), checks `--checksum` against the
// commit, fetches into a shared bare repository per remote and checks out
// the commit, its subdir, and `.git` only with keep-git-dir. git's output
// can go to the source's progress rows, as BuildKit streams it.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { goQuote, isCommitSha, type GitRef } from '../../../core/src/index.ts';
import type { BuildSession } from '../session/build-session.ts';
import { redact, runGit, type GitOptions } from './git-cli.ts';
import { DEFAULT_SSH_ID } from '../session/ssh-agents.ts';

/** A git reference resolved to a commit. */
export interface ResolvedGit {
  ref: GitRef;
  /** The full ref that was found (`refs/heads/main`), or the commit id. */
  usedRef: string;
  /** The object ls-remote named (a commit, or an annotated tag). */
  sha: string;
  /** The commit an annotated tag points to, when it is one. */
  commit?: string;
  keepGitDir: boolean;
}

/** Receives git's output for progress log rows. */
type GitLog = GitOptions['onOutput'];

/** Resolves, fetches and checks out ADD's git sources. */
export class GitSource {
  /** Resolutions of this build: BuildKit resolves a ref once per build. */
  private readonly resolved = new Map<string, Promise<ResolvedGit>>();

  constructor(
    private readonly dir: string,
    private readonly session: BuildSession = {},
  ) {}

  /**
   * Resolves the ref to a commit (once per build) and checks `checksum`
   * against it; `log` receives the output of git's ls-remote.
   */
  resolve(
    ref: GitRef,
    options: { checksum?: string; keepGitDir?: boolean },
    log?: GitLog,
  ): Promise<ResolvedGit> {
    const id = JSON.stringify([ref, options.checksum, options.keepGitDir]);
    let pending = this.resolved.get(id);
    if (!pending) {
      pending = this.resolveOnce(ref, options, log);
      this.resolved.set(id, pending);
      pending.catch(() => this.resolved.delete(id));
    }
    return pending;
  }

  /**
   * Fetches the resolved commit into the remote's shared bare repository;
   * returns true when an earlier build had fetched it already.
   */
  async prefetch(resolved: ResolvedGit, log?: GitLog): Promise<boolean> {
    const bare = this.bareOf(resolved.ref);
    if (await this.hasCommit(bare, resolved.sha)) return true;
    await this.fetch(resolved, log);
    return false;
  }

  private async resolveOnce(
    ref: GitRef,
    options: { checksum?: string; keepGitDir?: boolean },
    log: GitLog,
  ): Promise<ResolvedGit> {
    const checksum = ref.checksum || options.checksum || '';
    const keepGitDir = options.keepGitDir ?? ref.keepGitDir ?? false;
    if (checksum && !/^[a-fA-F0-9]+$/.test(checksum)) {
      throw new Error(
        `invalid checksum ${checksum} for Git URL, expected hex commit hash`,
      );
    }
    const resolved = { ref: { ...ref, checksum }, keepGitDir };
    if (isCommitSha(ref.ref)) {
      if (checksum && !ref.ref.startsWith(checksum)) {
        throw new Error(
          `expected checksum to match ${checksum}, got ${ref.ref}`,
        );
      }
      return { ...resolved, usedRef: ref.ref, sha: ref.ref };
    }
    if (ref.fetchByCommit) return this.byCommit(resolved, checksum);
    const found = await this.lsRemote(ref, checksum, keepGitDir, log);
    return { ...resolved, ...found };
  }

  /** Returns the cache key part: BuildKit's commit key plus the options. */
  key(resolved: ResolvedGit): string {
    const { ref } = resolved;
    let key =
      resolved.commit && !resolved.keepGitDir ? resolved.commit : resolved.sha;
    if (resolved.keepGitDir) {
      key += '.git';
      if (resolved.usedRef) key += `#${resolved.usedRef}`;
    }
    if (ref.subdir) key += `:${ref.subdir}`;
    if (ref.submodules === false) key += '(skip-submodules)';
    if (ref.mtime === 'commit') key += '(mtime=commit)';
    return key;
  }

  /**
   * Fetches the commit and checks it out into a new folder under `into`;
   * returns the folder whose contents ADD copies (the subdir, if any).
   */
  async checkout(resolved: ResolvedGit, into: string): Promise<string> {
    const bare = await this.fetch(resolved);
    const { ref } = resolved;
    const subdir = ref.subdir.replace(/^\/+|\/+$/g, '');
    const work = fs.mkdtempSync(path.join(into, 'checkout-'));
    if (resolved.keepGitDir && subdir === '') {
      await this.checkoutWithGitDir(resolved, bare, work);
    } else {
      const index = path.join(into, `index-${path.basename(work)}`);
      const git = (...args: string[]) =>
        runGit(args, { gitDir: bare, workTree: work, index });
      await git('checkout', '--no-overlay', resolved.sha, '--', '.');
      if (
        ref.submodules !== false &&
        fs.existsSync(path.join(work, '.gitmodules'))
      ) {
        await git('submodule', 'update', '--init', '--recursive', '--depth=1');
      }
      fs.rmSync(index, { force: true });
    }
    if (ref.mtime === 'commit') await this.setCommitTimes(bare, resolved, work);
    if (subdir === '') return work;
    checkDirsOnly(work, subdir);
    return path.join(work, subdir);
  }

  private async lsRemote(
    ref: GitRef,
    checksum: string,
    keepGitDir: boolean,
    log: GitLog,
  ): Promise<Pick<ResolvedGit, 'usedRef' | 'sha' | 'commit'>> {
    const name = ref.ref || (await this.defaultBranch(ref, log));
    const args = ['ls-remote', '--', ref.remote, name, `${name}^{}`];
    const out = await this.remoteGit(ref, args, undefined, log).catch(
      (error: Error) => {
        throw new Error(
          `failed to fetch remote ${redact(ref.remote)}: ${error.message}`,
        );
      },
    );
    const bare = name.replace(/^refs\//, '');
    const wanted = {
      partial: `refs/${bare}`,
      head: `refs/heads/${name.replace(/^refs\/heads\//, '')}`,
      tag: `refs/tags/${name.replace(/^refs\/tags\//, '')}`,
    };
    const found: Record<string, string> = {};
    for (const line of out.split('\n')) {
      const [sha = '', lineRef = ''] = line.split('\t');
      if (lineRef === wanted.head) found.head = sha;
      else if (lineRef === wanted.tag) found.tag = sha;
      else if (lineRef === `${wanted.tag}^{}`) found.peeled = sha;
      else if (lineRef === wanted.partial) found.partial = sha;
    }
    let sha = found.partial ?? '';
    let usedRef = wanted.partial;
    if (!sha && found.head) [sha, usedRef] = [found.head, wanted.head];
    let peeled = sha ? '' : (found.peeled ?? '');
    if (!sha && found.tag) [sha, usedRef] = [found.tag, wanted.tag];
    if (!sha) {
      throw new Error(
        `repository does not contain ref ${name}, output: ${goQuote(out)}`,
      );
    }
    if (!isCommitSha(sha))
      throw new Error(`invalid commit sha ${goQuote(sha)}`);
    if (checksum && !sha.startsWith(checksum) && !peeled.startsWith(checksum)) {
      throw new Error(`expected checksum to match ${checksum}, got ${sha}`);
    }
    if (!peeled || keepGitDir) peeled = '';
    return { usedRef, sha, ...(peeled ? { commit: peeled } : {}) };
  }

  private byCommit(
    resolved: Pick<ResolvedGit, 'ref' | 'keepGitDir'>,
    checksum: string,
  ): ResolvedGit {
    if (!checksum) {
      throw new Error(
        'fetch-by-commit requires a checksum or a commit SHA ref',
      );
    }
    if (!isCommitSha(checksum)) {
      throw new Error(
        `fetch-by-commit requires a full commit SHA checksum, got ${goQuote(checksum)}`,
      );
    }
    const name = resolved.ref.ref;
    const usedRef = !name
      ? checksum
      : name.startsWith('refs/')
        ? name
        : `refs/heads/${name}`;
    return { ...resolved, usedRef, sha: checksum };
  }

  private async defaultBranch(ref: GitRef, log: GitLog): Promise<string> {
    const args = ['ls-remote', '--symref', ref.remote, 'HEAD'];
    const out = await this.remoteGit(ref, args, undefined, log).catch(
      (error: Error) => {
        throw new Error(
          `error fetching default branch for repository ${redact(ref.remote)}: ${error.message}`,
        );
      },
    );
    const match = /refs\/heads\/(\S+)/.exec(out);
    if (!match) {
      throw new Error(
        `could not find default branch for repository: ${redact(ref.remote)}`,
      );
    }
    return match[1] as string;
  }

  /** Returns the shared bare repository of a remote. */
  private bareOf(ref: GitRef): string {
    return path.join(this.dir, hash(ref.remote).slice(0, 32));
  }

  /** Makes sure the bare repository of the remote holds the commit. */
  private async fetch(resolved: ResolvedGit, log?: GitLog): Promise<string> {
    const { ref } = resolved;
    const bare = this.bareOf(ref);
    const git = (...args: string[]) => this.remoteGit(ref, args, bare, log);
    if (!fs.existsSync(path.join(bare, 'HEAD'))) {
      const partial = `${bare}.tmp-${process.pid}`;
      fs.rmSync(partial, { recursive: true, force: true });
      fs.mkdirSync(partial, { recursive: true });
      await runGit(['-c', 'init.defaultBranch=master', 'init', '--bare'], {
        gitDir: partial,
        onOutput: log,
      });
      await runGit(['remote', 'add', 'origin', ref.remote], {
        gitDir: partial,
      });
      fs.renameSync(partial, bare);
    }
    if (await this.hasCommit(bare, resolved.sha)) return bare;

    const byId = isCommitSha(resolved.usedRef) || ref.fetchByCommit;
    const target = byId ? resolved.sha : resolved.usedRef;
    const shallow = fs.existsSync(path.join(bare, 'shallow'));
    const attempts = byId
      ? [
          ['fetch', '--depth=1', '--no-tags', 'origin', target],
          ['fetch', '--tags', ...(shallow ? ['--unshallow'] : []), 'origin'],
        ]
      : [
          [
            'fetch',
            '--depth=1',
            '--no-tags',
            'origin',
            '--force',
            '--',
            `${target}:${target}`,
          ],
          [
            'fetch',
            '--no-tags',
            'origin',
            '--force',
            '--',
            `${target}:${target}`,
          ],
        ];
    let failure: Error | undefined;
    for (const args of attempts) {
      try {
        await git(...args);
        failure = undefined;
        if (await this.hasCommit(bare, resolved.sha)) return bare;
      } catch (error) {
        failure = error as Error;
      }
    }
    if (failure) {
      throw new Error(
        `failed to fetch remote ${redact(ref.remote)}: ${failure.message}`,
      );
    }
    throw new Error(
      `fetched ref ${resolved.usedRef} does not match expected commit ${resolved.sha} and commit can not be found in the repository`,
    );
  }

  /** Checks out into `work` with its own `.git`, fetched from the bare copy. */
  private async checkoutWithGitDir(
    resolved: ResolvedGit,
    bare: string,
    work: string,
  ): Promise<void> {
    const inWork = (...args: string[]) =>
      runGit(args, { gitDir: path.join(work, '.git'), workTree: work });
    await inWork('-c', 'init.defaultBranch=master', 'init');
    await inWork('remote', 'add', 'origin', `file://${bare}`);
    const type = (
      await runGit(['cat-file', '-t', resolved.sha], { gitDir: bare })
    ).trim();
    let pull: string;
    if (isCommitSha(resolved.usedRef)) {
      const temp = `refs/slipway/${crypto.randomBytes(8).toString('hex')}`;
      await runGit(['update-ref', temp, resolved.sha], { gitDir: bare });
      pull = temp;
    } else if (type === 'tag') {
      const tag = resolved.usedRef.startsWith('refs/tags/')
        ? resolved.usedRef
        : `refs/tags/${resolved.usedRef}`;
      pull = `${resolved.usedRef}:${tag}`;
    } else {
      pull = `${resolved.usedRef}:${resolved.usedRef}`;
    }
    await inWork('fetch', '-u', '--depth=1', '--', 'origin', pull);
    await inWork('checkout', 'FETCH_HEAD');
    await inWork('remote', 'set-url', 'origin', redact(resolved.ref.remote));
    await inWork('reflog', 'expire', '--all', '--expire=now');
    fs.rmSync(path.join(work, '.git', 'FETCH_HEAD'), { force: true });
    if (pull.startsWith('refs/slipway/')) {
      await runGit(['update-ref', '-d', pull], { gitDir: bare });
    }
  }

  private async setCommitTimes(
    bare: string,
    resolved: ResolvedGit,
    work: string,
  ): Promise<void> {
    const out = await runGit(
      ['log', '-1', '--format=%ct', `${resolved.sha}^{commit}`],
      { gitDir: bare },
    );
    const seconds = Number(out.trim());
    setTimes(work, seconds);
  }

  private async hasCommit(bare: string, sha: string): Promise<boolean> {
    if (!fs.existsSync(path.join(bare, 'HEAD'))) return false;
    try {
      await runGit(['cat-file', '-e', `${sha}^{commit}`], { gitDir: bare });
      return true;
    } catch {
      return false;
    }
  }

  /** Runs git against the remote, with its credentials: agent or token. */
  private remoteGit(
    ref: GitRef,
    args: string[],
    gitDir?: string,
    log?: GitLog,
  ): Promise<string> {
    const env: Record<string, string> = {};
    if (ref.scheme === 'ssh') env.SSH_AUTH_SOCK = this.sshSocket();
    const auth =
      ref.scheme === 'http' || ref.scheme === 'https'
        ? this.authArgs(ref.remote)
        : [];
    return runGit([...auth, ...args], { gitDir, env, onOutput: log });
  }

  /** The `default` agent BuildKit mounts for SSH remotes. */
  private sshSocket(): string {
    const agents = this.session.ssh;
    if (!agents || agents.size === 0) {
      throw new Error(
        `no SSH key ${goQuote(DEFAULT_SSH_ID)} forwarded from the client`,
      );
    }
    const socket = agents.socketOf(DEFAULT_SSH_ID);
    if (!socket) throw new Error(`unset ssh forward key ${DEFAULT_SSH_ID}`);
    return socket;
  }

  /** GIT_AUTH_HEADER / GIT_AUTH_TOKEN secrets (per host first) as an extra header. */
  private authArgs(remote: string): string[] {
    const secrets = this.session.secrets;
    if (!secrets) return [];
    let host = '';
    try {
      host = new URL(remote).host;
    } catch {
      return [];
    }
    const names: [string, boolean][] = [
      [`GIT_AUTH_HEADER.${host}`, false],
      [`GIT_AUTH_TOKEN.${host}`, true],
      ['GIT_AUTH_HEADER', false],
      ['GIT_AUTH_TOKEN', true],
    ];
    for (const [name, token] of names) {
      const value = secrets.get(name);
      if (value === undefined) continue;
      const header = token
        ? `basic ${Buffer.from(`x-access-token:${value}`).toString('base64')}`
        : value.toString();
      return [
        '-c',
        `http.${tokenScope(remote)}.extraheader=Authorization: ${header}`,
      ];
    }
    return [];
  }
}

/** Fails as BuildKit does when a subdir path is not folders all the way. */
function checkDirsOnly(root: string, subdir: string): void {
  let current = root;
  for (const part of subdir.split('/').filter((p) => p !== '')) {
    current = path.join(current, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(current);
    } catch {
      throw new Error(
        `failed to open subdir ${subdir}: open ${subdir}: no such file or directory`,
      );
    }
    if (!st.isDirectory()) {
      throw new Error(
        `invalid subdir ${subdir}: git subpath ${goQuote(subdir)} contains non-directory ${goQuote(path.relative(root, current))}`,
      );
    }
  }
}

function setTimes(dir: string, seconds: number): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) setTimes(child, seconds);
    else if (entry.isSymbolicLink()) fs.lutimesSync(child, seconds, seconds);
    else fs.utimesSync(child, seconds, seconds);
  }
  fs.utimesSync(dir, seconds, seconds);
}

function tokenScope(remote: string): string {
  for (const prefix of ['https://github.com/', 'https://www.github.com/']) {
    if (remote.startsWith(prefix)) return prefix;
  }
  return remote;
}

function hash(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
