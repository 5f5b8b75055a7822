// The build context as a host folder filtered by its ignore file: digests
// of what a COPY selects (for the cache) and the copy itself.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type {
  ActiveSnapshot,
  ContextSource,
  CopyRequest,
} from '../../../core/src/index.ts';
import { copyFiles } from '../snapshot/copy-files.ts';
import {
  createEntryFilter,
  selectSources,
  type EntryFilter,
  type PathFilter,
} from '../snapshot/source-select.ts';
import { createContextFilter } from './ignore-file.ts';

/**
 * Serves a context folder, leaving out what the ignore file's text excludes
 * (by default `<dir>/.dockerignore`'s).
 */
export class DirContextSource implements ContextSource {
  private filter?: PathFilter;

  constructor(
    readonly dir: string,
    private readonly ignoreText?: string,
  ) {}

  async digest(request: CopyRequest): Promise<string> {
    checkSources(request);
    const excluded = this.excluded(request);
    const hash = crypto.createHash('sha256');
    const matches = selectSources(this.dir, request.sources, (rel) =>
      excluded(rel, rel),
    );
    for (const match of matches) {
      const top = fs.statSync(match.host).isDirectory() ? '' : match.rel;
      hashTree(hash, match.host, match.rel, top, excluded, true);
    }
    return `sha256:${hash.digest('hex')}`;
  }

  async copy(into: ActiveSnapshot, request: CopyRequest): Promise<void> {
    checkSources(request);
    copyFiles({
      srcRoot: this.dir,
      destRoot: into.handle,
      request,
      ignored: this.ignored(),
      defaultOwner: { uid: 0, gid: 0 },
      // `ADD --unpack=false` keeps local archives packed.
      extractArchives: request.unpack ?? request.instruction === 'ADD',
    });
  }

  /** Returns the ignore file's filter, compiled once. */
  private ignored(): PathFilter {
    if (!this.filter) {
      const compiled = createContextFilter(this.dir, this.ignoreText);
      if (!compiled.ok) throw new Error(compiled.error);
      this.filter = compiled.filter;
    }
    return this.filter;
  }

  private excluded(request: CopyRequest): EntryFilter {
    return createEntryFilter(this.ignored(), request.exclude);
  }
}

function checkSources(request: CopyRequest): void {
  const remote = request.sources.find((s) =>
    /^[a-z][a-z0-9+.-]*:\/\//i.test(s),
  );
  if (remote) {
    throw new Error(
      `${request.instruction} from a URL (${remote}) is not supported by slipway yet`,
    );
  }
}

/** Feeds names, types, modes and contents of a tree into `hash`. */
function hashTree(
  hash: crypto.Hash,
  host: string,
  rel: string,
  inner: string,
  excluded: EntryFilter,
  top: boolean,
): void {
  if (!top && excluded(rel, inner)) {
    if (!fs.lstatSync(host).isDirectory()) return;
  }
  const st = top ? fs.statSync(host) : fs.lstatSync(host);
  hash.update(`${rel}\0${st.mode}\0`);
  if (st.isSymbolicLink()) hash.update(fs.readlinkSync(host));
  else if (st.isFile()) hash.update(fs.readFileSync(host));
  else if (st.isDirectory()) {
    for (const name of fs.readdirSync(host).sort()) {
      const childRel = rel === '.' ? name : `${rel}/${name}`;
      const childInner = inner === '' ? name : `${inner}/${name}`;
      hashTree(
        hash,
        path.join(host, name),
        childRel,
        childInner,
        excluded,
        false,
      );
    }
  }
  hash.update('\0');
}
