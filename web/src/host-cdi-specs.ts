// This host's CDI spec files as the playground sees them: fetched from the
// dev server and refreshed by its HMR event. A production build has no dev
// server, so it has no source at all.

import type { CdiSpecFile } from '../../core/src/index.ts';
import { HOST_CDI_ENDPOINT, HOST_CDI_EVENT } from './host-cdi-protocol.ts';

/** Where the page gets this host's spec files and hears of changes. */
export interface HostCdiSource {
  /** Fetches the current files. */
  load(): Promise<CdiSpecFile[]>;
  /** Calls `listener` with the new files after each change; returns a stop. */
  subscribe(listener: (specs: CdiSpecFile[]) => void): () => void;
}

/** The editor's spec files joined with the host's, and those left out. */
export interface MergedCdiSpecs {
  specs: CdiSpecFile[];
  /** Host files whose path an editor's file takes (it replaces them). */
  hidden: string[];
}

/** This host's spec files as the devices panel lists them. */
export interface HostCdiView {
  files: CdiSpecFile[];
  /** Paths of host files an editor's file replaces. */
  hidden: string[];
  /** True until the first list arrives. */
  loading: boolean;
  error?: string;
}

/** Returns the dev server's source, or undefined in a production build. */
export function getDevHostCdiSource(): HostCdiSource | undefined {
  const hot = import.meta.hot;
  if (!hot) return undefined;
  return {
    async load() {
      const response = await fetch(HOST_CDI_ENDPOINT);
      if (!response.ok) {
        throw new Error(
          `failed to fetch ${HOST_CDI_ENDPOINT}: ${response.status}`,
        );
      }
      return (await response.json()) as CdiSpecFile[];
    },
    subscribe(listener) {
      hot.on(HOST_CDI_EVENT, listener);
      return () => hot.off(HOST_CDI_EVENT, listener);
    },
  };
}

/** Joins the editor's files with the host's; an editor's file wins its path. */
export function mergeHostCdiSpecs(
  editor: CdiSpecFile[],
  host: CdiSpecFile[],
): MergedCdiSpecs {
  const taken = new Set(editor.map((s) => s.path));
  const hidden = host.filter((s) => taken.has(s.path)).map((s) => s.path);
  const kept = host.filter((s) => !taken.has(s.path));
  return { specs: [...editor, ...kept], hidden };
}
