// What the playground keeps in IndexedDB: booted guest states (snapshots)
// and the image store. Counts, sizes and clearing, for the settings panel.

import { clear, createStore } from 'idb-keyval';
import {
  eachEntry,
  imageStoreUsage,
  openImageStore,
} from './v86/image-store.ts';
import { announceStoreChange } from './store-change.ts';

/** The databases to look at; tests pass their own. */
export interface StoreNames {
  stateDatabase?: string;
  imageDatabase?: string;
}

/** Counts and sizes of what is stored. */
export interface StoredData {
  snapshots: { count: number; bytes: number };
  images: { names: number; blobs: number; bytes: number };
}

/** Counts the stored guest states and the image store's blobs and names. */
export async function readStoredData(names: StoreNames): Promise<StoredData> {
  const snapshots = { count: 0, bytes: 0 };
  await eachEntry(stateStore(names), (_key, value) => {
    snapshots.count++;
    if (value instanceof Uint8Array) snapshots.bytes += value.byteLength;
  });
  const images = await imageStoreUsage(openImageStore(names.imageDatabase));
  return { snapshots, images };
}

/** Deletes every stored guest state; the next start boots cold. */
export async function clearSnapshots(names: StoreNames): Promise<void> {
  await clear(stateStore(names));
  announceStoreChange();
}

/** Deletes every blob and imported name; bundles are copied again on use. */
export async function clearImages(names: StoreNames): Promise<void> {
  await clear(openImageStore(names.imageDatabase));
  announceStoreChange();
}

/** Formats a byte count for people, e.g. `2.1 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

// The database and store guest-start.ts keeps states in (named here so the
// page need not load the emulator's modules).
function stateStore(names: StoreNames) {
  return createStore(names.stateDatabase ?? 'slipway-guest', 'states');
}
