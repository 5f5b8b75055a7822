// Runs one case: reads its command line, plans it in a temporary copy of the
// case folder, checks the plan, and builds it for real when this host can.

import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { BuildPlan, ProgressEvent } from '../../../core/src/index.ts';
import { createPlainRenderer, planBuild } from '../../../core/src/index.ts';
import { hostImageSource, resolveBaseImages } from '../base-configs.ts';
import { runBuild } from '../build.ts';
import type {
  BuildFlagValues,
  BuildInvocation,
} from '../commands/build-flags.ts';
import { toBuildInvocation } from '../commands/build-flags.ts';
import { readCdiSpecDirs } from '../commands/cdi-spec-dirs.ts';
import { logger } from '../logger.ts';
import { parseCaseCommand } from './case-command.ts';
import type { CaseDefinition, CaseExpect } from './case-file.ts';
import type { RunObservation } from './expectations.ts';
import {
  checkPlanExpectations,
  checkRunExpectations,
  envToMap,
} from './expectations.ts';
import { emulationProblem } from '../runtime/emulation.ts';
import type { RegistryFlags } from '../registry/registry-config.ts';
import { unmetRequirement } from './host-checks.ts';
import { findImageBlocker } from './image-checks.ts';

export type CaseStatus = 'pass' | 'fail' | 'skip';

/** The outcome of one case. */
export interface CaseResult {
  id: string;
  area: string;
  status: CaseStatus;
  /** Whether the build ran for real. */
  executed: boolean;
  /** Why it failed or was skipped. */
  reason?: string;
  failures: string[];
  /** The build's progress in plain format, when it ran. */
  progress?: string;
}

/** Options for running cases. */
export interface RunCaseOptions {
  /** Keep the temporary copy of the case folder (its path is logged). */
  keepTemp?: boolean;
  /** Plan only; never execute. */
  planOnly?: boolean;
  /** Registry mirrors and settings for images the built-in store lacks. */
  registry?: RegistryFlags;
}

/** Plans, checks and (where possible) builds one case. */
export async function runCase(
  definition: CaseDefinition,
  options: RunCaseOptions = {},
): Promise<CaseResult> {
  const base = { id: definition.id, area: definition.area };
  const parsed = parseCaseCommand(definition.command);
  if (!parsed.ok) return fail(base, `bad command: ${parsed.error}`);

  const temp = await mkdtemp(
    path.join(tmpdir(), `slipway-case-${definition.id}-`),
  );
  const cwd = path.join(temp, 'case');
  try {
    await cp(definition.dir, cwd, { recursive: true });
    return await runInCopy(
      definition,
      parsed.contextArg,
      parsed.flags,
      cwd,
      options,
    );
  } catch (error) {
    return fail(base, `internal: ${(error as Error).message}`);
  } finally {
    if (options.keepTemp) logger.info(`case ${definition.id} kept in ${cwd}`);
    else await rm(temp, { recursive: true, force: true });
  }
}

async function runInCopy(
  definition: CaseDefinition,
  contextArg: string,
  flags: BuildFlagValues,
  cwd: string,
  options: RunCaseOptions,
): Promise<CaseResult> {
  const base = { id: definition.id, area: definition.area };
  const invocation = withRegistry(
    toBuildInvocation(contextArg, flags, cwd, process.env),
    options.registry,
  );
  const cdiSpecs = await readCdiSpecDirs([
    { dir: path.join(cwd, 'cdi'), shownAs: '/etc/cdi' },
    { dir: path.join(cwd, 'cdi-var-run'), shownAs: '/var/run/cdi' },
  ]);
  const text = await readFile(invocation.dockerfilePath, 'utf8');
  const plan = planBuild(text, { ...invocation.options, cdiSpecs });
  logger.debug('cases', `${definition.id}: plan ok=${plan.ok}`);

  const expect = definition.expect;
  const planCheck = checkPlanExpectations(expect, plan);
  if (planCheck.failures.length > 0) {
    return fail(base, planCheck.failures[0], planCheck.failures);
  }
  if (planCheck.planFailed) {
    return { ...base, status: 'pass', executed: false, failures: [] };
  }

  const blocker = options.planOnly
    ? 'execution disabled'
    : await findBlocker(definition, plan, invocation.registry);
  if (blocker) {
    return {
      ...base,
      status: 'skip',
      executed: false,
      reason: `${blocker} (plan checks passed)`,
      failures: [],
    };
  }

  // Like BuildKit, the run starts each image stage from its image's config.
  const baseImages = await resolveBaseImages(
    plan,
    hostImageSource({ registry: invocation.registry, logger }),
    logger,
  );
  const planned = planBuild(text, {
    ...invocation.options,
    cdiSpecs,
    baseImages,
  });
  if (!planned.ok) {
    const error = planned.diagnostics.find((d) => d.severity === 'error');
    const failure = `plan with base image configs failed: ${error?.message}`;
    return fail(base, failure, [failure]);
  }
  const { observation, progress } = await execute(
    planned,
    invocation,
    cwd,
    expect,
  );
  const failures = checkRunExpectations(expect, observation);
  if (failures.length > 0) {
    return { ...fail(base, failures[0], failures), executed: true, progress };
  }
  return { ...base, status: 'pass', executed: true, failures: [], progress };
}

