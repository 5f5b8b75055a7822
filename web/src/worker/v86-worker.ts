// The v86 runner worker: owns the guest machine, the in-memory snapshots and
// the offline images, and exposes one API object through comlink.

import * as Comlink from 'comlink';
import { clear, createStore } from 'idb-keyval';
import type { BuildPlan, Vertex } from '../../../core/src/index.ts';
import { BrowserExecutor, type BuiltTarget } from '../v86/browser-executor.ts';
import { emptyDir, lookup, walkTree, type DirNode } from '../v86/file-tree.ts';
import type { GuestMachine } from '../v86/guest-machine.ts';
import {
  clearGuestStates,
  loadEmulator,
  startGuest,
  type StartReport,
} from '../v86/guest-start.ts';
import { announceStoreChange } from '../store-change.ts';
import { writeTar } from '../v86/tar-write.ts';
import { writeZip } from '../v86/zip-write.ts';
import { createLocalExport, isPlatformSplit } from '../v86/local-export.ts';
import { guestSupport, normalizedPlatform } from '../v86/emulation.ts';
import { runImageEntrypoint, wasiEntrypoint } from '../wasi/wasi-runner.ts';
import { isWasiStep } from '../wasi/wasi-step.ts';
import type {
  BuildReport,
  BuildRunOptions,
  BuildUpdate,
  ExecReport,
  ExecRequest,
  FileInfo,
  V86Config,
  V86WorkerApi,
} from './v86-protocol.ts';

let config: V86Config | undefined;
let executor: BrowserExecutor | undefined;
let guest: Promise<{ machine: GuestMachine; report: StartReport }> | undefined;
let lastTargets: BuiltTarget[] = [];
let lastExport: DirNode | undefined;
/** Where updates go: the running build's listener, or a start's. */
let listener: ((update: BuildUpdate) => void) | undefined;
/** Serial console text not sent yet: bytes arrive one at a time. */
let serial = '';
let serialTimer: ReturnType<typeof setTimeout> | undefined;
const SERIAL_FLUSH_MS = 40;

function settings(): V86Config {
  if (!config) throw new Error('the v86 worker is not configured');
  return config;
}

/**
 * Sends an update. Console text goes on its own clock: a job's last output
 * is read after its exit line, and should not come after that line.
 */
function send(update: BuildUpdate): void {
  delivered(listener?.(update));
}

/** Updates sent and not yet taken by the page (comlink answers each call). */
let inFlight: Promise<unknown>[] = [];

function delivered(sent: unknown): void {
  if (sent instanceof Promise) inFlight.push(sent.catch(() => undefined));
}

/** Waits until the page has taken every update sent so far. */
async function drainUpdates(): Promise<void> {
  const pending = inFlight;
  inFlight = [];
  await Promise.all(pending);
}

function onSerial(text: string): void {
  serial += text;
  serialTimer ??= setTimeout(flushSerial, SERIAL_FLUSH_MS);
}

function flushSerial(): void {
  clearTimeout(serialTimer);
  serialTimer = undefined;
  if (serial) delivered(listener?.({ kind: 'serial', text: serial }));
  serial = '';
}

/** Restores or boots the guest once; later calls share it. */
function machine(): Promise<{ machine: GuestMachine; report: StartReport }> {
  if (guest) return guest;
  const pending = (async () => {
    const c = settings();
    const started = await startGuest(
      { guestUrl: c.guestUrl, wasmUrl: c.wasmUrl, database: c.stateDatabase },
      {
        restore: c.useSnapshot !== false,
        save: c.useSnapshot !== false,
        onConsole: onSerial,
      },
    );
    send({ kind: 'guest', report: started.report });
    // A cold boot stores the booted state.
    announceStoreChange();
    return started;
  })();
  guest = pending;
  pending.catch(() => {
    if (guest === pending) guest = undefined;
  });
  return pending;
}

/**
 * Stops the guest in the middle of a job; the next RUN restores the stored
 * state (or boots) a new one.
 */
function stopGuest(error: Error): void {
  const current = guest;
  guest = undefined;
  current?.then(
    ({ machine: stopped }) => stopped.abort(error),
    () => undefined,
  );
}

const emulators = new Map<string, Promise<Uint8Array | undefined>>();

/** Fetches an emulator binary once per platform. */
function emulator(platform: string): Promise<Uint8Array | undefined> {
  let pending = emulators.get(platform);
  if (!pending) {
    const c = settings();
    pending = loadEmulator(
      { guestUrl: c.guestUrl, wasmUrl: c.wasmUrl },
      platform,
    );
    pending.catch(() => emulators.delete(platform));
    emulators.set(platform, pending);
  }
  return pending;
}

function getExecutor(): BrowserExecutor {
  executor ??= new BrowserExecutor({
    machine: async () => (await machine()).machine,
    emulator,
    imagesUrl: settings().imagesUrl,
    imageDatabase: settings().imageDatabase,
    stopGuest,
  });
  return executor;
}

