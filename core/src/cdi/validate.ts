// Spec validation in the reference's order: version, vendor, class, spec-level
// edits, then each device. Only the first problem is reported, as the
// reference does, with the path of the value it concerns.

import type { CdiContainerEdits, CdiDevice, CdiSpec } from '../model/cdi.ts';
import { goQuote } from './go-format.ts';
import {
  parseQualifier,
  validateClassName,
  validateDeviceName,
  validateVendorName,
} from './names.ts';
import { checkSpecVersion } from './version.ts';

/** A validation failure: the reference's text and the dotted path it concerns. */
export interface SpecProblem {
  message: string;
  path: string;
}

const HOOK_NAMES = [
  'prestart',
  'createRuntime',
  'createContainer',
  'startContainer',
  'poststart',
  'poststop',
];
const NODE_TYPES = ['', 'b', 'c', 'u', 'p'];

/**
 * Validates a decoded spec; returns the first problem (text without the
 * `invalid CDI Spec: ` prefix).
 */
export function validateSpec(spec: CdiSpec): SpecProblem | undefined {
  const version = checkSpecVersion(spec);
  if (version) return version;

  const { vendor, class: cls } = parseQualifier(spec.kind);
  const kindErr = validateVendorName(vendor) ?? validateClassName(cls);
  if (kindErr) return { message: kindErr, path: 'kind' };

  const edits = validateContainerEdits(spec.containerEdits);
  if (edits)
    return { message: edits.message, path: join('containerEdits', edits.path) };

  const seen = new Set<string>();
  for (const [i, d] of spec.devices.entries()) {
    const err = validateDevice(d);
    if (err) {
      return {
        message: `failed add device ${goQuote(d.name)}: ${err.message}`,
        path: join(`devices.${i}`, err.path),
      };
    }
    if (seen.has(d.name)) {
      return {
        message: `invalid spec, multiple device ${goQuote(d.name)}`,
        path: `devices.${i}.name`,
      };
    }
    seen.add(d.name);
  }
  if (seen.size === 0)
    return { message: 'invalid spec, no devices', path: 'devices' };
  return undefined;
}

/** Validates one device: its name, then that its own edits are non-empty and valid. */
export function validateDevice(d: CdiDevice): SpecProblem | undefined {
  const nameErr = validateDeviceName(d.name ?? '');
  if (nameErr) return { message: nameErr, path: 'name' };
  if (isEmptyEdits(d.containerEdits)) {
    return {
      message: 'invalid device, empty device edits',
      path: 'containerEdits',
    };
  }
  const err = validateContainerEdits(d.containerEdits);
  if (err) {
    return {
      message: `invalid device ${goQuote(d.name)}: ${err.message}`,
      path: join('containerEdits', err.path),
    };
  }
  return undefined;
}

/** Validates container edits (env, device nodes, hooks, mounts, intelRdt, net devices). */
export function validateContainerEdits(
  e: CdiContainerEdits | null | undefined,
): SpecProblem | undefined {
  if (!e) return undefined;
  const env = validateEnv(e.env);
  if (env)
    return {
      message: `invalid container edits: ${env.message}`,
      path: `env.${env.index}`,
    };

  for (const [i, n] of (e.deviceNodes ?? []).entries()) {
    const err = validateDeviceNode(n);
    if (err) return { message: err, path: `deviceNodes.${i}` };
  }
  for (const [i, h] of (e.hooks ?? []).entries()) {
    const err = validateHook(h);
    if (err) return { message: err, path: `hooks.${i}` };
  }
  for (const [i, m] of (e.mounts ?? []).entries()) {
    if (!m.hostPath)
      return { message: 'invalid mount, empty host path', path: `mounts.${i}` };
    if (!m.containerPath) {
      return {
        message: 'invalid mount, empty container path',
        path: `mounts.${i}`,
      };
    }
  }
  if (e.intelRdt && !isValidClosId(e.intelRdt.closID ?? '')) {
    return { message: 'invalid ClosID', path: 'intelRdt' };
  }
  const net = validateNetDevices(e.netDevices ?? []);
  if (net) return net;
  return undefined;
}

/** Reports whether edits carry nothing at all (invalid for a device). */
export function isEmptyEdits(e: CdiContainerEdits | undefined): boolean {
  if (!e) return true;
  return (
    (e.env?.length ?? 0) === 0 &&
    (e.deviceNodes?.length ?? 0) === 0 &&
    (e.hooks?.length ?? 0) === 0 &&
    (e.mounts?.length ?? 0) === 0 &&
    (e.additionalGids?.length ?? 0) === 0 &&
    e.intelRdt === undefined &&
    (e.netDevices?.length ?? 0) === 0
  );
}

function validateEnv(
  env: string[] | undefined,
): { message: string; index: number } | undefined {
  for (const [index, v] of (env ?? []).entries()) {
    if (v.indexOf('=') <= 0) {
      return { message: `invalid environment variable ${goQuote(v)}`, index };
    }
  }
  return undefined;
}

function validateDeviceNode(
  n: NonNullable<CdiContainerEdits['deviceNodes']>[number],
): string | undefined {
  const path = n.path ?? '';
  if (path === '') return 'invalid (empty) device path';
  const type = n.type ?? '';
  if (!NODE_TYPES.includes(type))
    return `device ${goQuote(path)}: invalid type ${goQuote(type)}`;
  const perms = n.permissions ?? '';
  if (perms !== '' && perms !== 'none' && !/^[rwm]+$/.test(perms)) {
    return `device ${goQuote(path)}: invalid permissions ${goQuote(perms)}`;
  }
  return undefined;
}

function validateHook(
  h: NonNullable<CdiContainerEdits['hooks']>[number],
): string | undefined {
  const name = h.hookName ?? '';
  if (!HOOK_NAMES.includes(name)) return `invalid hook name ${goQuote(name)}`;
  if (!h.path) return `invalid hook ${goQuote(name)} with empty path`;
  const env = validateEnv(h.env);
  if (env) return `invalid hook ${goQuote(name)}: ${env.message}`;
  return undefined;
}

function isValidClosId(c: string): boolean {
  if (c === '/') return true;
  return !(utf8Length(c) >= 4096 || c === '.' || c === '..' || /[/\n]/.test(c));
}

function validateNetDevices(
  devices: { hostInterfaceName: string; name: string }[],
): SpecProblem | undefined {
  const hosts = new Map<string, string>();
  const names = new Map<string, string>();
  for (const [i, d] of devices.entries()) {
    const path = `netDevices.${i}`;
    const host = d.hostInterfaceName ?? '';
    const name = d.name ?? '';
    if (host === '')
      return {
        message: 'invalid linux net device, empty HostInterfaceName',
        path,
      };
    if (name === '')
      return { message: 'invalid linux net device, empty Name', path };
    const otherName = hosts.get(host);
    if (otherName !== undefined) {
      return {
        message: `invalid linux net device, duplicate HostInterfaceName ${goQuote(host)} with names ${goQuote(name)} and ${goQuote(otherName)}`,
        path,
      };
    }
    hosts.set(host, name);
    const otherHost = names.get(name);
    if (otherHost !== undefined) {
      return {
        message: `invalid linux net device, duplicate Name ${goQuote(name)} with HostInterfaceName ${goQuote(host)} and ${goQuote(otherHost)}`,
        path,
      };
    }
    names.set(name, host);
  }
  return undefined;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

function join(prefix: string, rest: string): string {
  return rest === '' ? prefix : `${prefix}.${rest}`;
}
