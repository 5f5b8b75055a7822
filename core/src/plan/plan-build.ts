// The planner's entry: Dockerfile text and build options in, a BuildPlan out
// (per platform stages, shared vertices, diagnostics). Never throws.

import type { CdiRegistry, CdiSpecFile } from '../model/cdi.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { Dockerfile } from '../model/instructions.ts';
import type { BuildOptions, ResolvedBuildOptions } from '../model/options.ts';
import type { BuildPlan, PlatformPlan, Vertex } from '../model/plan.ts';
import { createCdiRegistry } from '../cdi/registry.ts';
import { readDockerfile } from '../instructions/read-dockerfile.ts';
import {
  isMultiPlatform,
  resolveBuildOptions,
} from '../options/resolve-options.ts';
import { parseDockerfile } from '../parse/parse-dockerfile.ts';
import { DEFAULT_PLATFORM, parsePlatform } from '../platform/platform.ts';
import { planLegacy } from './legacy.ts';
import { planPlatform } from './plan-platform.ts';

/** Plans a build: parses, checks and resolves everything a run needs. */
export function planBuild(text: string, options: BuildOptions = {}): BuildPlan {
  const resolved = resolveBuildOptions(options);
  try {
    return plan(
      text,
      resolved.options,
      options.cdiSpecs ?? [],
      resolved.diagnostics,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return finish(
      {
        file: resolved.options.file,
        options: resolved.options,
        instructions: [],
        platforms: [],
        vertices: {},
      },
      [
        ...resolved.diagnostics,
        {
          code: 'internal',
          severity: 'error',
          message: `internal: ${message}`,
        },
      ],
    );
  }
}

function plan(
  text: string,
  options: ResolvedBuildOptions,
  cdiSpecs: CdiSpecFile[],
  optionDiagnostics: Diagnostic[],
): BuildPlan {
  const diagnostics = [...optionDiagnostics];
  const base = {
    file: options.file,
    options,
    instructions: [] as string[],
    platforms: [] as PlatformPlan[],
    vertices: {} as Record<string, Vertex>,
  };
  if (text.length === 0) {
    diagnostics.push({
      code: 'empty-dockerfile',
      severity: 'error',
      message: 'the Dockerfile cannot be empty',
    });
    return finish(base, diagnostics);
  }

  const syntax = parseDockerfile(text, options.file);
  diagnostics.push(...syntax.diagnostics);
  base.instructions = syntax.instructions.map((node) => node.keyword);
  const { dockerfile, diagnostics: read } = readDockerfile(syntax);
  diagnostics.push(...read);
  if (dockerfile.stages.length === 0) {
    const failed = diagnostics.some((d) => d.severity === 'error');
    if (syntax.instructions.length > 0 && !failed) {
      diagnostics.push({
        code: 'no-stages',
        severity: 'error',
        message: 'dockerfile contains no stages to build',
      });
    }
    return finish(base, diagnostics);
  }

  const registry = createCdiRegistry(cdiSpecs);
  diagnostics.push(...registry.diagnostics);
  base.platforms = planPlatforms(
    dockerfile,
    options,
    registry,
    base.vertices,
    diagnostics,
  );

  const result: BuildPlan = finish(base, diagnostics);
  if (options.legacy && base.platforms.length > 0) {
    result.legacy = planLegacy(dockerfile, base.platforms[0].target);
  }
  return result;
}

function planPlatforms(
  dockerfile: Dockerfile,
  options: ResolvedBuildOptions,
  registry: CdiRegistry,
  vertices: Record<string, Vertex>,
  diagnostics: Diagnostic[],
): PlatformPlan[] {
  const build = platformOf(options.buildPlatform);
  const labs = isLabsSyntax(
    options.buildArgs.BUILDKIT_SYNTAX ?? dockerfile.syntax,
  );
  const platforms: PlatformPlan[] = [];
  for (const target of options.platforms) {
    const result = planPlatform({
      dockerfile,
      options,
      buildPlatform: build,
      targetPlatform: platformOf(target),
      multiPlatform: isMultiPlatform(options),
      labs,
      registry,
      vertices,
    });
    diagnostics.push(...result.diagnostics);
    if (result.plan) platforms.push(result.plan);
  }
  return platforms;
}

/** Tells whether a `# syntax=` value names a labs Dockerfile frontend (needed for RUN --device). */
export function isLabsSyntax(syntax: string | undefined): boolean {
  if (!syntax) return false;
  const image = syntax.trim().split(/\s+/)[0];
  const tag = /:([^/@]+)(@.*)?$/.exec(image)?.[1] ?? '';
  return tag.includes('labs');
}

function platformOf(text: string) {
  const parsed = parsePlatform(text);
  return parsed.ok ? parsed.platform : DEFAULT_PLATFORM;
}

function finish(
  base: Omit<BuildPlan, 'diagnostics' | 'ok'>,
  diagnostics: Diagnostic[],
): BuildPlan {
  const unique = dedupe(diagnostics);
  return {
    ...base,
    diagnostics: unique,
    ok: !unique.some((d) => d.severity === 'error'),
  };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.severity, d.message, d.location]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
