// What the playground's dev server and the page agree on for this host's CDI
// spec files: the address that serves them and the event that announces them.

import type { CdiSpecFile } from '../../core/src/index.ts';

/** The dev server's address for this host's spec files (`CdiSpecFile[]`). */
export const HOST_CDI_ENDPOINT = '/__slipway/host-cdi-specs';

/** The custom HMR event that carries the new files after a change. */
export const HOST_CDI_EVENT = 'slipway:host-cdi';

declare module 'vite/types/customEvent.d.ts' {
  interface CustomEventMap {
    'slipway:host-cdi': CdiSpecFile[];
  }
}
