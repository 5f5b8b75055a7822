// The planner's entry: Dockerfile text and build options in, a BuildPlan out
// (per platform stages, shared vertices, diagnostics). Never throws.

import type { CdiRegistry, CdiSpecFile } from '../model/cdi.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { Dockerfile } from '../model/instructions.ts';
import type { BuildOptions, ResolvedBuildOptions } from '../model/options.ts';
import type {
  BuildPlan,
  ImageConfig,
  PlatformPlan,
  Vertex,
} from '../model/plan.ts';
import { createCdiRegistry } from '../cdi/registry.ts';
import { resolveCheckConfig } from '../checks/check-options.ts';
import type { Linter } from '../checks/linter.ts';
import { createLinter } from '../checks/linter.ts';
import { checkSyntax } from '../checks/syntax-checks.ts';
import { readDockerfile } from '../instructions/read-dockerfile.ts';
import {
  isMultiPlatform,
  resolveBuildOptions,
} from '../options/resolve-options.ts';
import type { ParseMemo } from '../parse/parse-dockerfile.ts';
import { parseDockerfile, parseRemembered } from '../parse/parse-dockerfile.ts';
import { DEFAULT_PLATFORM, parsePlatform } from '../platform/platform.ts';
import {
  deviceSupport,
  frontendSyntax,
  knowsSecurityFlag,
} from './frontend.ts';
import { planLegacy } from './legacy.ts';
import type { PlatformInput } from './plan-platform.ts';
import { planPlatform } from './plan-platform.ts';
import type { VertexIdMemo } from './vertex-id-memo.ts';
import type { StageMemo } from './stage-memo.ts';
import { stageLines } from './stage-memo.ts';

export { isLabsSyntax } from './frontend.ts';

/** How much of the Dockerfile a plan dispatches, and what it may reuse. */
export interface PlanMode {
  /** Dispatch every stage, needed or not, as `docker build --check` lints. */
  allStages: boolean;
  /** Instruction lines read by earlier plans (see createPlanner). */
  parseMemo?: ParseMemo;
  /** Vertex ids earlier plans hashed (see createPlanner). */
  idMemo?: VertexIdMemo;
  /** Stages earlier plans dispatched (see createPlanner). */
  stageMemo?: StageMemo;
  /** Base image configs the caller resolved (see BuildOptions.baseImages). */
  baseImages?: Record<string, ImageConfig>;
  /** The context's `.dockerignore` text (see BuildOptions.dockerignore). */
  dockerignore?: string;
}

/** Plans a build: parses, checks and resolves everything a run needs. */
export function planBuild(text: string, options: BuildOptions = {}): BuildPlan {
  return planDockerfile(text, options, { allStages: false });
}

