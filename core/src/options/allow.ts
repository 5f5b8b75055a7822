// `--allow` entitlements as buildx and BuildKit read them: `device`,
// `device=NAME[,alias=ALIAS]`, `network.host`, `security.insecure`.

import type { DeviceEntitlement } from '../model/cdi.ts';
import { splitCsv } from './csv.ts';

/** The entitlements a build was granted. */
export interface Entitlements {
  device: DeviceEntitlement;
  networkHost: boolean;
  securityInsecure: boolean;
  /** `buildx.local.delete`: the local exporter may delete stale files. */
  localDelete: boolean;
}

/** Reads the `--allow` values; each bad one yields BuildKit's error text. */
export function parseAllow(values: string[]): {
  entitlements: Entitlements;
  errors: string[];
} {
  const entitlements: Entitlements = {
    device: { all: false, names: [] },
    networkHost: false,
    securityInsecure: false,
    localDelete: false,
  };
  const errors: string[] = [];
  for (const value of values) {
    if (value === '') continue;
    const error = applyAllow(value, entitlements);
    if (error) errors.push(error);
  }
  return { entitlements, errors };
}

function applyAllow(value: string, out: Entitlements): string | undefined {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  const rest = eq < 0 ? '' : value.slice(eq + 1);
  switch (key) {
    case 'buildx.local.delete':
      if (eq >= 0) return 'buildx.local.delete does not accept a value';
      out.localDelete = true;
      return undefined;
    case 'device':
      return applyDevice(rest, out.device);
    case 'network.host':
    case 'security.insecure':
      if (eq >= 0) return `unknown entitlement ${value}`;
      if (key === 'network.host') out.networkHost = true;
      else out.securityInsecure = true;
      return undefined;
    default:
      return `unknown entitlement ${value}`;
  }
}

function applyDevice(
  rest: string,
  device: DeviceEntitlement,
): string | undefined {
  if (rest === '') {
    device.all = true;
    return undefined;
  }
  const fields = splitCsv(rest);
  if (!fields.ok) return fields.error;
  const [name, ...options] = fields.values;
  let alias = '';
  for (const option of options) {
    const eq = option.indexOf('=');
    if (eq < 0) return `invalid device config "${option}"`;
    const key = option.slice(0, eq);
    if (key !== 'alias') return `unknown device config key "${key}"`;
    alias = option.slice(eq + 1);
  }
  if (alias !== '') {
    device.aliases = { ...(device.aliases ?? {}), [alias]: name };
  } else if (!device.names.includes(name)) {
    device.names.push(name);
  }
  return undefined;
}
