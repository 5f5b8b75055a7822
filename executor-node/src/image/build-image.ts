// Assembles one platform's image from a build result: the base image's own
// layers where its blobs are at hand, one layer per filesystem step (the
// snapshot's changes over its parent), the config with history and diff_ids,
// and the manifest, in OCI or Docker media types.

import crypto from 'node:crypto';
import fs from 'node:fs';

import {
  toOciConfigBody,
  type ExportResult,
  type HistoryRow,
} from '../../../core/src/index.ts';
import type { LayerBlob } from '../layer/layer-blob.ts';
import type { LayerStore } from '../layer/layer-store.ts';
import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import type { SnapshotMeta } from '../snapshot/snapshot-layout.ts';
import { exportedPlatform, type OciPlatform } from './oci-config.ts';
import { MEDIA_TYPES, type MediaVariant } from './media-types.ts';

/** A blob of an image: bytes in memory or a file. */
export interface ImageBlob {
  digest: string;
  size: number;
  mediaType: string;
  bytes?: Buffer;
  file?: string;
}

/** One platform's image, ready to be written or pushed. */
export interface BuiltImage {
  platform: OciPlatform;
  manifest: ImageBlob & { bytes: Buffer };
  config: ImageBlob & { bytes: Buffer };
  layers: ImageBlob[];
}

/** What image assembly reads from. */
export interface ImageBuildContext {
  snapshots: DirSnapshotter;
  layers: LayerStore;
  /** Finds a blob of the base image's store by digest. */
  findBlob: (digest: string) => string | undefined;
  variant: MediaVariant;
  /** The image's creation time. */
  created: Date;
  /** SOURCE_DATE_EPOCH, in seconds: clamps file times in new layers. */
  epoch?: number;
  /** No `--platform` was given: the config keeps its base image's platform. */
  implicitTarget?: boolean;
}

interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

interface Parts {
  layers: ImageBlob[];
  diffIds: string[];
  history: HistoryEntry[];
}

/** Builds the image of one result. */
export async function buildImage(
  result: ExportResult,
  context: ImageBuildContext,
): Promise<BuiltImage> {
  const top = context.snapshots.version(result.snapshot);
  if (!top) throw new Error(`internal: snapshot ${result.snapshot} is missing`);
  const lineage = context.snapshots.layout.lineage(top).reverse();
  const root = lineage[0];
  const types = MEDIA_TYPES[context.variant];
  const created = context.created.toISOString();

  const texts = new Map(
    (result.steps ?? []).map((step) => [step.snapshot, step.createdBy]),
  );
  const rows = planRows(result, created);
  const parts: Parts = { layers: [], diffIds: [], history: [] };
  const metas = [...lineage];
  if (root && result.base && root.key === result.base.snapshot) {
    metas.shift();
    const base = baseParts(result.base.image.digest, context);
    if (base) append(parts, base);
    else await addStep(parts, root, rootText(result), context, created);
  }
  for (const meta of metas) {
    const row = rows.next(meta.key);
    parts.history.push(...rows.emptyRows);
    const text = row?.createdBy ?? texts.get(meta.key) ?? '';
    await addStep(parts, meta, text, context, created);
  }
  rows.next(undefined);
  parts.history.push(...rows.emptyRows);

  const platform = exportedPlatform(
    result.platform,
    result.config,
    context.implicitTarget ?? false,
  );
  const configDoc = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: toOciConfigBody(result.config),
    rootfs: { type: 'layers', diff_ids: parts.diffIds },
    history: parts.history,
  };
  const config = jsonBlob(configDoc, types.config);
  const layers = parts.layers.map((layer) => ({
    ...layer,
    mediaType: types.layer(layer.mediaType),
  }));
  const manifest = jsonBlob(
    {
      schemaVersion: 2,
      mediaType: types.manifest,
      config: descriptor(config),
      layers: layers.map(descriptor),
    },
    types.manifest,
  );
  return { platform, manifest, config, layers };
}

