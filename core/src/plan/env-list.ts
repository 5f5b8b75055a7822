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
  return [...list.filter(([k]) => k !== key), [key, value]];
}

/** Sets every pair of `pairs` (keys unique) in turn, as envAddOrReplace would. */
export function envAddAll(list: EnvList, pairs: EnvList): EnvList {
  if (pairs.length === 0) return list;
  const keys = new Set(pairs.map(([key]) => key));
  return [...list.filter(([key]) => !keys.has(key)), ...pairs];
}

/** Sets `key` in an image config env (`K=V` strings), keeping its position. */
export function configEnvSet(
  env: string[],
  key: string,
  value: string,
): string[] {
  const out = [...env];
  const at = out.findIndex((entry) => entry.split('=', 1)[0] === key);
  if (at >= 0) out[at] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

/** Reads `K=V` strings into a list (a key set again moves to the end). */
export function envFromStrings(env: readonly string[]): EnvList {
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
