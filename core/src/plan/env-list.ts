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

/** Reads `K=V` strings into a list. */
export function envFromStrings(env: readonly string[]): EnvList {
  let list: EnvList = [];
  for (const entry of env) {
    const eq = entry.indexOf('=');
    list = envAddOrReplace(
      list,
      eq < 0 ? entry : entry.slice(0, eq),
      eq < 0 ? '' : entry.slice(eq + 1),
    );
  }
  return list;
}

/** Formats a list as `K=V` strings. */
export function envToStrings(list: EnvList): string[] {
  return list.map(([k, v]) => `${k}=${v}`);
}

/** Makes an expansion lookup over a list. */
export function envLookup(list: EnvList): Lookup {
  const map = new Map(list);
  return (name) => map.get(name);
}
