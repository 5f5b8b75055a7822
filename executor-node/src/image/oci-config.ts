// The image config document (OCI image spec `config` object and platform
// fields) from a stage's ImageConfig, in the field names Docker uses, and
// the platform a base image's config declares.

import {
  normalizePlatform,
  parseGoDuration,
  parsePlatform,
  type ImageConfig,
  type Platform,
} from '../../../core/src/index.ts';

/** The OCI image config's `config` object. */
export interface OciImageConfigBody {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Shell?: string[];
  OnBuild?: string[];
  Healthcheck?: {
    Test: string[];
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    StartInterval?: number;
    Retries?: number;
  };
}

/** OS, architecture and variant of a platform string such as `linux/arm/v7`. */
export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Splits a normalised platform string. */
export function toOciPlatform(platform: string): OciPlatform {
  const [os = 'linux', architecture = 'amd64', variant] = platform.split('/');
  return variant ? { os, architecture, variant } : { os, architecture };
}

/**
 * Reads the platform an image config document declares, as
 * `os/architecture[/variant]`, when it names both OS and architecture.
 */
export function readConfigPlatform(doc: {
  os?: unknown;
  architecture?: unknown;
  variant?: unknown;
}): string | undefined {
  const { os, architecture, variant } = doc;
  if (typeof os !== 'string' || typeof architecture !== 'string') {
    return undefined;
  }
  if (os === '' || architecture === '') return undefined;
  const parts = [os, architecture];
  if (typeof variant === 'string' && variant !== '') parts.push(variant);
  return parts.join('/');
}

/** Returns the config with the platform its image declares, when known. */
export function withPlatform(
  config: ImageConfig,
  platform: string | undefined,
): ImageConfig {
  return platform ? { ...config, platform } : config;
}

/**
 * Returns the platform an exported image's config declares, as BuildKit's
 * Dockerfile frontend sets it: with `--platform` given, the target platform
 * (the base image's variant kept when OS and architecture agree and the
 * target names none); without, the target stage's config platform (from its
 * base image), else the target platform, which is also what a scratch stage
 * gets, `FROM --platform` or not.
 */
export function exportedPlatform(
  target: string,
  config: ImageConfig,
  implicitTarget: boolean,
): OciPlatform {
  const want = toPlatform(target);
  const base = config.platform ? toPlatform(config.platform) : undefined;
  if (!base) return fromPlatform(want);
  if (implicitTarget) return fromPlatform(base);
  const sameOsArch =
    base.os === want.os && base.architecture === want.architecture;
  if (!sameOsArch || want.variant) return fromPlatform(want);
  const kept: Platform = { ...want };
  if (base.variant) kept.variant = base.variant;
  return fromPlatform(normalizePlatform(kept));
}

/** Writes a stage's config in the image config's field names. */
export function toOciConfigBody(config: ImageConfig): OciImageConfigBody {
  const out: OciImageConfigBody = {};
  if (config.user) out.User = config.user;
  if (config.exposedPorts.length > 0)
    out.ExposedPorts = asSet(config.exposedPorts);
  if (config.env.length > 0) out.Env = config.env;
  if (config.entrypoint) out.Entrypoint = config.entrypoint;
  if (config.cmd) out.Cmd = config.cmd;
  if (config.volumes.length > 0) out.Volumes = asSet(config.volumes);
  if (config.workingDir) out.WorkingDir = config.workingDir;
  if (Object.keys(config.labels).length > 0) out.Labels = config.labels;
  if (config.stopSignal) out.StopSignal = config.stopSignal;
  if (config.shell.length > 0) out.Shell = config.shell;
  if (config.onBuild.length > 0) out.OnBuild = config.onBuild;
  const check = config.healthcheck;
  if (check) {
    out.Healthcheck = { Test: check.test };
    const durations = [
      ['Interval', check.interval],
      ['Timeout', check.timeout],
      ['StartPeriod', check.startPeriod],
      ['StartInterval', check.startInterval],
    ] as const;
    for (const [field, text] of durations) {
      const parsed = text === undefined ? undefined : parseGoDuration(text);
      if (parsed && parsed.error === undefined) {
        out.Healthcheck[field] = parsed.nanoseconds;
      }
    }
    if (check.retries !== undefined) out.Healthcheck.Retries = check.retries;
  }
  return out;
}

function asSet(items: string[]): Record<string, object> {
  return Object.fromEntries(items.map((item) => [item, {}]));
}

function toPlatform(text: string): Platform {
  const parsed = parsePlatform(text);
  if (parsed.ok) return parsed.platform;
  const { os, architecture, variant } = toOciPlatform(text);
  return variant ? { os, architecture, variant } : { os, architecture };
}

function fromPlatform(platform: Platform): OciPlatform {
  const { os, architecture, variant } = platform;
  return variant ? { os, architecture, variant } : { os, architecture };
}
