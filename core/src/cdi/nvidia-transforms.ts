// The clean-up nvidia-ctk runs on a spec before saving it: de-duplicate
// every list, lift what the spec applies out of each device, add a merged
// device, and sort nodes and mounts by depth.

import type {
  CdiContainerEdits,
  CdiDeviceNode,
  CdiHook,
  CdiMount,
  CdiSpec,
} from '../model/cdi.ts';
import { cleanPath } from '../util/posix-path.ts';

/**
 * Simplifies the spec in place as the toolkit does: de-duplicates every list,
 * drops from each device what the spec already applies (unless that leaves
 * it empty), then sorts.
 */
export function simplify(spec: CdiSpec): void {
  dedupe(spec.containerEdits!);
  for (const d of spec.devices) dedupe(d.containerEdits);
  const common = spec.containerEdits!;
  const ids = new Set([
    ...(common.deviceNodes ?? []).map(nodeId),
    ...(common.env ?? []),
    ...(common.hooks ?? []).map(hookId),
    ...(common.mounts ?? []).map(mountId),
  ]);
  for (const d of spec.devices) {
    const e = d.containerEdits;
    const kept: CdiContainerEdits = {
      ...e,
      deviceNodes: (e.deviceNodes ?? []).filter((n) => !ids.has(nodeId(n))),
      env: (e.env ?? []).filter((v) => !ids.has(v)),
      hooks: (e.hooks ?? []).filter((h) => !ids.has(hookId(h))),
      mounts: (e.mounts ?? []).filter((m) => !ids.has(mountId(m))),
    };
    const empty = ['deviceNodes', 'env', 'hooks', 'mounts'].every(
      (k) => (kept[k as 'env'] ?? []).length === 0,
    );
    if (!empty) d.containerEdits = kept;
  }
  sortEdits(common);
  for (const d of spec.devices) sortEdits(d.containerEdits);
  spec.devices.sort((a, b) => compare(a.name, b.name));
}

/** Adds device `name` with every device's edits, unless it exists. */
export function addMergedDevice(spec: CdiSpec, name: string): void {
  if (spec.devices.some((d) => d.name === name)) return;
  const merged: CdiContainerEdits = {};
  for (const d of spec.devices) {
    const e = d.containerEdits;
    for (const key of [
      'env',
      'deviceNodes',
      'hooks',
      'mounts',
      'additionalGids',
    ] as const) {
      const list = (e[key] ?? []) as unknown[];
      if (list.length === 0) continue;
      (merged[key] as unknown[]) = [
        ...((merged[key] as unknown[]) ?? []),
        ...copy(list),
      ];
    }
  }
  spec.devices.push({ name, containerEdits: merged });
  simplify(spec);
}

function dedupe(e: CdiContainerEdits): void {
  const unique = <T>(list: T[] | undefined, id: (x: T) => string) => {
    const seen = new Set<string>();
    return (list ?? []).filter((x) => {
      const k = id(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  e.additionalGids = [...new Set(e.additionalGids ?? [])].sort((a, b) => a - b);
  e.deviceNodes = unique(e.deviceNodes, nodeId);
  e.env = unique(e.env, (v) => v);
  e.hooks = unique(e.hooks, hookId);
  e.mounts = unique(e.mounts, mountId);
}

function sortEdits(e: CdiContainerEdits): void {
  const depth = (p: string) => cleanPath(p).split('/').length - 1;
  const byPath = (a: string, b: string) => depth(a) - depth(b) || compare(a, b);
  e.deviceNodes?.sort((a, b) => byPath(a.path, b.path));
  e.mounts?.sort((a, b) => byPath(a.containerPath, b.containerPath));
}

// Identities as the toolkit's JSON encoding of each entity.
function nodeId(n: CdiDeviceNode): string {
  return JSON.stringify([
    n.path,
    n.hostPath,
    n.type,
    n.major,
    n.minor,
    n.fileMode,
    n.permissions,
    n.uid,
    n.gid,
  ]);
}

function hookId(h: CdiHook): string {
  return JSON.stringify([h.hookName, h.path, h.args, h.env, h.timeout]);
}

function mountId(m: CdiMount): string {
  return JSON.stringify([m.hostPath, m.containerPath, m.options, m.type]);
}

/** Drops empty lists so the written spec carries only what is set. */
export function prune(spec: CdiSpec): CdiSpec {
  const clean = (e: CdiContainerEdits): CdiContainerEdits => {
    const out: CdiContainerEdits = {};
    for (const [k, v] of Object.entries(e)) {
      if (Array.isArray(v) && v.length === 0) continue;
      if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    }
    return out;
  };
  return {
    ...spec,
    devices: spec.devices.map((d) => ({
      ...d,
      containerEdits: clean(d.containerEdits),
    })),
    containerEdits: clean(spec.containerEdits ?? {}),
  };
}

/** Returns a deep copy of plain data. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
