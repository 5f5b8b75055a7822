// Content addresses for plan vertices: sha256 over a canonical JSON form, so
// equal operations on equal inputs get equal ids wherever they are planned.

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

/**
 * Hashes an operation given as a fixed-order list of parts (strings,
 * numbers, booleans, arrays of them, or canonical JSON made beforehand) to a
 * `sha256:<hex>` digest. The planner's vertices use it: their parts always
 * come in the same order, so no key sorting is needed.
 */
export function hashParts(parts: readonly unknown[], memo?: HashMemo): string {
  const text = JSON.stringify(parts);
  if (memo === undefined) return sha256Digest(text);
  let digest = memo.get(text);
  if (digest === undefined) {
    // Bounded: a long editing session must not grow it forever.
    if (memo.size >= HASH_MEMO_LIMIT) memo.clear();
    digest = sha256Digest(text);
    memo.set(text, digest);
  }
  return digest;
}

/** Digests already computed, by the text they were computed from. */
export type HashMemo = Map<string, string>;

const HASH_MEMO_LIMIT = 100_000;
