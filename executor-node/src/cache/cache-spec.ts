// `--cache-to` and `--cache-from` values, read as buildx reads them: CSV
// `key=value` fields; only the local type is served here.

/** One cache import or export. */
export interface CacheSpec {
  type: string;
  attrs: Record<string, string>;
}

/** A local cache folder and how much of the build goes into it. */
export interface LocalCacheSpec {
  dir: string;
  /** `min`: the results' own steps; `max`: every step of the build. */
  mode: 'min' | 'max';
}

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

/** Checks a spec for the local cache and returns its folder. */
export function localCache(
  spec: CacheSpec,
  direction: 'to' | 'from',
): LocalCacheSpec {
  if (spec.type !== 'local') {
    throw new Error(
      `cache ${direction === 'to' ? 'exporter' : 'importer'} "${spec.type}" is not supported by slipway yet (only type=local)`,
    );
  }
  const dir = direction === 'to' ? spec.attrs.dest : spec.attrs.src;
  if (!dir) {
    throw new Error(
      direction === 'to'
        ? 'dest is required for local cache exporter'
        : 'src is required for local cache importer',
    );
  }
  const mode = spec.attrs.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') {
    throw new Error(`invalid cache mode: ${mode}`);
  }
  return { dir, mode };
}
