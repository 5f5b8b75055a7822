// Layer blobs made from snapshots, kept per snapshot version so a second
// export (or a cache export) of the same step reuses the blob.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import type { SnapshotMeta } from '../snapshot/snapshot-layout.ts';
import { writeLayerBlob, type LayerBlob } from './layer-blob.ts';
import { copyEntries, overlayEntries } from './layer-entries.ts';
import type { TarWriteOptions } from './tar-writer.ts';
import { readXattrs } from './xattrs.ts';

interface LayerRecord {
  version: string;
  key: string;
  /** Null when the step changed nothing. */
  layer: LayerBlob | null;
}

/** Keeps `<dir>/<version>.json` records and `<dir>/blobs/sha256/*`. */
export class LayerStore {
  readonly blobs: string;

  constructor(readonly dir: string) {
    this.blobs = path.join(dir, 'blobs');
    fs.mkdirSync(path.join(this.blobs, 'sha256'), { recursive: true });
  }

  /** Returns the file of a blob this store holds. */
  blobPath(digest: string): string {
    return path.join(this.blobs, 'sha256', digest.replace(/^sha256:/, ''));
  }

  /** Returns a version's layer over its parent; undefined when nothing changed. */
  async layerOf(
    snapshots: DirSnapshotter,
    meta: SnapshotMeta,
    options: TarWriteOptions = {},
  ): Promise<LayerBlob | undefined> {
    const file = this.recordFile(meta.id, options);
    const known = readRecord(file);
    if (
      known &&
      (!known.layer || fs.existsSync(this.blobPath(known.layer.digest)))
    ) {
      return known.layer ?? undefined;
    }

    const source = snapshots.diffSource(meta);
    const xattrs = await readXattrs(source.upper);
    const entries =
      source.kind === 'overlay'
        ? overlayEntries(source.upper, xattrs, source.lower)
        : copyEntries(source.upper, source.lower);
    const layer =
      entries.length === 0
        ? null
        : await writeLayerBlob(entries, xattrs, this.blobs, options);

    const record: LayerRecord = { version: meta.id, key: meta.key, layer };
    const tmp = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(record));
    fs.renameSync(tmp, file);
    return layer ?? undefined;
  }

  /** Lists the blob digests the records name. */
  referencedBlobs(keep: (version: string) => boolean): Set<string> {
    const out = new Set<string>();
    for (const name of fs.readdirSync(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const record = readRecord(path.join(this.dir, name));
      if (record?.layer && keep(record.version)) out.add(record.layer.digest);
    }
    return out;
  }

  private recordFile(version: string, options: TarWriteOptions): string {
    const clamp =
      options.clampMtime === undefined ? '' : `-t${options.clampMtime}`;
    return path.join(this.dir, `${version}${clamp}.json`);
  }
}

function readRecord(file: string): LayerRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LayerRecord;
  } catch {
    return undefined;
  }
}
