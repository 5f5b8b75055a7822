// BuildKit's resolution of one `RUN --device` request against the registry,
// and its entitlement check (`--allow device[=NAME]`, the autoallow annotation).

import type {
  CdiContainerEdits,
  CdiRegistry,
  DeviceEntitlement,
  DeviceResolution,
  RegisteredDevice,
} from '../model/cdi.ts';
import { goQuote } from './go-format.ts';
import { parseQualifier } from './names.ts';
import { CLASS_ANNOTATION } from './registry.ts';

/** One device request as `RUN --device` carries it. */
export interface DeviceRequest {
  name: string;
  required: boolean;
}

/** Finds the registered devices a request names, in BuildKit's order. */
export function findDevices(
  registry: CdiRegistry,
  request: string,
): RegisteredDevice[] {
  const all = registry.devices.filter((d) => !d.onDemand);
  const eq = request.indexOf('=');
  const kind = eq < 0 ? request : request.slice(0, eq);
  const name = eq < 0 ? '' : request.slice(eq + 1);
  const out: RegisteredDevice[] = [];

  if (parseQualifier(kind).vendor !== '') {
    const ofKind = all.filter((d) => d.qualifiedName.startsWith(kind + '='));
    if (name === '') out.push(...ofKind.slice(0, 1));
    else if (name === '*') out.push(...ofKind);
    else
      out.push(...all.filter((d) => d.qualifiedName === request).slice(0, 1));
  }
  if (out.length === 0) {
    out.push(...all.filter((d) => d.annotations[CLASS_ANNOTATION] === request));
  }
  return out;
}

/** Resolves one `RUN --device` request and checks it against the build's entitlement. */
export function resolveDeviceRequest(
  registry: CdiRegistry,
  request: DeviceRequest,
  entitlement: DeviceEntitlement,
): DeviceResolution {
  const alias = entitlement.all
    ? undefined
    : entitlement.aliases?.[request.name];
  if (alias !== undefined && alias !== '')
    return resolveAlias(registry, request, alias);

  const base = { request: request.name, required: request.required };
  const found = findDevices(registry, request.name);
  const onDemand = registry.devices
    .filter((d) => d.onDemand)
    .map((d) => d.qualifiedName);
  const kind = request.name.split('=')[0]!;

  // With `--allow device` BuildKit checks nothing up front; an installable
  // kind is set up before the step and then resolved.
  if (found.length === 0 && entitlement.all && onDemand.includes(kind)) {
    return {
      ...base,
      devices: [request.name],
      allowed: true,
      reason: `on-demand device: ${kind} is installed before the step runs, then ${request.name} is resolved`,
      edits: [],
    };
  }

  if (found.length === 0) {
    const text = `${request.required ? 'required' : 'Optional'} device ${goQuote(request.name)} is not registered`;
    const hint = loadFailures(registry);
    if (request.required) {
      return {
        ...base,
        devices: [],
        allowed: false,
        reason: text + hint,
        edits: [],
        error: text,
      };
    }
    const error = rejectedSpecError(registry, request.name);
    if (error) {
      return {
        ...base,
        devices: [],
        allowed: false,
        reason: error,
        edits: [],
        error,
      };
    }
    if (onDemand.length > 0 && !entitlement.all) {
      // BuildKit then hands the step every installable kind instead.
      return {
        ...base,
        devices: onDemand,
        allowed: true,
        reason: `on-demand devices ${onDemand.join(', ')} are installed before the step runs`,
        edits: [],
      };
    }
    return {
      ...base,
      devices: [],
      allowed: true,
      reason: `${text}; the step runs without it${hint}`,
      edits: [],
      warning: text,
    };
  }

  const names = found.map((d) => d.qualifiedName);
  const edits = editsFor(registry, found);
  if (entitlement.all) {
    return {
      ...base,
      devices: names,
      allowed: true,
      reason: 'allowed by --allow device',
      edits,
    };
  }

  // BuildKit resolves every grant key, alias keys included.
  const grants = [
    ...entitlement.names,
    ...Object.keys(entitlement.aliases ?? {}),
  ];
  const granted = new Set<string>();
  for (const grant of grants) {
    const resolved = findDevices(registry, grant);
    if (resolved.length === 0) {
      const text = `required device ${goQuote(grant)} is not registered`;
      return {
        ...base,
        devices: names,
        allowed: false,
        reason: text,
        edits,
        error: text,
      };
    }
    for (const d of resolved) granted.add(d.qualifiedName);
  }

  const forbidden = found.filter(
    (d) => !granted.has(d.qualifiedName) && !d.autoAllow,
  );
  if (forbidden.length > 0) {
    const list = forbidden.map((d) => d.qualifiedName);
    const text =
      list.length === 1
        ? `device ${list[0]} is requested by the build but not allowed`
        : `devices ${list.join(', ')} are requested by the build but not allowed`;
    return {
      ...base,
      devices: names,
      allowed: false,
      reason: text,
      edits,
      error: text,
    };
  }
  return {
    ...base,
    devices: names,
    allowed: true,
    reason: allowReason(found, granted),
    edits,
  };
}

