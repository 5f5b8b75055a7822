// One v86 machine running Slipway's guest: boots or restores it, lays a root
// filesystem into the 9p share, runs a job over ttyS0 and reads the tree back.

import { V86 } from 'v86';
import {
  cloneTree,
  diffTrees,
  emptyDir,
  sameNode,
  type DirNode,
  type FileChange,
  type TreeNode,
} from './file-tree.ts';
import {
  fs9pOf,
  layTree,
  readFrom,
  readTree,
  removeTree,
  writeFile9p,
  type Fs9p,
} from './nine-p.ts';
import { binfmtRule, type EmulatorRule } from './emulation.ts';
import { encodeJobSpec, type GuestJob } from './job-spec.ts';

/** The guest's files (see public/guest/manifest.json) and v86's wasm. */
export interface GuestAssets {
  wasmUrl: string;
  bios: ArrayBuffer;
  bzimage: ArrayBuffer;
  initrd: ArrayBuffer;
  cmdline: string;
}

/** How a job ended, what it left behind and where the time went. */
export interface GuestJobResult {
  exitCode: number;
  root: DirNode;
  changes: FileChange[];
  timings: { layMs: number; runMs: number; readMs: number };
  /** Guest instructions the job took (a measure that ignores host load). */
  instructions: number;
}

/** Guest memory; a restored state needs the same value. */
export const GUEST_MEMORY = 128 * 1024 * 1024;
const VGA_MEMORY = 2 * 1024 * 1024;
const OUTPUT_POLL_MS = 25;

/** A started guest, waiting for jobs. */
export class GuestMachine {
  private line = '';
  private readonly waiters = new Map<string, Waiter>();
  private readonly consoleListeners = new Set<(text: string) => void>();
  private readonly decoder = new TextDecoder();
  private nextId = 1;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly emulators = new Set<string>();
  /** The root the last job left in the share, as the guest sees it. */
  private current: LaidRoot | undefined;
  /** Why the machine was stopped, once `abort` was called. */
  private stopped: Error | undefined;

  private constructor(
    private readonly emulator: V86,
    readonly fs: Fs9p,
  ) {
    emulator.add_listener('serial0-output-byte', (byte) => this.onByte(byte));
  }

  /**
   * Boots the guest from its kernel and waits until `/init` is ready;
   * `onConsole` gets the serial console from the first byte on.
   */
  static async boot(
    assets: GuestAssets,
    onConsole?: (text: string) => void,
  ): Promise<GuestMachine> {
    const emulator = await createEmulator(assets);
    const machine = new GuestMachine(emulator, fs9pOf(emulator));
    if (onConsole) machine.onConsole(onConsole);
    const ready = machine.expect('@@READY');
    await emulator.run();
    await ready;
    return machine;
  }

  /** Starts the guest from a state saved by `saveState` (gzip or zstd). */
  static async restore(
    assets: GuestAssets,
    state: ArrayBuffer,
    onConsole?: (text: string) => void,
  ): Promise<GuestMachine> {
    const emulator = await createEmulator(assets);
    await emulator.restore_state(state);
    const machine = new GuestMachine(emulator, fs9pOf(emulator));
    if (onConsole) machine.onConsole(onConsole);
    await emulator.run();
    return machine;
  }

  /** Flushes the guest's caches and returns its whole state, uncompressed. */
  async saveState(): Promise<ArrayBuffer> {
    return this.exclusive(async () => {
      // The state holds the whole share: keep roots out of it.
      if (this.current) removeTree(this.fs, this.current.name);
      this.current = undefined;
      const id = String(this.nextId++);
      const synced = this.expect(`@@SYNCED ${id}`);
      this.emulator.serial0_send(`SYNC ${id}\n`);
      await synced;
      return this.emulator.save_state();
    });
  }

