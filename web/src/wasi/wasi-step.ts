// Which steps the page runs as WASI programs, and where their program is:
// wasi/wasm steps, and any step whose program is a `.wasm` file.

import { envValue } from '../../../core/src/index.ts';
import { guestSupport, normalizedPlatform } from '../v86/emulation.ts';
import { lookup, type DirNode } from '../v86/file-tree.ts';

/** How the page runs a platform's steps: in the guest, or as WASI programs. */
export type BrowserSupport = 'native' | 'emulated' | 'wasi';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Tells whether a platform is a WASI one (`wasi/wasm`, `wasip1/wasm`). */
export function isWasiPlatform(platform: string): boolean {
  const [os = '', arch = ''] = (normalizedPlatform(platform) ?? '').split('/');
  return /^wasi(p\d+)?$/.test(os) && arch === 'wasm';
}

/** Tells whether a RUN runs with the WASI shim rather than in the guest. */
export function isWasiStep(platform: string, args: string[]): boolean {
  return isWasiPlatform(platform) || /\.wasm$/i.test(args[0] ?? '');
}

/** Says how the page runs a platform's steps; undefined when it cannot. */
export function browserSupport(platform: string): BrowserSupport | undefined {
  return isWasiPlatform(platform) ? 'wasi' : guestSupport(platform);
}

/** Tells whether bytes start like a WebAssembly module. */
export function isWasmModule(data: Uint8Array): boolean {
  return WASM_MAGIC.every((byte, i) => data[i] === byte);
}

/** A program found in a root: its path and bytes, or why it was not. */
export type FoundProgram =
  { ok: true; path: string; data: Uint8Array } | { ok: false; error: string };

/**
 * Finds the file `argv0` names in `root` as execve would: relative to `cwd`
 * when it has a slash, else along `PATH`; it must be a WebAssembly module.
 */
export function findProgram(
  root: DirNode,
  argv0: string,
  env: string[],
  cwd: string,
): FoundProgram {
  const candidates = argv0.includes('/')
    ? [argv0.startsWith('/') ? argv0 : `${cwd}/${argv0}`]
    : (envValue(env, 'PATH') ?? '')
        .split(':')
        .filter((dir) => dir !== '')
        .map((dir) => `${dir}/${argv0}`);
  for (const path of candidates) {
    const node = lookup(root, path)?.node;
    if (node?.type !== 'file') continue;
    if (!isWasmModule(node.data)) {
      return {
        ok: false,
        error: `exec: "${argv0}": ${path} is not a WebAssembly module (WASI steps run WebAssembly programs only)`,
      };
    }
    return { ok: true, path, data: node.data };
  }
  const why = argv0.includes('/')
    ? `stat ${candidates[0]}: no such file or directory`
    : 'executable file not found in $PATH';
  return { ok: false, error: `exec: "${argv0}": ${why}` };
}
