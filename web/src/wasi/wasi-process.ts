// Runs one WASI command module with @bjorn3/browser_wasi_shim: the root tree
// preopened as `/`, stdout and stderr streamed, the changed tree returned.

import {
  ConsoleStdout,
  File,
  OpenFile,
  PreopenDirectory,
  WASI,
} from '@bjorn3/browser_wasi_shim';
import { diffTrees, type DirNode, type FileChange } from '../v86/file-tree.ts';
import { toWasiRoot } from './wasi-tree.ts';

/** What one WASI process gets. */
export interface WasiProcessRequest {
  /** The module's path in the root, for messages. */
  path: string;
  /** The module's bytes. */
  module: Uint8Array;
  args: string[];
  env: string[];
  root: DirNode;
  /** Owner of the files and directories the program creates. */
  owner: { uid: number; gid: number };
  /** Seconds since the epoch, for the times of what the program changes. */
  now: number;
}

/** How the process ended and the root it left. */
export interface WasiProcessResult {
  exitCode: number;
  /** The root after the run; untouched nodes are those of the request's. */
  root: DirNode;
  changes: FileChange[];
  ms: number;
}

/** The import module every WASI preview 1 program links against. */
const WASI_MODULE = 'wasi_snapshot_preview1';

/**
 * The exit status after a trap: wasmtime's CLI exits as if aborted
 * (128 + SIGABRT) on Unix, and a shell shows the same.
 */
const TRAP_EXIT_CODE = 134;

const compiled = new WeakMap<Uint8Array, Promise<WebAssembly.Module>>();

/** Runs a WASI command to its end; rejects when it cannot be started. */
export async function runWasiProcess(
  request: WasiProcessRequest,
  onOutput: (stream: 1 | 2, data: string) => void,
): Promise<WasiProcessResult> {
  const started = performance.now();
  const module = await compile(request);
  const foreign = WebAssembly.Module.imports(module).find(
    (i) => i.module !== WASI_MODULE,
  );
  if (foreign) {
    throw new Error(
      `failed to start ${request.path}: it imports ${foreign.module}.${foreign.name}, and only ${WASI_MODULE} is provided`,
    );
  }

  const tree = toWasiRoot(request.root);
  const stdout = outputStream(1, onOutput);
  const stderr = outputStream(2, onOutput);
  const fds = [
    new OpenFile(new File(new Uint8Array(0))),
    new ConsoleStdout(stdout.write),
    new ConsoleStdout(stderr.write),
    new PreopenDirectory('/', tree.contents),
  ];
  const shim = new WASI(request.args, request.env, fds, { debug: false });
  const instance = await WebAssembly.instantiate(module, {
    [WASI_MODULE]: shim.wasiImport,
  });
  const exports = instance.exports as Record<string, unknown>;
  if (typeof exports._start !== 'function') {
    throw new Error(
      `failed to start ${request.path}: the module exports no _start (it is not a WASI command)`,
    );
  }

  let exitCode: number;
  try {
    exitCode = shim.start(instance as Parameters<WASI['start']>[0]);
  } catch (error) {
    stderr.write(new TextEncoder().encode(`wasm trap: ${describe(error)}\n`));
    exitCode = TRAP_EXIT_CODE;
  }
  stdout.end();
  stderr.end();

  const root = tree.read(request.now, request.owner);
  return {
    exitCode,
    root,
    changes: diffTrees(request.root, root),
    ms: performance.now() - started,
  };
}

function compile(request: WasiProcessRequest): Promise<WebAssembly.Module> {
  let pending = compiled.get(request.module);
  if (!pending) {
    pending = WebAssembly.compile(request.module as BufferSource).catch(
      (error: unknown) => {
        throw new Error(`failed to start ${request.path}: ${describe(error)}`);
      },
    );
    compiled.set(request.module, pending);
  }
  return pending;
}

/**
 * Decodes one stream's bytes as UTF-8 and passes on whole lines: wasi-libc
 * writes a printf in pieces, one per conversion.
 */
function outputStream(
  stream: 1 | 2,
  onOutput: (stream: 1 | 2, data: string) => void,
) {
  const decoder = new TextDecoder();
  let pending = '';
  return {
    write(bytes: Uint8Array) {
      pending += decoder.decode(bytes, { stream: true });
      const end = pending.lastIndexOf('\n') + 1;
      if (end === 0) return;
      onOutput(stream, pending.slice(0, end));
      pending = pending.slice(end);
    },
    end() {
      pending += decoder.decode();
      if (pending) onOutput(stream, pending);
      pending = '';
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
