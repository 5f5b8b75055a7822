// Starts the v86 runner worker and wraps its API for the page.

import * as Comlink from 'comlink';
import type { V86Config, V86WorkerApi } from '../worker/v86-protocol.ts';

/** A handle on the v86 worker: its remote API and a way to stop it. */
export interface V86Client {
  api: Comlink.Remote<V86WorkerApi>;
  dispose(): void;
}

/**
 * Returns where the page serves the guest, v86's wasm and the image bundles:
 * `public/` is served at the site root by vite.
 */
export function defaultV86Config(publicBase?: string): V86Config {
  const base = publicBase ?? (import.meta.env?.BASE_URL || '/');
  const root = base.endsWith('/') ? base : `${base}/`;
  return {
    guestUrl: `${root}guest/`,
    imagesUrl: `${root}images/`,
    wasmUrl: new URL(
      '../../../node_modules/v86/build/v86.wasm',
      import.meta.url,
    ).href,
  };
}

/** Starts a v86 worker configured with `config` (defaults: `defaultV86Config()`). */
export function createV86Client(config?: Partial<V86Config>): V86Client {
  const worker = new Worker(
    new URL('../worker/v86-worker.ts', import.meta.url),
    { type: 'module' },
  );
  const api = Comlink.wrap<V86WorkerApi>(worker);
  void api.configure({ ...defaultV86Config(), ...config });
  return {
    api,
    dispose() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
