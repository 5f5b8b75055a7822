// Snapshots on disk, one immutable version per commit: with overlayfs a step's
// upper folder over its parents' (the upper is the step's layer), else a full
// copy of the parent. Work happens in `.work` and is renamed into place.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import type {
  ActiveSnapshot,
  CopyRequest,
  SnapshotCopySource,
  Snapshotter,
} from '../../../core/src/index.ts';
import { copyFiles, ensureDir } from './copy-files.ts';
import { onExit } from './exit-cleanup.ts';
import {
  mountOverlay,
  overlayOptions,
  overlayUsable,
  unmount,
  unmountAll,
} from './overlay.ts';
import { resolveUser } from './ownership.ts';
import {
  isAlive,
  ownedName,
  ownerOf,
  SnapshotLayout,
  VERSIONS,
  VIEWS,
  WORK,
  type SnapshotKind,
  type SnapshotMeta,
} from './snapshot-layout.ts';

/** execFile as a promise; child_process loads on first use, not at start. */
const run = (file: string, args: string[]) => promisify(execFile)(file, args);

/** The file beside a version's layer that keeps facts about its root. */
const ROOT_FACTS = 'root-facts.json';

/** How snapshots keep files: `auto` uses overlayfs where it works. */
export type SnapshotterMode = SnapshotKind | 'auto';

/** Where a committed version's layer comes from. */
export type DiffSource = {
  kind: SnapshotKind;
  upper: string;
  /** The parent's whole filesystem, absent for a first snapshot. */
  lower?: string;
};

interface Pending {
  work: string;
  parent?: SnapshotMeta;
  /** The overlay mount point while the snapshot is active. */
  mounted?: string;
  /** The layers under the upper folder, until the overlay is mounted here. */
  deferred?: string[];
}

/** An active snapshot's overlay for a runtime to mount in its own namespace. */
export interface PrivateRoot {
  overlay: { options: string; target: string; cwd: string };
  /** Where the step's changes land (the overlay's upper folder). */
  upper: string;
  /** Where facts about the root the step starts from are kept (root-facts.ts). */
  factsFile?: string;
  /** Gives the overlay's work folder back once the runtime has ended. */
  release(): void;
}

/** Keeps snapshots under `dir`; see snapshot-layout.ts for the folders. */
export class DirSnapshotter implements Snapshotter {
  readonly kind: SnapshotKind;
  readonly layout: SnapshotLayout;
  private readonly pending = new Map<ActiveSnapshot, Pending>();
  private readonly views = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(
    readonly dir: string,
    mode: SnapshotterMode = modeFromEnv(),
  ) {
    this.layout = new SnapshotLayout(dir);
    removeAbandoned(path.join(dir, WORK));
    removeAbandoned(path.join(dir, VIEWS));
    this.kind =
      mode === 'auto'
        ? overlayUsable(path.join(dir, WORK), path.join(dir, '.overlay-probe'))
          ? 'overlay'
          : 'copy'
        : mode;
    onExit(this, () => this.release());
  }

  /** Makes a missing snapshot from elsewhere (an imported cache), if it can. */
  importer?: (key: string) => Promise<boolean>;

  async has(key: string): Promise<boolean> {
    const meta = this.layout.current(key);
    const found =
      meta?.kind === this.kind ||
      (this.importer !== undefined && (await this.importer(key)));
    if (found) this.used.add(key);
    return found;
  }

  locate(key: string): string {
    const meta = this.layout.current(key);
    if (!meta) throw new Error(`internal: snapshot ${key} is missing`);
    return this.rootOf(meta);
  }

  /** Returns the committed version a key points at. */
  version(key: string): SnapshotMeta | undefined {
    return this.layout.current(key);
  }

  /** Lists the keys this snapshotter found or committed, for cache export. */
  usedKeys(): string[] {
    return [...this.used];
  }

  /** Tells where a version's changes over its parent can be read. */
  diffSource(meta: SnapshotMeta): DiffSource {
    const folder = this.layout.version(meta.id);
    const parent = meta.parent && this.layout.read(meta.parent.id);
    return {
      kind: meta.kind,
      upper: path.join(folder, meta.kind === 'overlay' ? 'diff' : 'fs'),
      ...(parent ? { lower: this.rootOf(parent) } : {}),
    };
  }