/** Returns a blob's descriptor fields. */
export function descriptor(blob: ImageBlob): {
  mediaType: string;
  digest: string;
  size: number;
} {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

/** Serialises a JSON document as a blob. */
export function jsonBlob(
  doc: unknown,
  mediaType: string,
): ImageBlob & { bytes: Buffer } {
  const bytes = Buffer.from(JSON.stringify(doc));
  const digest = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
  return { digest, size: bytes.length, mediaType, bytes };
}

async function addStep(
  parts: Parts,
  meta: SnapshotMeta,
  createdBy: string,
  context: ImageBuildContext,
  created: string,
): Promise<void> {
  const epoch = context.epoch;
  const layer = await context.layers.layerOf(
    context.snapshots,
    meta,
    epoch === undefined ? {} : { clampMtime: epoch },
  );
  const entry: HistoryEntry = {
    created,
    created_by: createdBy,
    comment: 'buildkit.dockerfile.v0',
  };
  if (!layer) {
    if (createdBy === '') return;
    parts.history.push({ ...entry, empty_layer: true });
    return;
  }
  parts.layers.push(layerBlob(layer, context.layers));
  parts.diffIds.push(layer.diffId);
  parts.history.push(entry);
}

function layerBlob(layer: LayerBlob, store: LayerStore): ImageBlob {
  return {
    digest: layer.digest,
    size: layer.size,
    mediaType: layer.mediaType,
    file: store.blobPath(layer.digest),
  };
}

/** The base image's layers, diff_ids and history, if all its blobs are here. */
function baseParts(
  manifestDigest: string,
  context: ImageBuildContext,
): Parts | undefined {
  const manifest = readJson<{
    config?: { digest: string };
    layers?: { digest: string; size: number; mediaType: string }[];
  }>(context.findBlob(manifestDigest));
  const config = readJson<{
    rootfs?: { diff_ids?: string[] };
    history?: HistoryEntry[];
  }>(manifest?.config ? context.findBlob(manifest.config.digest) : undefined);
  const diffIds = config?.rootfs?.diff_ids;
  if (!manifest?.layers || !diffIds) return undefined;
  if (diffIds.length !== manifest.layers.length) return undefined;

  const layers: ImageBlob[] = [];
  for (const layer of manifest.layers) {
    const file = context.findBlob(layer.digest);
    if (!file) return undefined;
    layers.push({ ...layer, file });
  }
  return { layers, diffIds, history: config?.history ?? [] };
}

/**
 * Walks the plan's history rows along the snapshots: each snapshot takes the
 * row of its step's vertex, after the empty-layer rows written before it.
 */
function planRows(result: ExportResult, created: string) {
  const rows = result.history ?? [];
  const vertexOf = new Map(
    (result.steps ?? []).map((step) => [step.snapshot, step.vertex]),
  );
  let cursor = 0;
  const walker = {
    emptyRows: [] as HistoryEntry[],
    next(snapshot: string | undefined): HistoryRow | undefined {
      walker.emptyRows = [];
      const vertex =
        snapshot === undefined ? undefined : vertexOf.get(snapshot);
      if (snapshot !== undefined && vertex === undefined) return undefined;
      let at = rows.length;
      if (vertex !== undefined) {
        at = rows.findIndex((r, i) => i >= cursor && r.vertex === vertex);
        if (at < 0) return undefined;
      }
      for (const row of rows.slice(cursor, at)) {
        if (!row.emptyLayer) continue;
        walker.emptyRows.push(emptyEntry(row.createdBy, created));
      }
      cursor = at + 1;
      return rows[at];
    },
  };
  return walker;
}

function emptyEntry(createdBy: string, created: string): HistoryEntry {
  return {
    created,
    created_by: createdBy,
    comment: 'buildkit.dockerfile.v0',
    empty_layer: true,
  };
}

function append(parts: Parts, more: Parts): void {
  parts.layers.push(...more.layers);
  parts.diffIds.push(...more.diffIds);
  parts.history.push(...more.history);
}

function rootText(result: ExportResult): string {
  return result.base ? `FROM ${result.base.image.ref}` : '';
}

function readJson<T>(file: string | undefined): T | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
