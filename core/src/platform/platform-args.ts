// The automatic build args BuildKit defines for every build: the BUILD* and
// TARGET* platform values and TARGETSTAGE, overridable by --build-arg.

import type { Platform } from './platform.ts';
import { formatPlatform, formatPlatformAll } from './platform.ts';

/** Names of the automatic args, in the order BuildKit defines them. */
export const AUTOMATIC_ARG_NAMES = [
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
] as const;

/**
 * Creates the automatic args for one target platform; `--build-arg` values of
 * the same names replace them, as in BuildKit.
 */
export function createPlatformArgs(
  build: Platform,
  target: Platform,
  targetStage: string | undefined,
  overrides: Record<string, string> = {},
): Map<string, string> {
  const values: [string, string][] = [
    ['BUILDPLATFORM', formatPlatform(build)],
    ['BUILDOS', build.os],
    ['BUILDOSVERSION', build.osVersion ?? ''],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant ?? ''],
    ['TARGETPLATFORM', formatPlatformAll(target)],
    ['TARGETOS', target.os],
    ['TARGETOSVERSION', target.osVersion ?? ''],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant ?? ''],
    ['TARGETSTAGE', targetStage || 'default'],
  ];
  const args = new Map<string, string>();
  for (const [name, value] of values) {
    args.set(name, Object.hasOwn(overrides, name) ? overrides[name] : value);
  }
  return args;
}
