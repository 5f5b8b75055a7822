// All `RUN --device` requests of one step resolved together, as BuildKit
// does per exec: one entitlement check over every device, duplicates
// dropped, and each spec's own edits applied once.

import type {
  CdiContainerEdits,
  CdiRegistry,
  DeviceEntitlement,
  DeviceResolution,
  RegisteredDevice,
} from '../model/cdi.ts';
import { goQuote } from './go-format.ts';
import {
  editsFor,
  findDevices,
  rejectedSpecError,
  resolveDeviceRequest,
} from './resolve.ts';
import type { DeviceRequest } from './resolve.ts';

/** The devices of one step: per-request detail and the combined outcome. */
export interface StepDevices {
  /** Each request on its own, for display. */
  requests: DeviceResolution[];
  /** Qualified names injected, without duplicates, in injection order. */
  devices: string[];
  /** Spec-level edits once per spec, then each device's, in injection order. */
  edits: CdiContainerEdits[];
  /** Kinds installed on demand before the step runs (BuildKit's installers). */
  onDemand: string[];
  /** Set when the step fails; text as BuildKit prints it. */
  error?: string;
  /** BuildKit's warnings for optional devices that are not registered. */
  warnings: string[];
}

/** Resolves every device request of one RUN step and checks them together. */
export function resolveStepDevices(
  registry: CdiRegistry,
  requests: DeviceRequest[],
  entitlement: DeviceEntitlement,
): StepDevices {
  const out = resolveStep(registry, requests, entitlement);
  shareEdits(registry, out);
  return out;
}

function resolveStep(
  registry: CdiRegistry,
  requests: DeviceRequest[],
  entitlement: DeviceEntitlement,
): StepDevices {
  const perRequest = requests.map((r) =>
    resolveDeviceRequest(registry, r, entitlement),
  );
  const out: StepDevices = {
    requests: perRequest,
    devices: [],
    edits: [],
    onDemand: [],
    warnings: [],
  };
  if (requests.length === 0) return out;
  const onDemandKinds = registry.devices
    .filter((d) => d.onDemand)
    .map((d) => d.qualifiedName);

  if (entitlement.all) {
    // Nothing is checked up front; installers run, then every request is resolved.
    for (const r of requests) {
      const kind = r.name.split('=')[0]!;
      if (
        onDemandKinds.includes(kind) &&
        findDevices(registry, r.name).length === 0
      ) {
        if (!out.onDemand.includes(kind)) out.onDemand.push(kind);
      }
    }
    const found = findAll(registry, requests, out);
    if (out.error === undefined) finish(registry, found, out);
    return out;
  }

  const aliased: DeviceRequest[] = [];
  const plain: DeviceRequest[] = [];
  for (const r of requests) {
    const real = entitlement.aliases?.[r.name];
    if (real) aliased.push({ name: real, required: r.required });
    else plain.push(r);
  }
  const mounted = findAll(registry, plain, out);
  if (out.error !== undefined) return out;

  out.onDemand.push(...onDemandKinds);
  const allowed: RegisteredDevice[] = [];
  if (mounted.length > 0) {
    const granted = new Set<string>();
    const grants = [
      ...entitlement.names,
      ...Object.keys(entitlement.aliases ?? {}),
    ];
    for (const grant of grants) {
      const resolved = findDevices(registry, grant);
      if (resolved.length === 0) {
        out.error = `required device ${goQuote(grant)} is not registered`;
        return out;
      }
      for (const d of resolved) granted.add(d.qualifiedName);
    }
    const forbidden = mounted.filter(
      (d) => !granted.has(d.qualifiedName) && !d.autoAllow,
    );
    if (forbidden.length > 0) {
      const list = forbidden.map((d) => d.qualifiedName);
      out.error =
        list.length === 1
          ? `device ${list[0]} is requested by the build but not allowed`
          : `devices ${list.join(', ')} are requested by the build but not allowed`;
      return out;
    }
    allowed.push(...mounted);
  }

  // When the step runs, aliased names come first, then the allowed devices.
  const aliasedFound = findAll(registry, aliased, out);
  if (out.error !== undefined) return out;
  finish(registry, [...aliasedFound, ...allowed], out);
  return out;
}

// BuildKit's FindDevices over several requests: the first required request
// that matches nothing fails; optional ones only warn.
function findAll(
  registry: CdiRegistry,
  requests: DeviceRequest[],
  out: StepDevices,
): RegisteredDevice[] {
  const found: RegisteredDevice[] = [];
  for (const r of requests) {
    const devices = findDevices(registry, r.name);
    if (devices.length === 0) {
      const kind = r.name.split('=')[0]!;
      if (out.onDemand.includes(kind)) continue;
      if (r.required) {
        out.error = `required device ${goQuote(r.name)} is not registered`;
        return [];
      }
      const rejected = rejectedSpecError(registry, r.name);
      if (rejected) {
        out.error = rejected;
        return [];
      }
      out.warnings.push(`Optional device ${goQuote(r.name)} is not registered`);
      continue;
    }
    found.push(...devices);
  }
  return found;
}

function finish(
  registry: CdiRegistry,
  found: RegisteredDevice[],
  out: StepDevices,
): void {
  const seen = new Set<string>();
  const unique = found.filter(
    (d) => !seen.has(d.qualifiedName) && seen.add(d.qualifiedName),
  );
  out.devices = unique.map((d) => d.qualifiedName);
  out.edits = editsFor(registry, unique);
}

// Leaves in each request only the edits it adds to the step, in step order.
function shareEdits(registry: CdiRegistry, out: StepDevices): void {
  const byName = new Map(registry.devices.map((d) => [d.qualifiedName, d]));
  const seenSpecs = new Set<string>();
  const seenDevices = new Set<string>();
  out.requests = out.requests.map((r) => {
    if (out.error !== undefined) return { ...r, edits: [] };
    const mine: RegisteredDevice[] = [];
    for (const name of r.devices) {
      const d = byName.get(name);
      if (!d || d.onDemand || seenDevices.has(name)) continue;
      if (!out.devices.includes(name)) continue;
      seenDevices.add(name);
      mine.push(d);
    }
    return { ...r, edits: editsFor(registry, mine, seenSpecs) };
  });
}
