// CDI spec versions: the fixed list of known versions and the minimum version
// a spec needs for the fields it uses (a field newer than cdiVersion is fatal).

import type { CdiContainerEdits, CdiSpec } from '../model/cdi.ts';
import { goQuote } from './go-format.ts';

/** The newest spec version this implementation knows. */
export const CDI_CURRENT_VERSION = '1.1.0';

// Newest first, as the reference walks them.
const VERSIONS: { version: string; requires?: (s: CdiSpec) => boolean }[] = [
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
  const s = spec as CdiSpec;
  for (const v of VERSIONS) if (v.requires?.(s)) return v.version;
  return '0.3.0';
}

/** Checks `cdiVersion` against the known list and the spec's minimum; returns the error text. */
export function validateSpecVersion(spec: Partial<CdiSpec>): string | undefined {
  const declared = spec.cdiVersion ?? '';
  const version = declared.startsWith('v') ? declared.slice(1) : declared;
  const at = VERSIONS.findIndex((v) => v.version === version);
  if (at < 0) return `invalid version ${goQuote(declared)}`;
  const min = minimumRequiredVersion(spec);
  if (VERSIONS.findIndex((v) => v.version === min) < at) {
    return `the spec version must be at least v${min}`;
  }
  return undefined;
}

function allEdits(spec: CdiSpec): CdiContainerEdits[] {
  const out: CdiContainerEdits[] = [];
  for (const d of spec.devices ?? []) out.push(d.containerEdits ?? {});
  out.push(spec.containerEdits ?? {});
  return out;
}

function requiresV110(spec: CdiSpec): boolean {
  return allEdits(spec).some(
    (e) =>
      (e.intelRdt !== undefined &&
        (e.intelRdt.schemata !== undefined || e.intelRdt.enableMonitoring === true)) ||
      (e.netDevices?.length ?? 0) > 0,
  );
}

function requiresV070(spec: CdiSpec): boolean {
  return allEdits(spec).some(
    (e) => e.intelRdt !== undefined || (e.additionalGids?.length ?? 0) > 0,
  );
}

function requiresV060(spec: CdiSpec): boolean {
  if (Object.keys(spec.annotations ?? {}).length > 0) return true;
  for (const d of spec.devices ?? []) {
    if (Object.keys(d.annotations ?? {}).length > 0) return true;
  }
  const kind = spec.kind ?? '';
  const slash = kind.indexOf('/');
  return slash >= 0 && kind.slice(slash + 1).includes('.');
}

function requiresV050(spec: CdiSpec): boolean {
  for (const d of spec.devices ?? []) {
    if (/^[0-9]/.test(d.name ?? '')) return true;
  }
  return allEdits(spec).some((e) =>
    (e.deviceNodes ?? []).some((n) => (n.hostPath ?? '') !== ''),
  );
}

function requiresV040(spec: CdiSpec): boolean {
  return allEdits(spec).some((e) =>
    (e.mounts ?? []).some((m) => (m.type ?? '') !== ''),
  );
}
