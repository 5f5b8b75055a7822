// The image config document (OCI image spec `config` object and platform
// fields) from a stage's ImageConfig, in the field names Docker uses, and
// the platform a base image's config declares.

import {
  normalizePlatform,
  parsePlatform,
  type ImageConfig,
  type Platform,
} from '../../../core/src/index.ts';

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
