// `slipway plan`: plans a build the way `docker buildx build` would run it and
// prints the plan, readable or as JSON. Exit status 1 when the plan has errors.

import fs from 'node:fs';

import type {
  BuildPlan,
  CdiSpecFile,
  ImageConfig,
  Planner,
} from '../../../core/src/index.ts';
import { planBuild } from '../../../core/src/index.ts';
import { findIgnoreFile } from '../context/ignore-file.ts';
import { runnablePlatforms } from '../runtime/emulation.ts';
import type { BuildFlagValues, BuildInvocation } from './build-flags.ts';
import { DEFAULT_CDI_SPEC_DIRS, toBuildInvocation } from './build-flags.ts';
import { readCdiSpecDirs } from './cdi-spec-dirs.ts';
import type { CommandIO } from './command-io.ts';
import { formatPlan } from './format-plan.ts';

/** Flags of `slipway plan` beyond the build flags. */
export interface PlanFlagValues extends BuildFlagValues {
  json?: boolean;
  legacy?: boolean;
}

/** A plan together with what it was made from. */
export interface PlannedBuild {
  invocation: BuildInvocation;
  source: string;
  plan: BuildPlan;
  /** See BuildInputs.definitionBytes and definitionRead. */
  definitionBytes: number;
  definitionRead: { start: number; end: number };
  /** What the plan was made from, for planning again (PlanReuse). */
  inputs: BuildInputs;
}

/** A second plan of the same build: its inputs as read, and a planner. */
export interface PlanReuse {
  inputs?: BuildInputs;
  /** Remembers parsed lines and digests between the plans. */
  planner?: Planner;
}

/** What a build is planned from: the flags, the Dockerfile and the CDI specs. */
export interface BuildInputs {
  invocation: BuildInvocation;
  source: string;
  cdiSpecs: CdiSpecFile[];
  /** Bytes BuildKit transfers as the build definition (`transferring dockerfile:`). */
  definitionBytes: number;
  /** When reading the Dockerfile and its ignore file started and ended (ms). */
  definitionRead: { start: number; end: number };
}

/**
 * Checks the context, then reads the Dockerfile, its `.dockerignore` and
 * the CDI spec directories.
 */
export async function loadBuildInputs(
  contextArg: string,
  flags: BuildFlagValues,
  cwd: string = process.cwd(),
): Promise<BuildInputs> {
  const invocation = toBuildInvocation(contextArg, flags, cwd, process.env);
  await checkContextDir(invocation.contextDir, contextArg);
  const dirs = flags.cdiSpecDir ?? DEFAULT_CDI_SPEC_DIRS;
  const cdiSpecs = await readCdiSpecDirs(
    dirs.map((dir) => resolveDir(dir, cwd)),
  );
  const start = Date.now();
  const source = await readDockerfile(invocation.dockerfilePath);
  const ignore = await readIgnoreFile(invocation);
  const definitionRead = { start, end: Date.now() };
  if (ignore.text !== undefined) {
    invocation.options.dockerignore = ignore.text;
  }
  const definitionBytes = Buffer.byteLength(source) + ignore.ownBytes;
  return { invocation, source, cdiSpecs, definitionBytes, definitionRead };
}

// BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile first,
// then `.dockerignore` at the context root; the first one is sent along
// with the Dockerfile.
async function readIgnoreFile(
  invocation: BuildInvocation,
): Promise<{ text?: string; ownBytes: number }> {
  const file = await findIgnoreFile(
    invocation.contextDir,
    invocation.dockerfilePath,
  );
  if (!file) return { ownBytes: 0 };
  return { text: file.text, ownBytes: file.own ? file.bytes : 0 };
}

/** Reads the Dockerfile and the CDI spec directories, then plans the build. */
export async function planFromFlags(
  contextArg: string,
  flags: BuildFlagValues & { legacy?: boolean },
  cwd: string = process.cwd(),
  baseImages?: Record<string, ImageConfig>,
  reuse: PlanReuse = {},
): Promise<PlannedBuild> {
  const inputs =
    reuse.inputs ?? (await loadBuildInputs(contextArg, flags, cwd));
  const { invocation, source, cdiSpecs } = inputs;
  const { definitionBytes, definitionRead } = inputs;
  const options = {
    builderPlatforms: runnablePlatforms(),
    ...invocation.options,
    cdiSpecs,
    legacy: flags.legacy ?? false,
    ...(baseImages ? { baseImages } : {}),
  };
  const plan = reuse.planner
    ? reuse.planner.plan(source, options)
    : planBuild(source, options);
  return { invocation, source, plan, definitionBytes, definitionRead, inputs };
}

/** Runs `slipway plan` and returns the exit status. */
export async function runPlanCommand(
  contextArg: string,
  flags: PlanFlagValues,
  io: CommandIO,
): Promise<number> {
  const { plan, source, inputs } = await planFromFlags(contextArg, flags);
  if (flags.json) io.stdout.write(JSON.stringify(plan, null, 2) + '\n');
  else io.stdout.write(formatPlan(plan, source, inputs.cdiSpecs));
  return plan.ok ? 0 : 1;
}

// buildx checks the context before it reads the Dockerfile, with this text.
async function checkContextDir(dir: string, shown: string): Promise<void> {
  const info = fs.statSync(dir, { throwIfNoEntry: false });
  if (!info?.isDirectory()) {
    throw new Error(`unable to prepare context: path "${shown}" not found`);
  }
}

async function readDockerfile(file: string): Promise<string> {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        `failed to read dockerfile: open ${file}: no such file or directory`,
      );
    }
    if (code === 'EISDIR') {
      throw new Error(
        `failed to read dockerfile: read ${file}: is a directory`,
      );
    }
    throw new Error(
      `failed to read dockerfile: open ${file}: ${(error as Error).message}`,
    );
  }
}

function resolveDir(dir: string, cwd: string): string {
  return dir.startsWith('/') ? dir : `${cwd}/${dir}`;
}
