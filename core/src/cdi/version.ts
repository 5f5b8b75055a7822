// CDI spec versions: the fixed list of known versions and the minimum version
// a spec needs for the fields it uses (a field newer than cdiVersion is fatal).

import type { CdiContainerEdits, CdiSpec } from '../model/cdi.ts';
import { goQuote } from './go-format.ts';

/** The newest spec version this implementation knows. */
export const CDI_CURRENT_VERSION = '1.1.0';

// Newest first, as the reference walks them. Each check returns the path of
// the first value that needs that version, or undefined.
type Trigger = (s: CdiSpec) => string | undefined;
const VERSIONS: { version: string; requires?: Trigger }[] = [
  { version: '1.1.0', requires: requiresV110 },
  { version: '1.0.0' },
  { version: '0.8.0' },
  { version: '0.7.0', requires: requiresV070 },
  { version: '0.6.0', requires: requiresV060 },
  { version: '0.5.0', requires: requiresV050 },
  { version: '0.4.0', requires: requiresV040 },
  { version: '0.3.0' },
  { version: '0.2.0' },
  { version: '0.1.0' },
];

/** Returns the lowest spec version that can express everything `spec` uses, e.g. `0.5.0`. */
export function minimumRequiredVersion(spec: Partial<CdiSpec>): string {
  return requiredVersion(spec).version;
}

/** Returns the minimum version and the dotted path of the value that needs it. */
export function requiredVersion(spec: Partial<CdiSpec>): {
  version: string;
  path?: string;
} {
  const s = spec as CdiSpec;
  for (const v of VERSIONS) {
    const path = v.requires?.(s);
    if (path !== undefined) return { version: v.version, path };
  }
  return { version: '0.3.0' };
}

/** Checks `cdiVersion` against the known list and the spec's minimum; returns the error text. */
export function validateSpecVersion(
  spec: Partial<CdiSpec>,
): string | undefined {
  return checkSpecVersion(spec)?.message;
}

/** Like validateSpecVersion, with the path of the value the problem is about. */
export function checkSpecVersion(
  spec: Partial<CdiSpec>,
): { message: string; path: string } | undefined {
  const declared = spec.cdiVersion ?? '';
  const version = declared.startsWith('v') ? declared.slice(1) : declared;
  const at = VERSIONS.findIndex((v) => v.version === version);
  if (at < 0)
    return {
      message: `invalid version ${goQuote(declared)}`,
      path: 'cdiVersion',
    };
  const min = requiredVersion(spec);
  if (VERSIONS.findIndex((v) => v.version === min.version) < at) {
    return {
      message: `the spec version must be at least v${min.version}`,
      path: min.path ?? 'cdiVersion',
    };
  }
  return undefined;
}

// Device edits first, then the spec-level edits, as the reference walks them.
function allEdits(spec: CdiSpec): [string, CdiContainerEdits][] {
  const out: [string, CdiContainerEdits][] = [];
  for (const [i, d] of (spec.devices ?? []).entries()) {
    out.push([`devices.${i}.containerEdits`, d.containerEdits ?? {}]);
  }
  out.push(['containerEdits', spec.containerEdits ?? {}]);
  return out;
}

function firstIn(
  list: [string, CdiContainerEdits][],
  test: (e: CdiContainerEdits) => string | undefined,
): string | undefined {
  for (const [path, e] of list) {
    const found = test(e);
    if (found !== undefined) return `${path}.${found}`;
  }
  return undefined;
}

function requiresV110(spec: CdiSpec): string | undefined {
  const edits = allEdits(spec);
  // The spec-level edits are checked before the devices here.
  const ordered = [edits[edits.length - 1]!, ...edits.slice(0, -1)];
  return firstIn(ordered, (e) => {
    const rdt = e.intelRdt;
    if (rdt && (rdt.schemata !== undefined || rdt.enableMonitoring === true))
      return 'intelRdt';
    return (e.netDevices?.length ?? 0) > 0 ? 'netDevices' : undefined;
  });
}

function requiresV070(spec: CdiSpec): string | undefined {
  const edits = allEdits(spec);
  const ordered = [edits[edits.length - 1]!, ...edits.slice(0, -1)];
  return firstIn(ordered, (e) => {
    if (e.intelRdt !== undefined) return 'intelRdt';
    return (e.additionalGids?.length ?? 0) > 0 ? 'additionalGids' : undefined;
  });
}

function requiresV060(spec: CdiSpec): string | undefined {
  if (Object.keys(spec.annotations ?? {}).length > 0) return 'annotations';
  for (const [i, d] of (spec.devices ?? []).entries()) {
    if (Object.keys(d.annotations ?? {}).length > 0)
      return `devices.${i}.annotations`;
  }
  const kind = spec.kind ?? '';
  const slash = kind.indexOf('/');
  return slash >= 0 && kind.slice(slash + 1).includes('.') ? 'kind' : undefined;
}

function requiresV050(spec: CdiSpec): string | undefined {
  for (const [i, d] of (spec.devices ?? []).entries()) {
    if (/^[0-9]/.test(d.name ?? '')) return `devices.${i}.name`;
  }
  return firstIn(allEdits(spec), (e) => {
    const at = (e.deviceNodes ?? []).findIndex(
      (n) => (n.hostPath ?? '') !== '',
    );
    return at < 0 ? undefined : `deviceNodes.${at}`;
  });
}

function requiresV040(spec: CdiSpec): string | undefined {
  return firstIn(allEdits(spec), (e) => {
    const at = (e.mounts ?? []).findIndex((m) => (m.type ?? '') !== '');
    return at < 0 ? undefined : `mounts.${at}`;
  });
}