  async prepare(key: string, parent?: string): Promise<ActiveSnapshot> {
    const work = path.join(this.dir, WORK, ownedName(key));
    fs.mkdirSync(work, { mode: 0o700 });
    const parentMeta =
      parent === undefined ? undefined : this.layout.current(parent);
    if (parent !== undefined && !parentMeta) {
      fs.rmSync(work, { recursive: true, force: true });
      throw new Error(`internal: parent snapshot ${parent} is missing`);
    }

    const pending: Pending = { work, parent: parentMeta };
    const root = await this.makeRoot(pending);
    // An overlay is mounted here only when something reads the handle: a
    // RUN step's runtime mounts it in its own namespace instead.
    const active = { key } as ActiveSnapshot;
    Object.defineProperty(active, 'handle', {
      enumerable: true,
      get: () => {
        this.mountDeferred(pending);
        return root;
      },
    });
    this.pending.set(active, pending);
    return active;
  }

  /**
   * Hands an active overlay snapshot that is not mounted on this host to a
   * runtime, which mounts it in its private mount namespace; undefined when
   * the snapshot is a plain folder or already mounted here.
   */
  privateRoot(active: ActiveSnapshot): PrivateRoot | undefined {
    const pending = this.pending.get(active);
    if (!pending?.deferred) return undefined;
    const folders = privateFolders(this.dir);
    const workdir = folders.take();
    const upper = path.join(pending.work, 'diff');
    return {
      overlay: {
        options: overlayOptions({
          lowers: pending.deferred,
          upper: path.relative(this.dir, upper),
          work: path.relative(this.dir, workdir),
          target: folders.target,
          cwd: this.dir,
        }),
        target: folders.target,
        cwd: this.dir,
      },
      upper,
      ...(pending.parent
        ? {
            factsFile: path.join(
              this.layout.version(pending.parent.id),
              ROOT_FACTS,
            ),
          }
        : {}),
      release: () => folders.give(workdir),
    };
  }

  async commit(active: ActiveSnapshot): Promise<void> {
    const pending = this.take(active);
    this.closeMount(pending);
    const parent = pending.parent;
    this.layout.publish(pending.work, {
      key: active.key,
      kind: this.kind,
      ...(parent ? { parent: { key: parent.key, id: parent.id } } : {}),
    });
    this.used.add(active.key);
  }

  async abort(active: ActiveSnapshot): Promise<void> {
    const pending = this.take(active);
    this.closeMount(pending);
    fs.rmSync(pending.work, { recursive: true, force: true });
  }

  async mkdir(into: ActiveSnapshot, dir: string, user?: string): Promise<void> {
    const owner = user ? resolveUser(into.handle, user) : undefined;
    ensureDir(into.handle, dir, owner);
  }