const api: V86WorkerApi = {
  configure(next: V86Config): void {
    config = next;
  },

  async start(onUpdate?: (update: BuildUpdate) => void): Promise<StartReport> {
    if (onUpdate) listener = onUpdate;
    try {
      return (await machine()).report;
    } finally {
      flushSerial();
    }
  },

  async build(
    plan: BuildPlan,
    onUpdate: (update: BuildUpdate) => void,
    options: BuildRunOptions = {},
  ): Promise<BuildReport> {
    const started = performance.now();
    const exec = getExecutor();
    const split = isPlatformSplit(plan.options.outputs, plan.platforms.length);
    listener = onUpdate;
    // Start the guest while images load when some RUN will need it.
    const runs = Object.values(plan.vertices).filter(runsInGuest);
    if (runs.length > 0) machine().catch(() => undefined);
    for (const run of runs) {
      if (guestSupport(run.platform) === 'emulated') {
        emulator(normalizedPlatform(run.platform) ?? run.platform).catch(
          () => undefined,
        );
      }
    }
    try {
      const result = await exec.build(plan, {
        onEvent: (event) => send({ kind: 'progress', event }),
        onNote: (note) => send({ kind: 'note', note }),
        noCache: options.noCache,
        context: options.context,
        runTimeoutMs: options.runTimeoutMs,
      });
      lastTargets = result.targets;
      lastExport = result.solve.ok
        ? createLocalExport(result.targets, split)
        : undefined;
      return {
        ok: result.solve.ok,
        error: result.solve.error,
        targets: result.targets.map((t) => ({
          platform: t.platform,
          files: listFiles(t.tree),
          config: t.config,
          wasiEntrypoint: wasiEntrypoint(t.tree, t.config),
        })),
        exported: lastExport ? listFiles(lastExport) : [],
        changes: Object.fromEntries(exec.runChanges()),
        notes: result.notes,
        elapsedMs: performance.now() - started,
      };
    } finally {
      flushSerial();
      // The report must not overtake the progress it ends.
      await drainUpdates();
      if (listener === onUpdate) listener = undefined;
      // Images may have been copied into IndexedDB.
      announceStoreChange();
    }
  },

  cancel(): void {
    executor?.cancel();
  },

  listImages() {
    return getExecutor().images.list();
  },

  async exec(request: ExecRequest): Promise<ExecReport> {
    const exec = getExecutor();
    const image = await exec.images.resolve(request.image, 'linux/386');
    const root = emptyDir();
    await exec.images.unpackTree(image, root);
    const { machine: guestMachine } = await machine();
    let stdout = '';
    let stderr = '';
    const started = performance.now();
    const result = await guestMachine.run(
      {
        args: request.args,
        env: request.env ?? image.config.env,
        cwd: request.cwd ?? '/',
        uid: 0,
        gid: 0,
        additionalGids: [],
      },
      root,
      (stream, data) => {
        if (stream === 1) stdout += data;
        else stderr += data;
      },
    );
    return {
      exitCode: result.exitCode,
      stdout,
      stderr,
      changes: result.changes,
      ms: performance.now() - started,
      timings: result.timings,
      instructions: result.instructions,
    };
  },

  readFile(platform: string, path: string): Uint8Array | undefined {
    const target = lastTargets.find((t) => t.platform === platform);
    const found = target ? lookup(target.tree, path) : undefined;
    return found?.node.type === 'file' ? found.node.data : undefined;
  },

  async runEntrypoint(platform: string) {
    const target = lastTargets.find((t) => t.platform === platform);
    if (!target) throw new Error(`no result for ${platform} to run`);
    const processes = getExecutor().wasiProcesses;
    return runImageEntrypoint(target.tree, target.config, [], (r, out) =>
      processes.run(r, out),
    );
  },

  exportTar(platform: string): Uint8Array | undefined {
    const target = lastTargets.find((t) => t.platform === platform);
    return target ? writeTar(target.tree) : undefined;
  },

  exportArchive(format: 'tar' | 'zip'): Uint8Array | undefined {
    if (!lastExport) return undefined;
    const bytes =
      format === 'zip' ? writeZip(lastExport) : writeTar(lastExport);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },

  async clearStored(): Promise<void> {
    const c = settings();
    await clearGuestStates({
      guestUrl: c.guestUrl,
      wasmUrl: c.wasmUrl,
      database: c.stateDatabase,
    });
    await clear(createStore(c.imageDatabase ?? 'slipway-images', 'blobs'));
    executor?.reset();
    lastTargets = [];
    lastExport = undefined;
    announceStoreChange();
  },

  async shutdown(): Promise<void> {
    const current = guest;
    guest = undefined;
    if (current) await (await current).machine.destroy();
  },
};

function runsInGuest(vertex: Vertex): boolean {
  return (
    vertex.kind === 'run' &&
    !isWasiStep(vertex.platform, vertex.args) &&
    guestSupport(vertex.platform) !== undefined
  );
}

function listFiles(tree: DirNode): FileInfo[] {
  const files: FileInfo[] = [];
  walkTree(tree, (path, node) => {
    files.push({
      path,
      type: node.type,
      mode: node.mode,
      uid: node.uid,
      gid: node.gid,
      size: node.type === 'file' ? node.data.length : 0,
      target: node.type === 'symlink' ? node.target : undefined,
    });
  });
  return files;
}

Comlink.expose(api);