  /**
   * Registers an emulator for foreign binaries (QEMU user mode through
   * binfmt_misc), once per guest; the interpreter stays in the share.
   */
  registerEmulator(rule: EmulatorRule, interpreter: Uint8Array): Promise<void> {
    return this.exclusive(async () => {
      if (this.emulators.has(rule.name)) return;
      const path = `tools/${rule.name}`;
      const id = writeFile9p(this.fs, path, interpreter);
      this.fs.inodes[id]!.mode = 0o100755;
      const job = String(this.nextId++);
      const line = binfmtRule(rule, `/mnt/${path}`);
      writeFile9p(
        this.fs,
        `jobs/${job}/binfmt`,
        new TextEncoder().encode(line),
      );
      const answered = this.expect(`@@BINFMT ${job}`);
      this.emulator.serial0_send(`BINFMT ${job}\n`);
      const status = await answered;
      removeTree(this.fs, `jobs/${job}`);
      if (status !== '0') {
        throw new Error(
          `the guest refused the ${rule.name} binfmt rule (${status})`,
        );
      }
      this.emulators.add(rule.name);
    });
  }

  /** Calls `listener` with everything the guest prints on its console. */
  onConsole(listener: (text: string) => void): () => void {
    this.consoleListeners.add(listener);
    return () => this.consoleListeners.delete(listener);
  }

  /** Runs one process in a copy of `root`; jobs run one at a time. */
  run(
    job: GuestJob,
    root: DirNode,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<GuestJobResult> {
    return this.exclusive(() => this.runNow(job, root, onOutput));
  }

  private async runNow(
    job: GuestJob,
    root: DirNode,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<GuestJobResult> {
    const id = String(this.nextId++);
    const started = performance.now();
    const laid = this.layRoot(id, root);
    const spec = encodeJobSpec(job, `/mnt/${laid.name}`);
    writeFile9p(this.fs, `/jobs/${id}/spec`, spec);
    const streams = ([1, 2] as const).map((stream) => ({
      stream,
      id: writeFile9p(
        this.fs,
        `/jobs/${id}/${stream === 1 ? 'stdout' : 'stderr'}`,
        new Uint8Array(0),
      ),
      offset: 0,
      decoder: new TextDecoder(),
    }));
    const flush = (final: boolean) => {
      for (const s of streams) {
        const bytes = readFrom(this.fs, s.id, s.offset);
        s.offset += bytes.length;
        const text = s.decoder.decode(bytes, { stream: !final });
        if (text) onOutput(s.stream, text);
      }
    };
    const ready = performance.now();

    const counted = this.emulator.get_instruction_counter();
    const exited = this.expect(`@@EXIT ${id}`);
    this.emulator.serial0_send(`RUN ${id}\n`);
    const timer = setInterval(() => flush(false), OUTPUT_POLL_MS);
    let status: string;
    try {
      status = await exited;
    } finally {
      clearInterval(timer);
    }
    flush(true);
    const ran = performance.now();
    const instructions = this.emulator.get_instruction_counter() - counted;

    removeTree(this.fs, `jobs/${id}`);
    const after = readTree(this.fs, laid.name, root);
    if (!after) throw new Error('the guest removed the root filesystem');
    this.current = { ...laid, tree: after };
    // Callers may change what they get; the copy kept here must not change.
    const result = cloneTree(dropMountPoints(after, laid.stubs));
    return {
      exitCode: Number.parseInt(status, 10),
      root: result,
      changes: diffTrees(root, result),
      timings: {
        layMs: ready - started,
        runMs: ran - ready,
        readMs: performance.now() - ran,
      },
      instructions,
    };
  }

  /**
   * Puts `root` in the share for job `id`. When it equals what the last job
   * left there (the usual next step of a stage), that folder is used again,
   * so the guest's caches of it stay valid; otherwise a new folder is laid
   * and the old one removed, so the guest never sees a file change under it.
   */
  private layRoot(id: string, root: DirNode): LaidRoot {
    const current = this.current;
    if (current && sameTree(current.tree, withStubs(root, current.stubs))) {
      return current;
    }
    if (current) removeTree(this.fs, current.name);
    const name = `rootfs-${id}`;
    const stubs = MOUNT_POINTS.filter((n) => !root.entries.has(n));
    // Until the job ends, nothing may match this folder (mode -1).
    this.current = { name, stubs, tree: { ...emptyDir(), mode: -1 } };
    layTree(this.fs, name, withStubs(root, stubs));
    return this.current;
  }

  /** Stops the emulator for good. */
  async destroy(): Promise<void> {
    await this.emulator.destroy();
  }

  /**
   * Stops the machine in the middle of whatever it runs: the job waiting
   * for its exit and every later call reject with `error`, and the
   * emulator is destroyed (the guest cannot kill a job it was not told of).
   */
  async abort(error: Error): Promise<void> {
    if (this.stopped) return;
    this.stopped = error;
    const waiters = [...this.waiters.values()];
    this.waiters.clear();
    for (const waiter of waiters) waiter.reject(error);
    await this.emulator.destroy();
  }

  /** Tells whether `abort` stopped the machine. */
  get aborted(): boolean {
    return this.stopped !== undefined;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const guarded = () =>
      this.stopped ? Promise.reject(this.stopped) : work();
    const next = this.busy.then(guarded, guarded);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /** Resolves with the rest of the first console line starting with `prefix`. */
  private expect(prefix: string): Promise<string> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) =>
      this.waiters.set(prefix, { resolve, reject }),
    );
  }

