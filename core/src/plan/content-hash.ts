// Content addresses of plain values: sha256 over a canonical JSON form, so
// equal values get equal digests wherever they are computed.

import { sha256Digest } from './sha256.ts';

/** Returns JSON with object keys sorted and `undefined` members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  }
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map(
      (key) =>
        `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${entries.join(',')}}`;
}

/** Hashes a value's canonical JSON to a `sha256:<hex>` digest. */
export function contentHash(value: unknown): string {
  return sha256Digest(canonicalJson(value));
}
