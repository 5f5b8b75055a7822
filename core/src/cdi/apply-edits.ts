// Applies CDI container edits to an OCI runtime spec with the reference's
// merge rules: env replaced in place, device nodes completed from host facts
// with a cgroup rule each, mounts de-duplicated and sorted by depth, hooks.

import type {
  CdiContainerEdits,
  CdiDeviceNode,
  HostDeviceLookup,
  OciHookName,
  OciLinuxDevice,
  OciMount,
  OciSpec,
} from '../model/cdi.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import { goQuote } from './go-format.ts';
import { cleanPath } from '../util/posix-path.ts';

/** The edited spec (a copy) and any problem; on error the copy is unedited. */
export interface AppliedEdits {
  spec: OciSpec;
  diagnostics: Diagnostic[];
}

const HOOK_NAMES: OciHookName[] = [
  'prestart',
  'createRuntime',
  'createContainer',
  'startContainer',
  'poststart',
  'poststop',
];

/** Merges the edits in order and applies them once to a copy of `spec`. */
export function applyCdiEdits(
  spec: OciSpec,
  edits: CdiContainerEdits[],
  lookup?: HostDeviceLookup,
): AppliedEdits {
  const merged = mergeEdits(edits);
  const out = clone(spec);
  const diagnostics: Diagnostic[] = [];
  try {
    applyMerged(out, merged, lookup, diagnostics);
  } catch (err) {
    if (!(err instanceof EditError)) throw err;
    return {
      spec: clone(spec),
      diagnostics: [
        ...diagnostics,
        {
          code: 'cdi-inject-failed',
          severity: 'error',
          message: `CDI device injection failed: failed to inject devices: ${err.message}`,
        },
      ],
    };
  }
  return { spec: out, diagnostics };
}

/** Concatenates edit lists in order; the last intelRdt wins. */
export function mergeEdits(edits: CdiContainerEdits[]): CdiContainerEdits {
  const out: Required<Omit<CdiContainerEdits, 'intelRdt'>> &
    Pick<CdiContainerEdits, 'intelRdt'> = {
    env: [],
    deviceNodes: [],
    netDevices: [],
    hooks: [],
    mounts: [],
    additionalGids: [],
  };
  for (const e of edits) {
    out.env.push(...(e.env ?? []));
    out.deviceNodes.push(...(e.deviceNodes ?? []));
    out.netDevices.push(...(e.netDevices ?? []));
    out.hooks.push(...(e.hooks ?? []));
    out.mounts.push(...(e.mounts ?? []));
    if (e.intelRdt) out.intelRdt = e.intelRdt;
    out.additionalGids.push(...(e.additionalGids ?? []));
  }
  return out;
}

class EditError extends Error {}

function applyMerged(
  spec: OciSpec,
  e: CdiContainerEdits,
  lookup: HostDeviceLookup | undefined,
  diagnostics: Diagnostic[],
): void {
  if ((e.env ?? []).length > 0) applyEnv(spec, e.env!);
  for (const node of e.deviceNodes ?? [])
    applyDeviceNode(spec, node, lookup, diagnostics);
  for (const d of e.netDevices ?? []) {
    const linux = (spec.linux ??= {});
    const net = ((linux.netDevices as
      Record<string, { name: string }> | undefined) ??= {});
    net[d.hostInterfaceName] = { name: d.name };
    linux.netDevices = net;
  }
  if ((e.mounts ?? []).length > 0) applyMounts(spec, e.mounts!);
  for (const h of e.hooks ?? []) {
    if (!HOOK_NAMES.includes(h.hookName as OciHookName)) {
      throw new EditError(`unknown hook name ${goQuote(h.hookName)}`);
    }
    const hooks = (spec.hooks ??= {});
    const list = (hooks[h.hookName as OciHookName] ??= []);
    list.push(
      omitEmpty({ path: h.path, args: h.args, env: h.env, timeout: h.timeout }),
    );
  }
  if (e.intelRdt) {
    const r = e.intelRdt;
    (spec.linux ??= {}).intelRdt = omitEmpty({
      closID: r.closID || undefined,
      l3CacheSchema: r.l3CacheSchema || undefined,
      memBwSchema: r.memBwSchema || undefined,
      schemata: r.schemata,
      enableMonitoring: r.enableMonitoring || undefined,
    });
  }
  for (const gid of e.additionalGids ?? []) {
    if (gid === 0) continue;
    const process = (spec.process ??= {});
    const user = (process.user ??= { uid: 0, gid: 0 });
    const gids = (user.additionalGids ??= []);
    if (!gids.includes(gid)) gids.push(gid);
  }
}

