// Checks a case's expectations: first against the plan (what can be known
// without running anything), then against what a real build produced.

import type {
  BuildPlan,
  PlatformPlan,
  RunVertex,
  StagePlan,
} from '../../../core/src/index.ts';
import { builtRunVertices, planErrors } from '../commands/plan-errors.ts';
import type { CaseExpect } from './case-file.ts';

/** What the plan could confirm or refute. */
export interface PlanCheck {
  failures: string[];
  /** The plan has errors, so nothing can run. */
  planFailed: boolean;
  /** `error_contains` was found among the plan's errors. */
  errorMatched: boolean;
}

/** What a real build produced, per target platform. */
export interface RunObservation {
  ok: boolean;
  error?: string;
  platforms: {
    platform: string;
    /** The image config env of the result, `NAME=value` entries. */
    env?: string[];
    /** The environment of the last RUN process, if the executor reported it. */
    runEnv?: Record<string, string>;
    /** Contents of the expected files; `undefined` when missing. */
    files: Record<string, string | undefined>;
  }[];
  /** Files under the local exporter's dest, relative, `/`-separated. */
  outputFiles?: string[];
}

/** Checks every expectation the plan alone can decide. */
export function checkPlanExpectations(
  expect: CaseExpect,
  plan: BuildPlan,
): PlanCheck {
  const failures: string[] = [];
  const errors = planErrors(plan);
  const planFailed = errors.length > 0;
  let errorMatched = false;

  if (expect.error_contains !== undefined && planFailed) {
    errorMatched = errors.some((m) => containsText(m, expect.error_contains!));
    if (!errorMatched) {
      failures.push(
        `expected an error containing "${expect.error_contains}", got: ${errors.join('; ')}`,
      );
    }
  }
  if (expect.ok === true && planFailed) {
    failures.push(`plan failed: ${errors.join('; ')}`);
  }
  if (expect.instructions) {
    checkList('instructions', expect.instructions, plan.instructions, failures);
  }

  const first = plan.platforms[0];
  if (!first) {
    if (!planFailed) failures.push('the plan has no target platform');
    return { failures, planFailed, errorMatched };
  }
  checkStages(expect, first, failures);
  checkPlanValues(expect, plan, first, failures);
  return { failures, planFailed, errorMatched };
}

/** Checks the expectations that need a finished build. */
export function checkRunExpectations(
  expect: CaseExpect,
  run: RunObservation,
): string[] {
  const failures: string[] = [];
  if (expect.ok === true && !run.ok) {
    failures.push(`build failed: ${run.error ?? 'unknown error'}`);
  }
  if (expect.error_contains !== undefined) {
    if (run.ok) {
      failures.push(
        `expected the build to fail with "${expect.error_contains}", but it succeeded`,
      );
    } else if (!containsText(run.error ?? '', expect.error_contains)) {
      failures.push(
        `expected an error containing "${expect.error_contains}", got: ${run.error}`,
      );
    }
  }
  if (!run.ok) return failures;

  for (const result of run.platforms) {
    const where = run.platforms.length > 1 ? ` [${result.platform}]` : '';
    for (const [file, want] of Object.entries(expect.files ?? {})) {
      const got = result.files[file];
      if (got === undefined) failures.push(`file ${file}${where} is missing`);
      else if (got !== want) {
        failures.push(
          `file ${file}${where}: expected ${show(want)}, got ${show(got)}`,
        );
      }
    }
    if (expect.env && result.env) {
      checkEnv(`image env${where}`, expect.env, envToMap(result.env), failures);
    }
    if (expect.run_env && result.runEnv) {
      checkEnv(`RUN env${where}`, expect.run_env, result.runEnv, failures);
    }
  }

  if (expect.output_files) {
    const have = new Set(run.outputFiles ?? []);
    const missing = expect.output_files.filter((file) => !have.has(file));
    if (missing.length > 0) {
      failures.push(
        `output files missing: ${missing.join(', ')} (have: ${[...have].sort().join(', ') || 'none'})`,
      );
    }
  }
  return failures;
}

/** Predicts the environment of the last RUN of the target stage, CDI env edits applied. */
export function predictRunEnv(
  plan: BuildPlan,
  platformPlan: PlatformPlan,
): Record<string, string> | undefined {
  const vertex = lastRunVertex(plan, platformPlan, platformPlan.target);
  if (!vertex) return undefined;
  const env = envToMap(vertex.env);
  for (const device of vertex.devices) {
    for (const edits of device.edits)
      Object.assign(env, envToMap(edits.env ?? []));
  }
  return env;
}

/** Turns `NAME=value` entries into a record; later entries win. */
export function envToMap(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 0) env[entry] = '';
    else env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Brings an image reference to its fully qualified form (`docker.io/library/x:latest`). */
export function normalizeImageRef(ref: string): string {
  let name = ref;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasDomain =
    first !== '' &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) name = `docker.io/${slash < 0 ? 'library/' : ''}${name}`;

  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !name.includes('@')) name += ':latest';
  return name;
}

