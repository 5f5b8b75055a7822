// Where Slipway keeps its state on a host: the image store, snapshots, the
// step cache and runtime bundles, all under one home folder.

import os from 'node:os';
import path from 'node:path';

/** Returns `$SLIPWAY_HOME`, else `$XDG_DATA_HOME/slipway` or `~/.local/share/slipway`. */
export function slipwayHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_HOME) return path.resolve(env.SLIPWAY_HOME);
  const data = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'slipway');
}

/** The folders of one Slipway home. */
export interface SlipwayPaths {
  home: string;
  /** The OCI image layout holding the built-in images. */
  images: string;
  /** Committed snapshots, one folder per cache key. */
  snapshots: string;
  /** What the step cache remembers, one JSON file per cache key. */
  records: string;
  /** Persistent `RUN --mount=type=cache` folders. */
  cacheMounts: string;
  /** Bundles of running containers. */
  run: string;
  /** Layer blobs made from snapshots, and per-version records. */
  layers: string;
}

/** Returns the folders under `home`. */
export function slipwayPaths(home = slipwayHome()): SlipwayPaths {
  return {
    home,
    images: path.join(home, 'images'),
    snapshots: path.join(home, 'snapshots'),
    records: path.join(home, 'records'),
    cacheMounts: path.join(home, 'cache-mounts'),
    run: path.join(home, 'run'),
    layers: path.join(home, 'layers'),
  };
}

/** Turns a `sha256:<hex>` key into a file name. */
export function keyFileName(key: string): string {
  return key.replace(/^sha256:/, '');
}