// An aliased request is renamed and let through; the real name is resolved
// when the step runs, failing then only if it is required.
function resolveAlias(
  registry: CdiRegistry,
  request: DeviceRequest,
  real: string,
): DeviceResolution {
  const base = { request: request.name, required: request.required };
  const found = findDevices(registry, real);
  if (found.length === 0) {
    const text = `${request.required ? 'required' : 'Optional'} device ${goQuote(real)} is not registered`;
    if (request.required) {
      return {
        ...base,
        devices: [],
        allowed: true,
        reason: text,
        edits: [],
        error: text,
      };
    }
    return {
      ...base,
      devices: [],
      allowed: true,
      reason: text,
      edits: [],
      warning: text,
    };
  }
  return {
    ...base,
    devices: found.map((d) => d.qualifiedName),
    allowed: true,
    reason: `allowed by --allow device=${real},alias=${request.name}`,
    edits: editsFor(registry, found),
  };
}

/**
 * Lists edits for devices in order: a spec's own edits when its first
 * device is met, then each device's.
 */
export function editsFor(
  registry: CdiRegistry,
  devices: RegisteredDevice[],
  seenSpecs: Set<string> = new Set(),
): CdiContainerEdits[] {
  const out: CdiContainerEdits[] = [];
  for (const d of devices) {
    const entry = registry.specs.find((s) => s.path === d.specPath);
    if (!entry) continue;
    if (!seenSpecs.has(d.specPath)) {
      seenSpecs.add(d.specPath);
      if (entry.spec.containerEdits) out.push(entry.spec.containerEdits);
    }
    const device = entry.spec.devices.find((x) => x.name === d.name);
    if (device) out.push(device.containerEdits);
  }
  return out;
}

// Names spec files that did not load, since a device in one of them is the
// usual reason a request finds nothing.
function loadFailures(registry: CdiRegistry): string {
  const failed = registry.diagnostics.filter(
    (d) => d.code !== 'cdi-spec-ignored' && d.code !== 'cdi-device-conflict',
  );
  if (failed.length === 0) return '';
  const shown = failed.slice(0, 3).map((d) => {
    const why = d.message.replace(
      /^failed to load CDI Spec (invalid CDI Spec: )?/,
      '',
    );
    return `${d.location?.file ?? '?'} (${why})`;
  });
  const more = failed.length > 3 ? ` and ${failed.length - 3} more` : '';
  return ` (spec files that did not load: ${shown.join('; ')}${more})`;
}

function allowReason(found: RegisteredDevice[], granted: Set<string>): string {
  const byGrant = found.filter((d) => granted.has(d.qualifiedName));
  if (byGrant.length === found.length) return 'allowed by --allow device=NAME';
  return byGrant.length > 0
    ? 'allowed by --allow device=NAME and automatically allowed'
    : 'automatically allowed';
}

/**
 * Explains an optional request whose kind only a rejected spec declares.
 * Slipway fails such a request instead of running the step without the
 * device, which would hide the broken spec; the cases in shared/cases
 * (B28, B29) show the reference builder failing there too.
 */
export function rejectedSpecError(
  registry: CdiRegistry,
  request: string,
): string | undefined {
  const [kind = '', name] = request.split('=');
  if (registry.devices.some((d) => d.kind === kind)) return undefined;
  const ofKind = (registry.rejected ?? []).filter((r) => r.kind === kind);
  // Blame the rejected file that defines the device when one does.
  const broken =
    ofKind.find((r) => name !== undefined && r.devices?.includes(name)) ??
    ofKind[0];
  if (!broken) return undefined;
  return `device ${goQuote(request)} is not registered: its spec ${broken.path} was rejected: ${broken.reason}`;
}