function checkStages(
  expect: CaseExpect,
  platformPlan: PlatformPlan,
  failures: string[],
): void {
  const byId = new Map(platformPlan.stages.map((s) => [s.id, s]));
  const builtOrder = platformPlan.order.map(
    (index) => platformPlan.stages[index]?.id ?? String(index),
  );

  if (expect.stages_built) {
    const missing = expect.stages_built.filter(
      (id) => !builtOrder.includes(id),
    );
    const positions = expect.stages_built
      .filter((id) => builtOrder.includes(id))
      .map((id) => builtOrder.indexOf(id));
    const inOrder = positions.every((p, i) => i === 0 || p > positions[i - 1]);
    if (missing.length > 0 || !inOrder) {
      failures.push(
        `stages built: expected ${show(expect.stages_built)}, got ${show(builtOrder)}`,
      );
    }
  }
  for (const id of expect.stages_skipped ?? []) {
    const stage = byId.get(id);
    if (!stage) failures.push(`stage "${id}" does not exist`);
    else if (stage.built)
      failures.push(`stage "${id}" is built, expected skipped`);
  }
}

function checkPlanValues(
  expect: CaseExpect,
  plan: BuildPlan,
  platformPlan: PlatformPlan,
  failures: string[],
): void {
  const target = platformPlan.stages[platformPlan.target];

  if (expect.base_image !== undefined) {
    const base = target && rootImage(platformPlan, target);
    if (!base) {
      failures.push(
        `base image: expected ${expect.base_image}, target has none`,
      );
    } else if (
      normalizeImageRef(base) !== normalizeImageRef(expect.base_image)
    ) {
      failures.push(`base image: expected ${expect.base_image}, got ${base}`);
    }
  }

  for (const [stageId, args] of Object.entries(expect.args ?? {})) {
    const stage = platformPlan.stages.find((s) => s.id === stageId);
    if (!stage) failures.push(`args: stage "${stageId}" does not exist`);
    else checkEnv(`args of stage ${stageId}`, args, stage.args, failures);
  }

  if (expect.env && target) {
    checkEnv('image env', expect.env, envToMap(target.config.env), failures);
  }

  if (expect.devices_injected) {
    const got = injectedDevices(plan);
    checkList(
      'devices injected',
      [...expect.devices_injected].sort(),
      got,
      failures,
    );
  }

  if (expect.run_env) {
    const predicted = predictRunEnv(plan, platformPlan);
    if (!predicted) failures.push('RUN env: the target stage has no RUN step');
    else checkEnv('planned RUN env', expect.run_env, predicted, failures);
  }
}

function injectedDevices(plan: BuildPlan): string[] {
  const names = new Set<string>();
  for (const vertex of builtRunVertices(plan)) {
    for (const device of vertex.devices) {
      for (const name of device.devices) names.add(name);
    }
  }
  return [...names].sort();
}

function lastRunVertex(
  plan: BuildPlan,
  platformPlan: PlatformPlan,
  stageIndex: number,
): RunVertex | undefined {
  const seen = new Set<number>();
  let stage: StagePlan | undefined = platformPlan.stages[stageIndex];
  // A stage without RUN inherits the last process of the stage it starts from.
  while (stage && !seen.has(stage.index)) {
    seen.add(stage.index);
    const runs = stage.vertices
      .map((id) => plan.vertices[id])
      .filter((v): v is RunVertex => v !== undefined && v.kind === 'run');
    if (runs.length > 0) return runs[runs.length - 1];
    stage =
      stage.base.kind === 'stage'
        ? platformPlan.stages[stage.base.stage]
        : undefined;
  }
  return undefined;
}

function rootImage(
  platformPlan: PlatformPlan,
  stage: StagePlan,
): string | undefined {
  const seen = new Set<number>();
  let current: StagePlan | undefined = stage;
  while (current && !seen.has(current.index)) {
    seen.add(current.index);
    if (current.base.kind === 'image') return current.base.ref;
    if (current.base.kind === 'scratch') return 'scratch';
    current = platformPlan.stages[current.base.stage];
  }
  return undefined;
}

function checkEnv(
  label: string,
  want: Record<string, string>,
  got: Record<string, string>,
  failures: string[],
): void {
  for (const [name, value] of Object.entries(want)) {
    if (!(name in got)) failures.push(`${label}: ${name} is not set`);
    else if (got[name] !== value) {
      failures.push(
        `${label}: ${name} expected ${show(value)}, got ${show(got[name])}`,
      );
    }
  }
}

function checkList(
  label: string,
  want: string[],
  got: string[],
  failures: string[],
): void {
  if (JSON.stringify(want) !== JSON.stringify(got)) {
    failures.push(`${label}: expected ${show(want)}, got ${show(got)}`);
  }
}

function containsText(message: string, part: string): boolean {
  return message.toLowerCase().includes(part.toLowerCase());
}

function show(value: unknown): string {
  return JSON.stringify(value);
}
