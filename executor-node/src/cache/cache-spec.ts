// `--cache-to` and `--cache-from` values, read as buildx reads them: CSV
// `key=value` fields, a bare value being a registry reference; the local,
// registry and inline types are served here.

import type { CacheManifestOptions } from './cache-manifest.ts';

/** One cache import or export as written. */
export interface CacheSpec {
  type: string;
  attrs: Record<string, string>;
}

/** Where a cache export goes, and how much of the build. */
export type CacheExportTarget =
  | {
      type: 'local';
      dir: string;
      /** `min`: the results' own steps; `max`: every step of the build. */
      mode: 'min' | 'max';
      tag: string;
      manifest: CacheManifestOptions;
      ignoreError: boolean;
    }
  | {
      type: 'registry';
      ref: string;
      mode: 'min' | 'max';
      manifest: CacheManifestOptions;
      ignoreError: boolean;
    }
  | { type: 'inline' };

/** Where a cache import comes from. */
export type CacheImportSource =
  | { type: 'local'; dir: string; tag: string }
  | { type: 'registry'; ref: string };

/** A local cache folder and how much of the build goes into it. */
export type LocalCacheSpec = Extract<CacheExportTarget, { type: 'local' }>;

/** Parses one `--cache-to`/`--cache-from` value. */
export function parseCacheSpec(value: string): CacheSpec {
  const attrs: Record<string, string> = {};
  let type = '';
  for (const field of value.split(',')) {
    const eq = field.indexOf('=');
    if (eq < 0) {
      // buildx reads a bare value as a registry reference.
      if (value.includes('=')) throw new Error(`invalid value ${field}`);
      return { type: 'registry', attrs: { ref: value } };
    }
    const key = field.slice(0, eq).trim().toLowerCase();
    const text = field.slice(eq + 1);
    if (key === 'type') type = text;
    else attrs[key] = text;
  }
  if (type === '') throw new Error('type required for cache option');
  return { type, attrs };
}

/** Checks a `--cache-to` spec and returns its target. */
export function cacheExportTarget(spec: CacheSpec): CacheExportTarget {
  if (spec.type === 'inline') return { type: 'inline' };
  const mode = spec.attrs.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') {
    throw new Error(`invalid cache mode: ${mode}`);
  }
  const oci = parseBool(spec.attrs['oci-mediatypes'], 'oci-mediatypes') ?? true;
  const manifest = {
    oci,
    imageManifest:
      parseBool(spec.attrs['image-manifest'], 'image-manifest') ?? oci,
  };
  const ignoreError =
    parseBool(spec.attrs['ignore-error'], 'ignore-error') ?? false;
  if (spec.type === 'local') {
    const dir = spec.attrs.dest;
    if (!dir) throw new Error('dest is required for local cache exporter');
    const tag = spec.attrs.tag ?? 'latest';
    return { type: 'local', dir, mode, tag, manifest, ignoreError };
  }
  if (spec.type === 'registry') {
    const ref = spec.attrs.ref;
    if (!ref) throw new Error('registry cache exporter requires ref');
    return { type: 'registry', ref, mode, manifest, ignoreError };
  }
  throw unsupported(spec.type, 'exporter');
}

/** Checks a `--cache-from` spec and returns its source. */
export function cacheImportSource(spec: CacheSpec): CacheImportSource {
  if (spec.type === 'local') {
    const dir = spec.attrs.src;
    if (!dir) throw new Error('src is required for local cache importer');
    return { type: 'local', dir, tag: spec.attrs.tag ?? 'latest' };
  }
  if (spec.type === 'registry') {
    const ref = spec.attrs.ref;
    if (!ref) throw new Error('registry cache importer requires ref');
    return { type: 'registry', ref };
  }
  throw unsupported(spec.type, 'importer');
}

function unsupported(type: string, role: 'exporter' | 'importer'): Error {
  return new Error(
    `cache ${role} "${type}" is not supported by slipway yet (only type=local, type=registry${role === 'exporter' ? ' and type=inline' : ''})`,
  );
}

function parseBool(
  value: string | undefined,
  name: string,
): boolean | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (['1', 't', 'true'].includes(lower)) return true;
  if (['0', 'f', 'false'].includes(lower)) return false;
  throw new Error(`failed to parse ${name}: invalid boolean "${value}"`);
}
