// Runs WASI programs in their own worker: a program runs synchronously to
// its end, so only ending the worker stops one that loops or runs too long.

import * as Comlink from 'comlink';
import type { WasiProcessRequest, WasiProcessResult } from './wasi-process.ts';
import type { WasiProcessWorkerApi } from './wasi-process-worker.ts';

/** Owns the WASI process worker; a new one starts after an abort. */
export class WasiProcessHost {
  private worker: Worker | undefined;
  private api: Comlink.Remote<WasiProcessWorkerApi> | undefined;
  private readonly pending = new Set<(error: Error) => void>();

  /** Runs a program in the worker; rejects with the error that stopped it. */
  run(
    request: WasiProcessRequest,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<WasiProcessResult> {
    const api = this.start();
    return new Promise<WasiProcessResult>((resolve, reject) => {
      this.pending.add(reject);
      api.run(request, Comlink.proxy(onOutput)).then(
        (result) => {
          this.pending.delete(reject);
          resolve(result);
        },
        (error: unknown) => {
          this.pending.delete(reject);
          reject(error);
        },
      );
    });
  }

  /** Ends the worker and every run in it; the next run starts a new one. */
  abort(error: Error): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.api = undefined;
    for (const reject of this.pending) reject(error);
    this.pending.clear();
  }

  private start(): Comlink.Remote<WasiProcessWorkerApi> {
    if (this.api) return this.api;
    this.worker = new Worker(
      new URL('./wasi-process-worker.ts', import.meta.url),
      { type: 'module' },
    );
    this.api = Comlink.wrap<WasiProcessWorkerApi>(this.worker);
    return this.api;
  }
}
