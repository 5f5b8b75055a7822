// The `->arm64` part of a multi-platform step name: shown when the step's
// TARGET* args name a platform other than the one the stage runs on.

import type { Platform } from '../platform/platform.ts';
import {
  formatPlatformAll,
  normalizePlatform,
  parsePlatform,
} from '../platform/platform.ts';
import type { EnvList } from './env-list.ts';

/** Returns `->arch[/variant]`, `->os/arch` or an empty string. */
export function targetSuffix(base: Platform, env: EnvList): string {
  const target = platformFromEnv(env);
  if (!target) return '';
  const p = normalizePlatform({
    os: target.os || base.os,
    architecture: target.architecture || base.architecture,
    variant: target.variant,
  });
  if (p.os === base.os && p.architecture !== base.architecture) {
    return `->${p.variant ? `${p.architecture}/${p.variant}` : p.architecture}`;
  }
  if (p.os !== base.os) return `->${formatPlatformAll(p)}`;
  return '';
}

function platformFromEnv(env: EnvList): Platform | undefined {
  const p: Platform = { os: '', architecture: '' };
  let set = false;
  for (const [key, value] of env) {
    switch (key) {
      case 'TARGETPLATFORM': {
        const parsed = parsePlatform(value);
        if (parsed.ok) return parsed.platform;
        break;
      }
      case 'TARGETOS':
        p.os = value;
        set = true;
        break;
      case 'TARGETARCH':
        p.architecture = value;
        set = true;
        break;
      case 'TARGETVARIANT':
        p.variant = value;
        set = true;
        break;
    }
  }
  return set ? p : undefined;
}
