// Starts the guest the fast way when it can: restores the booted state kept
// in IndexedDB, else boots from public/guest/ and keeps a state for next time.

import { clear, createStore, del, get, set, type UseStore } from 'idb-keyval';
import {
  GUEST_MEMORY,
  GuestMachine,
  type GuestAssets,
} from './guest-machine.ts';

/** The v86 package the state format belongs to; states do not cross versions. */
export const V86_VERSION = '0.5.462';

/** Where the guest files and v86's wasm are served. */
export interface GuestSource {
  /** URL of public/guest/ (ends with a slash or not). */
  guestUrl: string;
  wasmUrl: string;
  /** IndexedDB database for the state; tests use their own. */
  database?: string;
}

/** How the guest was started and how long it took. */
export interface StartReport {
  mode: 'restored' | 'booted';
  /** From the call to a guest that accepts jobs. */
  ms: number;
  /** Size of the stored state (gzip), when one was read or written. */
  stateBytes?: number;
  /** Why a stored state was not used, if one existed. */
  restoreError?: string;
  /** Where the time went: fetching the guest files, reading the state, starting v86. */
  phases: { assetsMs: number; stateMs: number; machineMs: number };
}

/** What public/guest/manifest.json says. */
interface GuestManifest {
  kernel: { file: string; sha256: string };
  initramfs: { file: string; sha256: string };
  bios: { file: string; sha256: string };
  /** QEMU user-mode binaries (gzip) by platform. */
  emulators?: Record<
    string,
    { file: string; sha256: string; binary_sha256: string }
  >;
  cmdline: string;
}

/** Options for `startGuest`. */
export interface StartOptions {
  /** Use a stored state when there is one (default true). */
  restore?: boolean;
  /** Store a state after a cold boot (default true). */
  save?: boolean;
  /** Gets what the guest prints on its serial console, from the start. */
  onConsole?: (text: string) => void;
}

/** Restores or boots the guest; returns it with a report. */
export async function startGuest(
  source: GuestSource,
  options: StartOptions = {},
): Promise<{ machine: GuestMachine; report: StartReport }> {
  const started = performance.now();
  const { assets, key } = await loadAssets(source);
  const loaded = performance.now();
  const store = stateStore(source);
  let restoreError: string | undefined;
  if (options.restore !== false) {
    const stored = await get<Uint8Array>(key, store);
    if (stored) {
      try {
        const state = await inflate(stored);
        const read = performance.now();
        const machine = await GuestMachine.restore(
          assets,
          state,
          options.onConsole,
        );
        const done = performance.now();
        const phases = {
          assetsMs: loaded - started,
          stateMs: read - loaded,
          machineMs: done - read,
        };
        return {
          machine,
          report: {
            mode: 'restored',
            ms: done - started,
            stateBytes: stored.length,
            phases,
          },
        };
      } catch (error) {
        restoreError = error instanceof Error ? error.message : String(error);
        await del(key, store);
      }
    }
  }
  const booting = performance.now();
  const machine = await GuestMachine.boot(assets, options.onConsole);
  const ms = performance.now() - started;
  const phases = {
    assetsMs: loaded - started,
    stateMs: booting - loaded,
    machineMs: performance.now() - booting,
  };
  let stateBytes: number | undefined;
  if (options.save !== false) {
    const state = await machine.saveState();
    const packed = await deflate(state);
    await set(key, packed, store);
    stateBytes = packed.length;
  }
  return {
    machine,
    report: { mode: 'booted', ms, stateBytes, restoreError, phases },
  };
}

/**
 * Fetches the emulator the manifest lists for `platform` (QEMU user mode,
 * gzip), checked against its sha256; undefined when there is none.
 */
export async function loadEmulator(
  source: GuestSource,
  platform: string,
): Promise<Uint8Array | undefined> {
  const base = source.guestUrl.replace(/\/?$/, '/');
  const manifest = (await (
    await fetchOk(`${base}manifest.json`)
  ).json()) as GuestManifest;
  const entry = manifest.emulators?.[platform];
  if (!entry) return undefined;
  const bytes = await (await fetchOk(`${base}${entry.file}`)).arrayBuffer();
  // A server may send the file with `Content-Encoding: gzip` (vite's does),
  // and the browser then hands over the unpacked binary.
  if ((await sha256Hex(bytes)) === entry.binary_sha256) {
    return new Uint8Array(bytes);
  }
  if ((await sha256Hex(bytes)) !== entry.sha256) {
    throw new Error(`${base}${entry.file}: sha256 does not match the manifest`);
  }
  const binary = await inflate(new Uint8Array(bytes));
  if ((await sha256Hex(binary)) !== entry.binary_sha256) {
    throw new Error(`${base}${entry.file}: unpacked sha256 does not match`);
  }
  return new Uint8Array(binary);
}

/** Deletes every stored guest state. */
export async function clearGuestStates(source: GuestSource): Promise<void> {
  await clear(stateStore(source));
}

function stateStore(source: GuestSource): UseStore {
  return createStore(source.database ?? 'slipway-guest', 'states');
}

async function loadAssets(
  source: GuestSource,
): Promise<{ assets: GuestAssets; key: string }> {
  const base = source.guestUrl.replace(/\/?$/, '/');
  const manifest = (await (
    await fetchOk(`${base}manifest.json`)
  ).json()) as GuestManifest;
  const [bzimage, initrd, bios] = await Promise.all(
    [manifest.kernel, manifest.initramfs, manifest.bios].map(async (file) => {
      const bytes = await (await fetchOk(`${base}${file.file}`)).arrayBuffer();
      const digest = await sha256Hex(bytes);
      if (digest !== file.sha256) {
        throw new Error(
          `${base}${file.file}: sha256 ${digest}, manifest says ${file.sha256}`,
        );
      }
      return bytes;
    }),
  );
  const key = [
    `v86-${V86_VERSION}`,
    `mem-${GUEST_MEMORY}`,
    manifest.kernel.sha256.slice(0, 16),
    manifest.initramfs.sha256.slice(0, 16),
    manifest.bios.sha256.slice(0, 16),
    await sha256Hex(
      new TextEncoder().encode(manifest.cmdline).buffer as ArrayBuffer,
    ),
  ].join(':');
  return {
    assets: {
      wasmUrl: source.wasmUrl,
      bios: bios!,
      bzimage: bzimage!,
      initrd: initrd!,
      cmdline: manifest.cmdline,
    },
    key,
  };
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function deflate(state: ArrayBuffer): Promise<Uint8Array> {
  const stream = new Blob([state])
    .stream()
    .pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function inflate(bytes: Uint8Array): Promise<ArrayBuffer> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}