/** Plans a build in the given mode; `planBuild` is the usual entry. */
export function planDockerfile(
  text: string,
  options: BuildOptions,
  mode: PlanMode,
): BuildPlan {
  const resolved = resolveBuildOptions(options);
  const withImages = {
    ...mode,
    ...(options.baseImages ? { baseImages: options.baseImages } : {}),
    ...(options.dockerignore !== undefined
      ? { dockerignore: options.dockerignore }
      : {}),
  };
  try {
    return plan(
      text,
      resolved.options,
      options.cdiSpecs ?? [],
      resolved.diagnostics,
      withImages,
      options,
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
  mode: PlanMode,
  given: BuildOptions = {},
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

  const { syntax, lines } = mode.parseMemo
    ? parseRemembered(text, options.file, mode.parseMemo)
    : { syntax: parseDockerfile(text, options.file), lines: undefined };
  const checks = resolveCheckConfig(syntax, options.buildArgs);
  diagnostics.push(...checks.diagnostics);
  const lint = createLinter(syntax, checks.config, mode.dockerignore);
  // The parser's own warnings are build checks: the linter decides on them.
  const parserWarnings = syntax.diagnostics.filter(
    (d) => d.severity === 'warning',
  );
  diagnostics.push(
    ...syntax.diagnostics.filter((d) => d.severity !== 'warning'),
  );
  base.instructions = syntax.instructions.map((node) => node.keyword);
  const { dockerfile, diagnostics: read } = readDockerfile(syntax, lines);
  diagnostics.push(...read);
  checkSyntax(syntax, dockerfile, lint, parserWarnings);
  diagnostics.push(...unknownDeviceFlags(dockerfile, options));
  if (dockerfile.stages.length === 0) {
    const failed = diagnostics.some((d) => d.severity === 'error');
    if (syntax.instructions.length > 0 && !failed) {
      diagnostics.push({
        code: 'no-stages',
        severity: 'error',
        message: 'dockerfile contains no stages to build',
      });
    }
    return finish(base, diagnostics, lint);
  }

  const registry = createCdiRegistry(cdiSpecs);
  diagnostics.push(...registry.diagnostics);
  const stages = mode.stageMemo && {
    memo: mode.stageMemo,
    key: inputsKey(text, dockerfile, options, given),
    linesOf: stageLines(text, dockerfile.stages),
  };
  base.platforms = planPlatforms(
    dockerfile,
    options,
    registry,
    base.vertices,
    diagnostics,
    lint,
    mode,
    stages,
  );

  const result: BuildPlan = finish(base, diagnostics, lint);
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
  lint: Linter,
  mode: PlanMode,
  stages: PlatformInput['stages'],
): PlatformPlan[] {
  const build = platformOf(options.buildPlatform);
  const devices = deviceSupport(
    frontendSyntax(dockerfile.syntax, options.buildArgs),
  );
  const platforms: PlatformPlan[] = [];
  for (const target of options.platforms) {
    const result = planPlatform({
      dockerfile,
      options,
      buildPlatform: build,
      targetPlatform: platformOf(target),
      multiPlatform: isMultiPlatform(options),
      devices,
      registry,
      vertices,
      lint,
      allStages: mode.allStages,
      ...(mode.baseImages ? { baseImages: mode.baseImages } : {}),
      ...(mode.idMemo ? { idMemo: mode.idMemo } : {}),
      ...(stages ? { stages } : {}),
    });
    diagnostics.push(...result.diagnostics);
    if (result.plan) platforms.push(result.plan);
  }
  return platforms;
}

// Frontends before 1.14 do not know RUN --device, and mainline ones before
// 1.20 do not know RUN --security: reading the Dockerfile fails on them, in
// any stage.
function unknownDeviceFlags(
  dockerfile: Dockerfile,
  options: ResolvedBuildOptions,
): Diagnostic[] {
  const syntax = frontendSyntax(dockerfile.syntax, options.buildArgs);
  const noDevice = deviceSupport(syntax) === 'unknown-flag';
  const noSecurity = !knowsSecurityFlag(syntax);
  if (!noDevice && !noSecurity) return [];
  return dockerfile.stages.flatMap((stage) =>
    stage.commands.flatMap((c): Diagnostic[] => {
      if (c.kind !== 'RUN') return [];
      const flag =
        noDevice && c.devices.length > 0
          ? '--device'
          : noSecurity && c.security !== undefined
            ? '--security'
            : undefined;
      if (!flag) return [];
      return [
        {
          code: 'unknown-flag',
          severity: 'error',
          message: `unknown flag: ${flag}`,
          location: { file: dockerfile.file, range: c.range },
        },
      ];
    }),
  );
}

// Everything a stage's dispatch reads that is not its own: the options as
// given and as resolved (CDI specs, base images and .dockerignore among
// them) and the lines before the first FROM (directives, global ARGs).
function inputsKey(
  text: string,
  dockerfile: Dockerfile,
  options: ResolvedBuildOptions,
  given: BuildOptions,
): string {
  const first = dockerfile.stages[0].from.range.start.line;
  let end = -1;
  for (let line = 1; line < first && end < text.length; line++) {
    const next = text.indexOf('\n', end + 1);
    end = next < 0 ? text.length : next;
  }
  return JSON.stringify([
    given,
    options,
    dockerfile.file,
    dockerfile.escapeToken,
    dockerfile.syntax ?? null,
    text.slice(0, end + 1),
  ]);
}

function platformOf(text: string) {
  const parsed = parsePlatform(text);
  return parsed.ok ? parsed.platform : DEFAULT_PLATFORM;
}

function finish(
  base: Omit<BuildPlan, 'diagnostics' | 'ok'>,
  diagnostics: Diagnostic[],
  lint?: Linter,
): BuildPlan {
  const all = [...diagnostics];
  if (lint) {
    all.push(...sortByLine(lint.warnings));
    // `error=true` fails a build that would otherwise succeed.
    const failed = all.some((d) => d.severity === 'error');
    if (lint.config.error && lint.called.length > 0 && !failed) {
      all.push({
        code: 'lint-violation',
        severity: 'error',
        message: `lint violation found for rules: ${lint.called.join(', ')}`,
      });
    }
  }
  const unique = dedupe(all);
  return {
    ...base,
    diagnostics: unique,
    ok: !unique.some((d) => d.severity === 'error'),
  };
}

function sortByLine(warnings: Diagnostic[]): Diagnostic[] {
  const line = (d: Diagnostic) => d.location?.range.start.line ?? 0;
  return [...warnings].sort((a, b) => line(a) - line(b));
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
