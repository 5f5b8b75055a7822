// The build context plus ADD's remote sources: each source of a COPY/ADD
// step is a context path, an HTTP(S) URL or a git repository (BuildKit's
// order of tests), and each kind adds its own part to the step's cache key.
// Each remote source resolves and fetches on its own progress row.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {
  isHttpSource,
  parseGitRef,
  type ActiveSnapshot,
  type ContextSource,
  type CopyRequest,
  type GitRef,
  type SourceFetchReporter,
  type SourceLog,
} from '../../../core/src/index.ts';
import { GitSource } from '../remote/git-source.ts';
import { HttpSource, fileNameOf, modTimeOf } from '../remote/http-source.ts';
import type { BuildSession } from '../session/build-session.ts';
import { copyFiles } from '../snapshot/copy-files.ts';

type Source =
  | { kind: 'local'; path: string }
  | { kind: 'http'; url: string }
  | { kind: 'git'; ref: GitRef };

/** A remote source and its place in the request's sources. */
type Remote = Exclude<Source, { kind: 'local' }> & { index: number };

/** Serves a context folder and downloads ADD's URLs and repositories. */
export class RemoteAwareContext implements ContextSource {
  private readonly http: HttpSource;
  private readonly git: GitSource;
  private readonly scratch: string;

  constructor(
    private readonly local: ContextSource,
    /** Where downloads and repositories are kept (`$SLIPWAY_HOME/remote`). */
    dir: string,
    session: BuildSession = {},
  ) {
    this.http = new HttpSource(path.join(dir, 'http'), session);
    this.git = new GitSource(path.join(dir, 'git'), session);
    this.scratch = path.join(dir, 'tmp');
  }

  async digest(
    request: CopyRequest,
    reporter?: SourceFetchReporter,
  ): Promise<string> {
    const { locals, remotes } = splitSources(request);
    if (remotes.length === 0) return this.local.digest(request);
    const parts: string[] = [];
    if (locals.length > 0) {
      parts.push(await this.local.digest({ ...request, sources: locals }));
    }
    const rowOf = reportOn(reporter);
    for (const source of remotes) {
      if (source.kind === 'http') {
        const { url } = source;
        const key = () => this.http.key(url, request.checksum);
        parts.push(await rowOf(source.index, key));
      } else {
        const resolve = async (log: SourceLog) => {
          const resolved = await this.git.resolve(source.ref, request, log);
          return `git:${this.git.key(resolved)}`;
        };
        parts.push(await rowOf(source.index, resolve));
      }
    }
    const hash = crypto.createHash('sha256').update(parts.join('\0'));
    return `sha256:${hash.digest('hex')}`;
  }

  /**
   * Downloads the URLs a pinned checksum keyed without fetching and fetches
   * the repositories' commits, each on its row; what an earlier build
   * fetched already shows as CACHED.
   */
  async fetch(
    request: CopyRequest,
    reporter: SourceFetchReporter,
  ): Promise<void> {
    for (const source of splitSources(request).remotes) {
      const { index } = source;
      await reporter.fetch(index, async (log) => {
        let held: boolean;
        if (source.kind === 'http') {
          held = (await this.http.fetch(source.url, request.checksum)).held;
        } else {
          const resolved = await this.git.resolve(source.ref, request, log);
          held = await this.git.prefetch(resolved, log);
        }
        if (held) reporter.cached(index);
      });
    }
  }

  async copy(into: ActiveSnapshot, request: CopyRequest): Promise<void> {
    const { locals, remotes } = splitSources(request);
    if (remotes.length === 0) return this.local.copy(into, request);
    if (locals.length > 0) {
      await this.local.copy(into, { ...request, sources: locals });
    }
    for (const source of remotes) {
      if (source.kind === 'http') await this.copyUrl(into, source.url, request);
      else if (source.kind === 'git')
        await this.copyGit(into, source.ref, request);
    }
  }

  /** Places a download as BuildKit does: mode 0600, Last-Modified as mtime. */
  private async copyUrl(
    into: ActiveSnapshot,
    url: string,
    request: CopyRequest,
  ): Promise<void> {
    const got = await this.http.fetch(url, request.checksum);
    const name = fileNameOf(url);
    await this.withScratch(async (dir) => {
      const file = path.join(dir, name);
      fs.copyFileSync(got.file, file, fs.constants.COPYFILE_FICLONE);
      fs.chmodSync(file, 0o600);
      const mtime = modTimeOf(got.lastModified);
      fs.utimesSync(file, mtime, mtime);
      copyFiles({
        srcRoot: dir,
        destRoot: into.handle,
        request: { ...request, sources: [name] },
        defaultOwner: { uid: 0, gid: 0 },
        // Remote files are unpacked only when asked (`--unpack`).
        extractArchives: request.unpack === true,
      });
    });
  }

  /** Copies a checkout's files (the subdir's, with `.git` when kept). */
  private async copyGit(
    into: ActiveSnapshot,
    ref: GitRef,
    request: CopyRequest,
  ): Promise<void> {
    const resolved = await this.git.resolve(ref, request);
    await this.withScratch(async (dir) => {
      const root = await this.git.checkout(resolved, dir);
      copyFiles({
        srcRoot: root,
        destRoot: into.handle,
        request: { ...request, sources: ['/'] },
        defaultOwner: { uid: 0, gid: 0 },
      });
    });
  }

  private async withScratch(work: (dir: string) => Promise<void>) {
    fs.mkdirSync(this.scratch, { recursive: true });
    const dir = fs.mkdtempSync(path.join(this.scratch, `${process.pid}-`));
    try {
      await work(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Splits a request's sources into context paths and remote ones. */
function splitSources(request: CopyRequest): {
  locals: string[];
  remotes: Remote[];
} {
  const locals: string[] = [];
  const remotes: Remote[] = [];
  request.sources.forEach((source, index) => {
    const kind = classify(request, source);
    if (kind.kind === 'local') locals.push(source);
    else remotes.push({ ...kind, index });
  });
  return { locals, remotes };
}

/** Runs a source's work on its progress row, or plainly without a reporter. */
function reportOn(reporter: SourceFetchReporter | undefined) {
  return <T>(index: number, work: (log: SourceLog) => Promise<T>) =>
    reporter ? reporter.fetch(index, work) : work(() => {});
}

function classify(request: CopyRequest, source: string): Source {
  if (request.instruction !== 'ADD') return { kind: 'local', path: source };
  const git = parseGitRef(source);
  if (git.ref && !git.ref.indistinguishableFromLocal) {
    return { kind: 'git', ref: git.ref };
  }
  if (isHttpSource(source)) return { kind: 'http', url: source };
  return { kind: 'local', path: source };
}
