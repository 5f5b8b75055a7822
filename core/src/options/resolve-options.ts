// Build options after defaults, normalisation and validation, the way
// `docker buildx build` settles its flags before it asks BuildKit to build.

import type { Diagnostic } from '../model/diagnostic.ts';
import type {
  BuildOptions,
  OutputSpec,
  ResolvedBuildOptions,
} from '../model/options.ts';
import type { Platform } from '../platform/platform.ts';
import {
  DEFAULT_PLATFORM,
  formatPlatformAll,
  parsePlatform,
} from '../platform/platform.ts';
import { parseAllow } from './allow.ts';
import { parseGoBool } from './go-bool.ts';
import { parseOutput } from './output.ts';

/** The build platform when the caller names none. */
export const DEFAULT_BUILD_PLATFORM = 'linux/amd64';

/** Applies defaults to build options and reports every bad value. */
export function resolveBuildOptions(options: BuildOptions): {
  options: ResolvedBuildOptions;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const fail = (code: string, message: string) =>
    diagnostics.push({ code, severity: 'error', message });

  const build = readBuildPlatform(options.buildPlatform, fail);
  const buildPlatform = formatPlatformAll(build);
  const platforms = readPlatforms(options.platforms ?? [], build, fail);
  const builderPlatforms = readPlatforms(
    options.builderPlatforms ?? [],
    build,
    fail,
  );
  if (!builderPlatforms.includes(buildPlatform)) {
    builderPlatforms.unshift(buildPlatform);
  }

  const allow = parseAllow(options.allow ?? []);
  for (const error of allow.errors) fail('invalid-entitlement', error);
  const outputs = readOutputs(options.outputs ?? [], fail);

  const resolved: ResolvedBuildOptions = {
    file: options.file ?? 'Dockerfile',
    platforms: platforms.length > 0 ? platforms : [buildPlatform],
    buildPlatform,
    builderPlatforms,
    buildArgs: { ...(options.buildArgs ?? {}) },
    device: allow.entitlements.device,
    networkHost: allow.entitlements.networkHost,
    securityInsecure: allow.entitlements.securityInsecure,
    outputs,
    legacy: options.legacy ?? false,
  };
  if (options.target !== undefined && options.target !== '') {
    resolved.target = options.target;
  }
  if (platforms.length === 0) resolved.implicitTarget = true;
  checkMultiPlatform(resolved, fail);
  return { options: resolved, diagnostics };
}

/** Tells whether the build returns one result per platform (BuildKit's multi-platform mode). */
export function isMultiPlatform(
  options: Pick<ResolvedBuildOptions, 'platforms' | 'buildArgs'>,
): boolean {
  const forced = options.buildArgs.BUILDKIT_MULTI_PLATFORM;
  const value = forced ? parseGoBool(forced) : undefined;
  return value ?? options.platforms.length > 1;
}

function checkMultiPlatform(
  options: ResolvedBuildOptions,
  fail: (code: string, message: string) => void,
) {
  const forced = options.buildArgs.BUILDKIT_MULTI_PLATFORM;
  if (!forced) return;
  const value = parseGoBool(forced);
  if (value === undefined) {
    fail(
      'invalid-option',
      `invalid boolean value for multi-platform: ${forced}`,
    );
  } else if (!value && options.platforms.length > 1) {
    fail(
      'invalid-option',
      'conflicting config: returning multiple target platforms is not allowed',
    );
  }
}

function readBuildPlatform(
  value: string | undefined,
  fail: (code: string, message: string) => void,
): Platform {
  if (!value) return DEFAULT_PLATFORM;
  const result = parsePlatform(value);
  if (result.ok) return result.platform;
  fail('invalid-platform', result.error);
  return DEFAULT_PLATFORM;
}

function readPlatforms(
  values: string[],
  build: Platform,
  fail: (code: string, message: string) => void,
): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const result =
        part.toLowerCase() === 'local'
          ? { ok: true as const, platform: build }
          : parsePlatform(part, build);
      if (!result.ok) {
        fail('invalid-platform', result.error);
        continue;
      }
      const formatted = formatPlatformAll(result.platform);
      if (!out.includes(formatted)) out.push(formatted);
    }
  }
  return out;
}

function readOutputs(
  values: string[],
  fail: (code: string, message: string) => void,
): OutputSpec[] {
  const outputs: OutputSpec[] = [];
  let stdoutUsed = false;
  for (const value of values) {
    if (value === '') continue;
    const result = parseOutput(value);
    if (!result.ok) {
      fail('invalid-output', result.error);
      continue;
    }
    if (result.output.dest === '-') {
      if (stdoutUsed) {
        fail(
          'invalid-output',
          'multiple outputs configured to write to stdout',
        );
        continue;
      }
      stdoutUsed = true;
    }
    outputs.push(result.output);
  }
  return outputs;
}
