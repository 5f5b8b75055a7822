// Keeps a CDI registry fresh for a long-running process: watches the spec
// directories and rescans them all, after a short quiet period, whenever a
// spec file is written, added, renamed or removed, or a missing directory
// appears. Unlike the reference's watcher it also rescans on plain creates,
// so a spec moved in from another directory is seen too.

import type { FSWatcher } from 'node:fs';
import { watch } from 'node:fs';
import path from 'node:path';

import type { CdiRegistry } from '../../core/src/index.ts';
import { createCdiRegistry, isSpecFileName } from '../../core/src/index.ts';
import type { CdiRegistryOptions } from '../../core/src/index.ts';
import { readCdiSpecDirs } from './commands/cdi-spec-dirs.ts';

/** How the watcher rescans and whom it tells. */
export interface CdiWatchOptions {
  /** Quiet time after the last change before rescanning; default 100 ms. */
  debounceMs?: number;
  registry?: CdiRegistryOptions;
  /** Called with each fresh registry after a rescan. */
  onChange?: (registry: CdiRegistry) => void;
  /** Called when a rescan fails (an unreadable directory). */
  onError?: (error: Error) => void;
}

/** A registry that follows its spec directories until closed. */
export interface CdiRegistryWatcher {
  /** Returns the registry from the latest scan. */
  current(): CdiRegistry;
  /** Rescans now and returns the fresh registry. */
  refresh(): Promise<CdiRegistry>;
  /** Stops watching. */
  close(): void;
}

/** Scans `dirs` (lowest priority first) and keeps the registry fresh. */
export async function watchCdiSpecDirs(
  dirs: string[],
  options: CdiWatchOptions = {},
): Promise<CdiRegistryWatcher> {
  const debounceMs = options.debounceMs ?? 100;
  let registry = await scan(dirs, options);
  let watchers: FSWatcher[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let running: Promise<CdiRegistry> | undefined;

  const refresh = async (): Promise<CdiRegistry> => {
    // One scan at a time; a change during a scan schedules another.
    while (running) await running;
    running = scan(dirs, options);
    try {
      registry = await running;
    } finally {
      running = undefined;
    }
    return registry;
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      rewatch();
      refresh().then(
        (fresh) => !closed && options.onChange?.(fresh),
        (error: Error) => options.onError?.(error),
      );
    }, debounceMs);
  };

  // Watch each directory, or the parent of one that does not exist yet so
  // its creation is noticed.
  const rewatch = () => {
    for (const w of watchers) w.close();
    watchers = [];
    for (const dir of dirs) {
      const w =
        tryWatch(dir, (name) => {
          const self = name === path.basename(dir);
          if (name === null || self || isSpecFileName(name)) schedule();
        }) ??
        tryWatch(path.dirname(dir), (name) => {
          if (name === null || name === path.basename(dir)) schedule();
        });
      if (w) watchers.push(w);
    }
  };
  rewatch();

  return {
    current: () => registry,
    refresh,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
      watchers = [];
    },
  };
}

async function scan(
  dirs: string[],
  options: CdiWatchOptions,
): Promise<CdiRegistry> {
  return createCdiRegistry(await readCdiSpecDirs(dirs), options.registry);
}

function tryWatch(
  dir: string,
  onName: (name: string | null) => void,
): FSWatcher | undefined {
  try {
    const w = watch(dir, { persistent: false }, (_event, name) =>
      onName(name === null ? null : String(name)),
    );
    // A watched directory that is removed ends its watcher; rescanning
    // then watches the parent instead.
    w.on('error', () => onName(null));
    return w;
  } catch {
    return undefined;
  }
}