function applyEnv(spec: OciSpec, env: string[]): void {
  const process = (spec.process ??= {});
  const list = (process.env ??= []);
  const index = new Map<string, number>();
  list.forEach((v, i) => index.set(keyOf(v), i));
  for (const v of env) {
    const at = index.get(keyOf(v));
    if (at !== undefined) list[at] = v;
    else {
      list.push(v);
      index.set(keyOf(v), list.length - 1);
    }
  }
}

function applyDeviceNode(
  spec: OciSpec,
  node: CdiDeviceNode,
  lookup: HostDeviceLookup | undefined,
  diagnostics: Diagnostic[],
): void {
  const d = fillMissingInfo({ ...node }, lookup, diagnostics);
  const dev: OciLinuxDevice = omitEmpty({
    path: d.path,
    type: d.type ?? '',
    major: d.major ?? 0,
    minor: d.minor ?? 0,
    fileMode: d.fileMode,
    uid: d.uid,
    gid: d.gid,
  });
  const user = spec.process?.user;
  if (dev.uid === undefined && spec.process && (user?.uid ?? 0) > 0)
    dev.uid = user!.uid;
  if (dev.gid === undefined && spec.process && (user?.gid ?? 0) > 0)
    dev.gid = user!.gid;

  const linux = (spec.linux ??= {});
  const devices = (linux.devices ??= []);
  const old = devices.findIndex((x) => x.path === dev.path);
  if (old >= 0) devices.splice(old, 1);
  devices.push(dev);

  if (dev.type === 'b' || dev.type === 'c') {
    const perms = d.permissions ?? '';
    const access = perms === '' ? 'rwm' : perms === 'none' ? '' : perms;
    const resources = (linux.resources ??= {});
    const rules = (resources.devices ??= []);
    rules.push(
      omitEmpty({
        allow: true,
        type: dev.type,
        major: dev.major,
        minor: dev.minor,
        access: access || undefined,
      }),
    );
  }
}

function fillMissingInfo(
  d: CdiDeviceNode,
  lookup: HostDeviceLookup | undefined,
  diagnostics: Diagnostic[],
): CdiDeviceNode {
  const type = d.type ?? '';
  const minimal = type !== '' && ((d.major ?? 0) !== 0 || type === 'p');
  const hostPath = d.hostPath || d.path;
  d.hostPath = hostPath;

  if (!lookup) {
    if (!minimal) {
      diagnostics.push({
        code: 'cdi-host-facts-missing',
        severity: 'info',
        message: `device node ${goQuote(d.path)}: type and numbers come from host device ${goQuote(hostPath)} when the step runs`,
      });
    }
    return d;
  }
  const info = lookup(hostPath);
  if (!info) {
    if (!minimal) {
      throw new EditError(
        `failed to stat CDI host device ${goQuote(hostPath)}: no such file or directory`,
      );
    }
    return d;
  }
  if (d.fileMode === undefined) d.fileMode = info.fileMode;
  if (minimal) return d;
  if (type === '') d.type = info.type;
  if (d.type !== info.type) {
    throw new EditError(
      `CDI device (${goQuote(d.path)}, ${goQuote(hostPath)}), host type mismatch (${d.type}, ${info.type})`,
    );
  }
  if (d.type === 'p') return d;
  if ((d.major ?? 0) === 0) {
    d.major = info.major;
    d.minor = info.minor;
  }
  return d;
}

function applyMounts(
  spec: OciSpec,
  mounts: NonNullable<CdiContainerEdits['mounts']>,
): void {
  const list = (spec.mounts ??= []);
  const userns = (spec.linux?.namespaces ?? []).some((n) => n.type === 'user');
  for (const m of mounts) {
    const old = list.findIndex((x) => x.destination === m.containerPath);
    if (old >= 0) list.splice(old, 1);
    const mount: OciMount = omitEmpty({
      destination: m.containerPath,
      type: m.type || undefined,
      source: m.hostPath,
      options: m.options ? [...m.options] : undefined,
    });
    if (userns) addIdMapOption(mount);
    list.push(mount);
  }
  // Array.prototype.sort is stable, as the reference's sort.Stable.
  const depth = (m: OciMount): number =>
    cleanPath(m.destination).split('/').length - 1;
  spec.mounts = list
    .map((m, i) => ({ m, i, d: depth(m) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.m);
}

function addIdMapOption(m: OciMount): void {
  let option = m.type === 'bind' ? 'idmap' : '';
  for (const o of m.options ?? []) {
    if (o === 'idmap' || o === 'ridmap') return;
    if (o === 'bind') option = 'idmap';
    if (o === 'rbind') option = 'ridmap';
  }
  if (option !== '') m.options = [...(m.options ?? []), option];
}

function keyOf(env: string): string {
  const eq = env.indexOf('=');
  return eq < 0 ? env : env.slice(0, eq);
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

// Drops what Go's omitempty drops: unset values and empty lists.
function omitEmpty<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) {
    const v = o[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) delete o[k];
  }
  return o;
}