  private onByte(byte: number): void {
    const text = this.decoder.decode(new Uint8Array([byte]), { stream: true });
    for (const listener of this.consoleListeners) listener(text);
    if (text !== '\n') {
      if (text !== '\r') this.line += text;
      return;
    }
    const line = this.line;
    this.line = '';
    for (const [prefix, waiter] of this.waiters) {
      if (line === prefix || line.startsWith(`${prefix} `)) {
        this.waiters.delete(prefix);
        waiter.resolve(line.slice(prefix.length).trim());
        return;
      }
    }
  }
}

async function createEmulator(assets: GuestAssets): Promise<V86> {
  const emulator = new V86({
    wasm_path: assets.wasmUrl,
    memory_size: GUEST_MEMORY,
    vga_memory_size: VGA_MEMORY,
    bios: { buffer: assets.bios },
    bzimage: { buffer: assets.bzimage },
    initrd: { buffer: assets.initrd },
    cmdline: assets.cmdline,
    filesystem: {},
    autostart: false,
    disable_keyboard: true,
    disable_mouse: true,
    disable_speaker: true,
  });
  await new Promise<void>((resolve) =>
    emulator.add_listener('emulator-loaded', () => resolve()),
  );
  return emulator;
}

/** A job waiting for its console line, or for the machine to stop. */
interface Waiter {
  resolve: (rest: string) => void;
  reject: (error: Error) => void;
}

/** A root folder in the share and the mount points added to it. */
interface LaidRoot {
  name: string;
  stubs: string[];
  tree: DirNode;
}

/** The kernel file systems every RUN gets; made when the root lacks them. */
const MOUNT_POINTS = ['proc', 'dev', 'sys'];

/** Returns `root` with empty folders `names` added (a shallow copy). */
function withStubs(root: DirNode, names: string[]): DirNode {
  if (names.length === 0) return root;
  const entries = new Map(root.entries);
  for (const name of names) {
    if (!entries.has(name)) entries.set(name, emptyDir());
  }
  return { ...root, entries };
}

/** Returns `root` without the mount points the runner added, if still empty. */
function dropMountPoints(root: DirNode, names: string[]): DirNode {
  const entries = new Map(root.entries);
  for (const name of names) {
    const node: TreeNode | undefined = entries.get(name);
    if (node?.type === 'dir' && node.entries.size === 0) entries.delete(name);
  }
  return { ...root, entries };
}

/** Tells whether two trees hold the same entries, owners, modes and bytes. */
function sameTree(a: DirNode, b: DirNode): boolean {
  if (a === b) return true;
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return false;
  if (a.entries.size !== b.entries.size) return false;
  for (const [name, x] of a.entries) {
    const y = b.entries.get(name);
    if (!y) return false;
    if (x.type === 'dir' || y.type === 'dir') {
      if (x.type !== 'dir' || y.type !== 'dir' || !sameTree(x, y)) return false;
    } else if (!sameNode(x, y)) return false;
  }
  return true;
}