  async copy(
    into: ActiveSnapshot,
    source: SnapshotCopySource,
    request: CopyRequest,
  ): Promise<void> {
    if (source.kind === 'inline') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-inline-'));
      try {
        for (const file of source.files) {
          const host = path.join(dir, file.path.replace(/^\/+/, ''));
          fs.mkdirSync(path.dirname(host), { recursive: true });
          fs.writeFileSync(host, file.content, { mode: file.mode ?? 0o644 });
          fs.chmodSync(host, file.mode ?? 0o644);
        }
        copyFiles({
          srcRoot: dir,
          destRoot: into.handle,
          request,
          defaultOwner: { uid: 0, gid: 0 },
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    const srcRoot =
      source.kind === 'snapshot'
        ? this.locate(source.key)
        : fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-empty-'));
    try {
      copyFiles({
        srcRoot,
        destRoot: into.handle,
        request,
        defaultOwner: 'keep',
      });
    } finally {
      if (source.kind === 'empty') fs.rmSync(srcRoot, { recursive: true });
    }
  }

  /** Throws away active snapshots and unmounts the read-only views. */
  release(): void {
    for (const pending of this.pending.values()) {
      try {
        this.closeMount(pending);
        fs.rmSync(pending.work, { recursive: true, force: true });
      } catch {
        // The next start removes what is left (its owner is gone by then).
      }
    }
    this.pending.clear();
    for (const view of this.views.values()) {
      try {
        unmount(view);
        fs.rmdirSync(view);
      } catch {
        // As above.
      }
    }
    this.views.clear();
  }

  /** Creates the writable root of a new snapshot and returns its path. */
  private async makeRoot(pending: Pending): Promise<string> {
    const { work, parent } = pending;
    if (this.kind === 'copy') {
      const root = path.join(work, 'fs');
      if (!parent) {
        fs.mkdirSync(root, { mode: 0o755 });
        fs.chmodSync(root, 0o755);
      } else {
        await run('cp', ['-a', '--reflink=auto', this.rootOf(parent), root]);
      }
      return root;
    }

    const upper = path.join(work, 'diff');
    fs.mkdirSync(upper, { mode: 0o755 });
    // Each metadata write costs here: set the mode only if umask changed it.
    if ((process.umask() & 0o755) !== 0) fs.chmodSync(upper, 0o755);
    if (!parent) return upper;

    pending.deferred = this.lowers(parent);
    // Fail now, not in the middle of a step, when the stack is too deep.
    overlayOptions({
      lowers: pending.deferred,
      upper: path.relative(this.dir, upper),
      work: path.relative(this.dir, path.join(work, 'ovl')),
      target: '',
      cwd: this.dir,
    });
    return path.join(work, 'merged');
  }

  /** Mounts a deferred overlay on this host, making its folders first. */
  private mountDeferred(pending: Pending): void {
    if (!pending.deferred) return;
    const { work } = pending;
    const merged = path.join(work, 'merged');
    fs.mkdirSync(merged);
    fs.mkdirSync(path.join(work, 'ovl'));
    const rel = path.relative(this.dir, work);
    mountOverlay({
      lowers: pending.deferred,
      upper: path.join(rel, 'diff'),
      work: path.join(rel, 'ovl'),
      target: merged,
      cwd: this.dir,
    });
    pending.mounted = merged;
    pending.deferred = undefined;
  }

  /** Returns a folder with a committed version's whole filesystem. */
  private rootOf(meta: SnapshotMeta): string {
    const folder = this.layout.version(meta.id);
    if (meta.kind === 'copy') return path.join(folder, 'fs');
    if (!meta.parent) return path.join(folder, 'diff');

    const known = this.views.get(meta.id);
    if (known) return known;
    const view = path.join(this.dir, VIEWS, ownedName(meta.id));
    fs.mkdirSync(view);
    mountOverlay({
      lowers: this.lowers(meta),
      target: view,
      cwd: this.dir,
    });
    this.views.set(meta.id, view);
    return view;
  }

  /** Lists a version's layer folders, top first, relative to the snapshot folder. */
  private lowers(meta: SnapshotMeta): string[] {
    return this.layout
      .lineage(meta)
      .map((m) => path.join(VERSIONS, m.id, 'diff'));
  }

  private take(active: ActiveSnapshot): Pending {
    const pending = this.pending.get(active);
    if (!pending) {
      throw new Error(`internal: snapshot ${active.key} is not active`);
    }
    this.pending.delete(active);
    return pending;
  }

  /** Unmounts a host mount and removes the folders it needed. */
  private closeMount(pending: Pending): void {
    if (!pending.mounted) return;
    unmount(pending.mounted);
    pending.mounted = undefined;
    removeEmpty(pending.work, ['ovl/work', 'ovl', 'merged']);
  }
}

/** Removes the overlay's empty helper folders, cheaply when they are empty. */
function removeEmpty(dir: string, names: string[]): void {
  for (const name of names) {
    const folder = path.join(dir, name);
    try {
      fs.rmdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT')
        fs.rmSync(folder, { recursive: true, force: true });
    }
  }
}

/** Overlay work folders and the mount point private mounts use. */
interface PrivateFolders {
  /** One mount point for all: each mount lives in its own namespace. */
  target: string;
  take(): string;
  give(workdir: string): void;
}

// Per snapshot folder, for this process: work folders are reused (the
// kernel empties one when it mounts), since each folder made is a folder
// to remove, and both cost more than the rest of a step's bookkeeping.
const privateSets = new Map<string, PrivateFolders>();

function privateFolders(dir: string): PrivateFolders {
  const known = privateSets.get(dir);
  if (known) return known;
  const made: string[] = [];
  const free: string[] = [];
  const make = (label: string) => {
    const folder = path.join(dir, WORK, ownedName(label));
    fs.mkdirSync(folder);
    made.push(folder);
    return folder;
  };
  const folders: PrivateFolders = {
    target: make('root'),
    take: () => free.pop() ?? make('ovl'),
    // What the kernel left (a volatile mount's marker) goes in the
    // background; the folder is free again once it is empty.
    give: (workdir) => {
      fs.promises
        .rm(path.join(workdir, 'work'), { recursive: true, force: true })
        .then(
          () => free.push(workdir),
          () => {},
        );
    },
  };
  privateSets.set(dir, folders);
  onExit(folders, () => {
    privateSets.delete(dir);
    for (const folder of made) {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
  return folders;
}

function modeFromEnv(): SnapshotterMode {
  const value = process.env.SLIPWAY_SNAPSHOTTER;
  return value === 'copy' || value === 'overlay' ? value : 'auto';
}

/** Removes work and view folders whose owner process is gone, mounts first. */
function removeAbandoned(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const pid = ownerOf(name);
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) continue;
    if (pid === process.pid) continue;
    const folder = path.join(dir, name);
    unmountAll(folder);
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
