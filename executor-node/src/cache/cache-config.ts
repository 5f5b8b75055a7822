// BuildKit's distributable cache format (cache/remotecache/v1): a config of
// layers (blobs chained by parent index) and records (cache keys, the layer
// chain each one's result is, and links to the records they depend on),
// carried by an image manifest or index. Slipway's keys and records ride in
// it: each record links to its filesystem parent and carries Slipway's own
// record in an extra field other readers ignore.

import type { CacheRecord } from '../../../core/src/index.ts';

/** The media type of BuildKit's cache config blob. */
export const CACHE_CONFIG_V0 = 'application/vnd.buildkit.cacheconfig.v0';

/** The image config field of BuildKit's inline cache. */
export const INLINE_CACHE_FIELD = 'moby.buildkit.cache.v0';

/** One layer blob of a cached step. */
export interface CacheLayer {
  digest: string;
  size: number;
  diffId: string;
  mediaType: string;
}

/** One cached step: its layers over its parent and what the cache remembers. */
export interface CacheEntry {
  key: string;
  parent?: string;
  /** Empty when the step changed no file; several for a base image. */
  layers: CacheLayer[];
  record?: CacheRecord;
  /** When the step's snapshot was made (RFC 3339). */
  createdAt?: string;
}

/** BuildKit's `CacheConfig` (v1/types/spec.go). */
export interface BuildKitCacheConfig {
  layers?: {
    blob: string;
    parent?: number;
    annotations?: {
      mediaType?: string;
      diffID?: string;
      size?: number;
      createdAt?: string;
    };
  }[];
  records?: BuildKitCacheRecord[];
}

/** BuildKit's `CacheRecord`, plus Slipway's record. */
export interface BuildKitCacheRecord {
  digest: string;
  layers?: { layer: number; createdAt?: string }[];
  chains?: { layers: number[]; createdAt?: string }[];
  inputs?: { selector?: string; link: number }[][];
  /** Slipway's own record of the step (BuildKit ignores unknown fields). */
  slipway?: { vertex: string; runEnv?: string[] };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Encodes entries (parents present) as a cache config: layers shared by
 * identical (blob, parent) pairs, records in dependency order.
 */
export function encodeCacheConfig(entries: CacheEntry[]): BuildKitCacheConfig {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const layers: NonNullable<BuildKitCacheConfig['layers']> = [];
  const records: BuildKitCacheRecord[] = [];
  const layerIndex = new Map<string, number>();
  const chainTop = new Map<string, number>();
  const recordIndex = new Map<string, number>();

  const visit = (entry: CacheEntry): void => {
    if (recordIndex.has(entry.key)) return;
    const parent = entry.parent ? byKey.get(entry.parent) : undefined;
    if (parent) visit(parent);
    let top = parent ? (chainTop.get(parent.key) ?? -1) : -1;
    const createdAt = entry.createdAt ?? ZERO_TIME;
    for (const layer of entry.layers) {
      const id = `${layer.digest} ${top}`;
      let index = layerIndex.get(id);
      if (index === undefined) {
        index = layers.length;
        layers.push({
          blob: layer.digest,
          // Go leaves out a zero parent index; -1 means no parent.
          ...(top !== 0 ? { parent: top } : {}),
          annotations: {
            mediaType: layer.mediaType,
            diffID: layer.diffId,
            size: layer.size,
            createdAt,
          },
        });
        layerIndex.set(id, index);
      }
      top = index;
    }
    chainTop.set(entry.key, top);
    const link = parent ? recordIndex.get(parent.key) : undefined;
    recordIndex.set(entry.key, records.length);
    records.push({
      digest: entry.key,
      ...(top >= 0 ? { layers: [{ layer: top, createdAt }] } : {}),
      ...(link !== undefined ? { inputs: [[{ link }]] } : {}),
      ...(entry.record
        ? {
            slipway: {
              vertex: entry.record.vertex,
              ...(entry.record.runEnv ? { runEnv: entry.record.runEnv } : {}),
            },
          }
        : {}),
    });
  };
  for (const entry of entries) visit(entry);
  return { layers, records };
}

/** Describes a layer blob the config names: from the manifest or annotations. */
export type LayerLookup = (
  digest: string,
  index: number,
) => CacheLayer | undefined;

/**
 * Decodes a cache config into Slipway entries. A record becomes an entry when
 * its layer chain is its parent's chain plus some layers; records of other
 * builders (no Slipway record) come out without one and are never reused.
 */
export function decodeCacheConfig(
  config: BuildKitCacheConfig,
  lookup: LayerLookup,
): Map<string, CacheEntry> {
  const layers = config.layers ?? [];
  const records = config.records ?? [];
  const chainOf = (record: BuildKitCacheRecord): number[] | undefined => {
    const chained = record.chains?.[0]?.layers;
    if (chained) return chained;
    const top = record.layers?.[0]?.layer;
    if (top === undefined) return [];
    const out: number[] = [];
    for (let at = top; at !== -1; at = layers[at]?.parent ?? 0) {
      if (!layers[at] || out.length > layers.length) return undefined;
      out.unshift(at);
    }
    return out;
  };

  const entries = new Map<string, CacheEntry>();
  for (const record of records) {
    const chain = chainOf(record);
    const link = record.inputs?.[0]?.[0]?.link;
    const parent = link === undefined ? undefined : records[link];
    const base = parent ? chainOf(parent) : [];
    if (!chain || !base || !startsWith(chain, base)) continue;

    const own: CacheLayer[] = [];
    for (const index of chain.slice(base.length)) {
      const blob = layers[index]?.blob;
      const layer = blob === undefined ? undefined : lookup(blob, index);
      if (!layer) break;
      own.push(layer);
    }
    if (own.length !== chain.length - base.length) continue;
    const createdAt =
      record.layers?.[0]?.createdAt ?? record.chains?.[0]?.createdAt;
    entries.set(record.digest, {
      key: record.digest,
      ...(parent ? { parent: parent.digest } : {}),
      layers: own,
      ...(record.slipway
        ? {
            record: {
              key: record.digest,
              vertex: record.slipway.vertex,
              ...(record.slipway.runEnv
                ? { runEnv: record.slipway.runEnv }
                : {}),
            },
          }
        : {}),
      ...(createdAt ? { createdAt } : {}),
    });
  }
  return entries;
}

/** Returns the layer lookup of a config whose layers carry annotations. */
export function annotatedLayers(
  config: BuildKitCacheConfig,
  descriptors: Map<
    string,
    { mediaType: string; size: number; diffId?: string }
  >,
): LayerLookup {
  return (digest, index) => {
    const annotations = config.layers?.[index]?.annotations;
    const described = descriptors.get(digest);
    const mediaType = described?.mediaType ?? annotations?.mediaType;
    const diffId = described?.diffId ?? annotations?.diffID;
    const size = described?.size ?? annotations?.size;
    if (!mediaType || !diffId || size === undefined) return undefined;
    return { digest, size, diffId, mediaType };
  };
}

function startsWith(list: number[], prefix: number[]): boolean {
  return prefix.every((value, i) => list[i] === value);
}
