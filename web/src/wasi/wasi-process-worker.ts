// A worker that runs one WASI program at a time, so the build worker stays
// free while it runs and can stop it by ending this worker.

import * as Comlink from 'comlink';
import {
  runWasiProcess,
  type WasiProcessRequest,
  type WasiProcessResult,
} from './wasi-process.ts';

/** The one API object the WASI process worker exposes. */
export interface WasiProcessWorkerApi {
  /** Runs a WASI command to its end, streaming its output. */
  run(
    request: WasiProcessRequest,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<WasiProcessResult>;
}

const api: WasiProcessWorkerApi = {
  async run(request, onOutput) {
    // Output travels on the callback's own channel: the result waits for
    // every piece to be taken, so none arrives after the step ended.
    const sent: unknown[] = [];
    const result = await runWasiProcess(request, (stream, data) => {
      sent.push(onOutput(stream, data));
    });
    await Promise.all(sent);
    return result;
  },
};

Comlink.expose(api);
