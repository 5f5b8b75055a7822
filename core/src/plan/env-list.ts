// Ordered environment lists: BuildKit's state env (a key set again moves to
// the end) and the image config env (a key set again keeps its place).

import type { Lookup } from '../expand/shell-lexer.ts';

/** Name/value pairs in order. */
export type EnvList = [string, string][];

/** Returns the value of `key`, or undefined. */
export function envGet(list: EnvList, key: string): string | undefined {
  for (const [k, v] of list) if (k === key) return v;
  return undefined;
}

/** Sets `key` the way LLB state env does: the new value goes last. */
export function envAddOrReplace(
  list: EnvList,
  key: string,
  value: string,
): EnvList {
  const out: EnvList = [];
  for (const pair of list) if (pair[0] !== key) out.push(pair);
  out.push([key, value]);
  return out;
}

/** Sets every pair of `pairs` (keys unique) in turn, as envAddOrReplace would. */
export function envAddAll(list: EnvList, pairs: EnvList): EnvList {
  if (pairs.length === 0) return list;
  const out: EnvList = [];
  if (pairs.length > SMALL) {
    const keys = new Set(pairs.map(([key]) => key));
    for (const pair of list) if (!keys.has(pair[0])) out.push(pair);
  } else {
    for (const pair of list) if (!hasKey(pairs, pair[0])) out.push(pair);
  }
  for (const pair of pairs) out.push(pair);
  return out;
}

/** Sets `key` in an image config env (`K=V` strings), keeping its position. */
export function configEnvSet(
  env: string[],
  key: string,
  value: string,
): string[] {
  const out = [...env];
  // The entry's name is the text before its first `=`, so one with `=` in
  // it names nothing.
  const at = key.includes('=')
    ? -1
    : out.findIndex(
        (entry) =>
          entry.startsWith(key) &&
          (entry.length === key.length || entry.charCodeAt(key.length) === 61),
      );
  if (at >= 0) out[at] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

/** Reads `K=V` strings into a list (a key set again moves to the end). */
export function envFromStrings(env: readonly string[]): EnvList {
  if (env.length <= SMALL) return envFromFewStrings(env);
  const byKey = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    // Deleting first moves a repeated key to the end, as envAddOrReplace does.
    byKey.delete(key);
    byKey.set(key, eq < 0 ? '' : entry.slice(eq + 1));
  }
  return [...byKey];
}

// Up to this many entries, scanning a list beats building a map or set.
const SMALL = 32;

function envFromFewStrings(env: readonly string[]): EnvList {
  const out: EnvList = [];
  for (const entry of env) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    const at = out.findIndex((pair) => pair[0] === key);
    // A key set again moves to the end, as envAddOrReplace does.
    if (at >= 0) out.splice(at, 1);
    out.push([key, eq < 0 ? '' : entry.slice(eq + 1)]);
  }
  return out;
}

function hasKey(list: EnvList, key: string): boolean {
  for (const pair of list) if (pair[0] === key) return true;
  return false;
}

/** Formats a list as `K=V` strings. */
export function envToStrings(list: EnvList): string[] {
  return list.map(([k, v]) => `${k}=${v}`);
}

const lookups = new WeakMap<EnvList, Lookup>();

/**
 * Makes an expansion lookup over a list. Lists are never changed in place,
 * so one lookup serves every expansion against the same list, and its map
 * is built only when a variable is first looked up.
 */
export function envLookup(list: EnvList): Lookup {
  let lookup = lookups.get(list);
  if (lookup !== undefined) return lookup;
  let map: Map<string, string> | undefined;
  lookup = (name) => (map ??= new Map(list)).get(name);
  lookups.set(list, lookup);
  return lookup;
}
