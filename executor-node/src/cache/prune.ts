// `slipway prune`: removes snapshot versions no cache key points at (and not
// an ancestor of one that is), dangling keys and records, layer records of
// removed versions, unreferenced layer blobs and what dead builds left; with
// `all`, every snapshot, record, layer and cache mount. Base images stay.

import fs from 'node:fs';
import path from 'node:path';

import type { SlipwayPaths } from '../paths.ts';
import { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import { VERSIONS, VIEWS, WORK } from '../snapshot/snapshot-layout.ts';

/** What a prune removed. */
export interface PruneReport {
  versions: number;
  records: number;
  blobs: number;
  bytes: number;
}

/** Prunes a Slipway home; `all` empties the build cache. */
export function pruneHome(
  paths: SlipwayPaths,
  options: { all?: boolean } = {},
): PruneReport {
  const report: PruneReport = { versions: 0, records: 0, blobs: 0, bytes: 0 };
  // Opening the snapshots removes what dead builds left in .work and .views.
  const snapshots = new DirSnapshotter(paths.snapshots, 'copy');
  snapshots.release();
  const layout = snapshots.layout;
  const remove = (target: string) => {
    report.bytes += sizeOf(target);
    fs.rmSync(target, { recursive: true, force: true });
  };

  const live = new Set<string>();
  if (!options.all) {
    for (const name of layout.pointers()) {
      const meta = layout.current(`sha256:${name}`);
      if (!meta) continue;
      try {
        for (const m of layout.lineage(meta)) live.add(m.id);
      } catch {
        continue;
      }
    }
  }
  for (const name of layout.pointers()) {
    const meta = layout.current(`sha256:${name}`);
    if (!meta || !live.has(meta.id))
      fs.rmSync(layout.pointer(`sha256:${name}`));
  }
  for (const id of readdir(path.join(paths.snapshots, VERSIONS))) {
    if (live.has(id)) continue;
    remove(layout.version(id));
    report.versions++;
  }
  for (const name of readdir(paths.snapshots)) {
    // Old-layout folders and torn pointer files.
    if ([VERSIONS, WORK, VIEWS].includes(name) || name.startsWith('.')) {
      continue;
    }
    if (/^[0-9a-f]{64}$/.test(name)) continue;
    remove(path.join(paths.snapshots, name));
  }

  for (const name of readdir(paths.records)) {
    const key = `sha256:${name.slice(0, 64)}`;
    if (!options.all && layout.current(key)) continue;
    remove(path.join(paths.records, name));
    report.records++;
  }

  const kept = new Set<string>();
  for (const name of readdir(paths.layers)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(paths.layers, name);
    const version = name.split(/[-.]/)[0] as string;
    if (!options.all && live.has(version)) {
      const digest = layerDigest(file);
      if (digest) kept.add(digest.replace(/^sha256:/, ''));
      continue;
    }
    remove(file);
  }
  const blobs = path.join(paths.layers, 'blobs', 'sha256');
  for (const hex of readdir(blobs)) {
    if (kept.has(hex)) continue;
    remove(path.join(blobs, hex));
    report.blobs++;
  }

  if (options.all) {
    for (const name of readdir(paths.cacheMounts)) {
      remove(path.join(paths.cacheMounts, name));
    }
  }
  return report;
}

function layerDigest(file: string): string | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      layer?: { digest?: string } | null;
    };
    return record.layer?.digest;
  } catch {
    return undefined;
  }
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Bytes of the files under `target` (each inode once). */
function sizeOf(target: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (file: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(file);
    } catch {
      return;
    }
    const inode = `${stat.dev}:${stat.ino}`;
    if (seen.has(inode)) return;
    seen.add(inode);
    if (stat.isDirectory()) {
      for (const name of readdir(file)) walk(path.join(file, name));
    } else if (stat.isFile()) {
      total += stat.size;
    }
  };
  walk(target);
  return total;
}