/** Says why the plan cannot run here, or `undefined` when it can. */
async function findBlocker(
  definition: CaseDefinition,
  plan: BuildPlan,
  registry: RegistryFlags,
): Promise<string | undefined> {
  for (const requirement of definition.requires) {
    const unmet = unmetRequirement(requirement);
    if (unmet) return unmet;
  }

  const images = await findImageBlocker(plan, registry);
  if (images) return images;

  for (const vertex of Object.values(plan.vertices)) {
    if (vertex.kind !== 'run') continue;
    const reason = emulationProblem(vertex.platform);
    if (reason) return reason;
  }
  return undefined;
}

/** Adds the runner's registry settings to those of the case's command. */
function withRegistry(
  invocation: BuildInvocation,
  registry: RegistryFlags | undefined,
): BuildInvocation {
  if (!registry) return invocation;
  const own = invocation.registry;
  return {
    ...invocation,
    registry: {
      configFile: registry.configFile ?? own.configFile,
      mirrors: [...(own.mirrors ?? []), ...(registry.mirrors ?? [])],
      insecure: [...(own.insecure ?? []), ...(registry.insecure ?? [])],
    },
  };
}

async function execute(
  plan: BuildPlan,
  invocation: BuildInvocation,
  cwd: string,
  expect: CaseExpect,
): Promise<{ observation: RunObservation; progress: string }> {
  const renderer = createPlainRenderer();
  let progress = '';
  const onEvent = (event: ProgressEvent) => {
    progress += renderer.write(event);
  };

  const result = await runBuild(plan, {
    contextDir: invocation.contextDir,
    // A case checks real behaviour, so every step runs, cached or not.
    noCache: true,
    registry: invocation.registry,
    onEvent,
    cwd,
    logger,
  });
  const observation: RunObservation = {
    ok: result.ok,
    platforms: [],
  };
  if (!result.ok) {
    observation.error = result.error ?? 'build failed';
    return { observation, progress };
  }

  for (const item of result.results) {
    const read: Record<string, string | undefined> = {};
    for (const file of Object.keys(expect.files ?? {})) {
      read[file] = await readFile(path.join(item.rootfs, file), 'utf8').catch(
        () => undefined,
      );
    }
    observation.platforms.push({
      platform: item.platform,
      env: item.config?.env,
      runEnv: item.runEnv && envToMap(item.runEnv),
      files: read,
    });
  }

  const local = plan.options.outputs.find((o) => o.type === 'local');
  if (expect.output_files && local?.dest) {
    observation.outputFiles = await listFiles(path.resolve(cwd, local.dest));
  }
  return { observation, progress };
}

async function listFiles(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) =>
      path
        .relative(root, path.join(entry.parentPath, entry.name))
        .split(path.sep)
        .join('/'),
    )
    .sort();
}

function fail(
  base: { id: string; area: string },
  reason: string,
  failures: string[] = [reason],
): CaseResult {
  return { ...base, status: 'fail', executed: false, reason, failures };
}
