// `slipway build`: plans the build, runs it on this host with progress in
// BuildKit's plain format (on stderr, as buildx does), then exports outputs.

import type {
  BuildPlan,
  Diagnostic,
  ProgressEvent,
  SourceTexts,
} from '../../../core/src/index.ts';
import {
  buildDefinitionEvents,
  createPlanner,
  createPlainRenderer,
  createSolveStatusWriter,
  formatSourceExcerpt,
  isCheckWarning,
  parseOutput,
  sourceRowsOf,
} from '../../../core/src/index.ts';
import { hostImageSource, resolveBaseImages } from '../base-configs.ts';
import { runBuild } from '../build.ts';
import {
  checkOutputDestination,
  unknownImageOptions,
} from '../export/output-checks.ts';
import {
  closeBuildSession,
  openBuildSession,
  type BuildSession,
} from '../session/build-session.ts';
import { logger } from '../logger.ts';
import {
  colorWarningSummary,
  createTtyProgress,
} from '../progress/tty-progress.ts';
import type { BuildFlagValues, BuildInvocation } from './build-flags.ts';
import { outputsFromFlags } from './build-flags.ts';
import { formatWarningSummary } from './check.ts';
import type { CommandIO } from './command-io.ts';
import { formatDiagnostics, planSources } from './format-plan.ts';
import { planErrors } from './plan-errors.ts';
import { planFromFlags } from './plan.ts';

/** What buildx prints when a build has no output (not the docker driver). */
export const NO_OUTPUT_WARNING =
  'WARNING: No output specified with docker-container driver. Build result will only remain in the build cache. To push result image into registry use --push or to load image into docker use --load';

/** What buildx prints when a build is interrupted. */
const CANCELED_ERROR = 'Canceled: context canceled';

/** Log rows buildx repeats under a failed step. */
const FAILED_LOG_ROWS = 10;

/** Runs `slipway build` and returns the exit status. */
export async function runBuildCommand(
  contextArg: string,
  flags: BuildFlagValues,
  io: CommandIO,
): Promise<number> {
  // The second plan (with the base images) reuses the first one's reading
  // of the inputs and its parsed lines and digests.
  const planner = createPlanner();
  const cwd = process.cwd();
  // buildx checks where the outputs go before it reads anything else.
  const outputError = checkOutputs(flags, cwd, io);
  if (outputError !== undefined) {
    io.stderr.write(`ERROR: ${outputError}\n`);
    return 1;
  }
  const first = await planFromFlags(contextArg, flags, cwd, undefined, {
    planner,
  });
  // Like BuildKit, read every FROM image's config first and plan from it.
  const baseImages =
    planErrors(first.plan).length > 0
      ? undefined
      : await resolveBaseImages(
          first.plan,
          hostImageSource({ registry: first.invocation.registry, logger }),
          logger,
        );
  const { plan, source, invocation } = baseImages
    ? await planFromFlags(contextArg, flags, cwd, baseImages, {
        planner,
        inputs: first.inputs,
      })
    : first;
  const mode = invocation.progress;
  // Diagnostics point into the Dockerfile or a CDI spec file.
  const sources = planSources(plan, source, first.inputs.cdiSpecs);
  const progress = createProgressPrinter(mode, plan, io);
  // BuildKit's first vertex: the Dockerfile read, its checks as WARN rows.
  const definition = buildDefinitionEvents({
    file: plan.file,
    bytes: first.definitionBytes,
    diagnostics: plan.diagnostics,
    ...first.definitionRead,
  });
  for (const event of definition) progress.write(event);
  const errors = planErrors(plan);
  if (errors.length > 0) {
    progress.end();
    printPlanFailure(plan, sources, errors, mode, io);
    return 1;
  }

  let session: BuildSession;
  try {
    session = await openBuildSession({
      secret: invocation.secrets,
      ssh: invocation.ssh,
    });
  } catch (error) {
    progress.end();
    io.stderr.write(`ERROR: ${(error as Error).message}\n`);
    return 1;
  }
  // Ctrl+C: the running steps end as CANCELED and buildx's error follows;
  // the CLI then exits 130 and the runtime stops the containers.
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) return;
    interrupted = true;
    progress.cancel();
    progress.end();
    io.stderr.write(`ERROR: failed to solve: ${CANCELED_ERROR}\n`);
  };
  process.on('SIGINT', onInterrupt);
  const result = await runBuild(plan, {
    contextDir: invocation.contextDir,
    noCache: invocation.noCache,
    cacheTo: invocation.cacheTo,
    cacheFrom: invocation.cacheFrom,
    registry: invocation.registry,
    onEvent: progress.write,
    cwd: process.cwd(),
    logger,
    session,
    dockerignore: invocation.options.dockerignore ?? '',
    implicitTarget: (invocation.options.platforms ?? []).length === 0,
  }).finally(() => {
    process.off('SIGINT', onInterrupt);
    closeBuildSession(session);
  });
  if (interrupted) return 130;
  progress.end();
  if (!result.ok) {
    const error = result.error ?? 'build failed';
    printRunFailure(plan, sources, progress, error, mode, io);
    return 1;
  }

  logger.debug('build', `built ${result.results.length} platform(s)`);
  printWarnings(plan.diagnostics, mode, io);
  return 0;
}

// Checks each readable `--output` value (core reports unreadable ones), warns
// about options no BuildKit exporter knows, and warns as buildx does when
// the result stays in the cache only.
function checkOutputs(
  flags: BuildFlagValues,
  cwd: string,
  io: CommandIO,
): string | undefined {
  const values = outputsFromFlags(flags);
  // Machine-read (rawjson) and quiet progress keep stderr to themselves.
  const quietStderr =
    flags.progress === 'rawjson' || flags.progress === 'quiet';
  if (values.length === 0 && !quietStderr) {
    io.stderr.write(`${NO_OUTPUT_WARNING}\n`);
  }
  const stdoutIsTTY = (io.stdout as { isTTY?: boolean }).isTTY === true;
  for (const value of values) {
    const parsed = parseOutput(value);
    if (!parsed.ok) continue;
    const error = checkOutputDestination(parsed.output, cwd, stdoutIsTTY);
    if (error !== undefined) return error;
    for (const key of unknownImageOptions(parsed.output)) {
      logger.warn(`unknown ${parsed.output.type} exporter option "${key}"`);
    }
  }
  return undefined;
}

interface ProgressPrinter {
  write(event: ProgressEvent): void;
  /** The vertex that reported an error, if any. */
  failedVertex(): string | undefined;
  /** The last log rows of a vertex. */
  logOf(vertex: string): string[];
  /** The name a vertex was shown with, if it started. */
  nameOf(vertex: string): string | undefined;
  /** Stops live output (tty) once the build has ended. */
  end(): void;
  /** Ends each running step as canceled. */
  cancel(): void;
}

function createProgressPrinter(
  requested: BuildInvocation['progress'],
  plan: BuildPlan,
  io: CommandIO,
): ProgressPrinter {
  const mode = requested === 'auto' ? (io.isTTY ? 'tty' : 'plain') : requested;
  const renderer = createPlainRenderer();
  // A step that fetches reads its sources' rows too, as BuildKit's file op
  // reads its HTTP and git source vertices.
  const status = createSolveStatusWriter((id) => [
    ...(plan.vertices[id]?.inputs ?? []),
    ...sourceRowsOf(plan.vertices[id]),
  ]);
  // The live view draws on the stream itself (width, cursor moves).
  const tty =
    mode === 'tty'
      ? createTtyProgress(io.stderr as unknown as NodeJS.WriteStream)
      : undefined;
  const logs = new Map<string, string[]>();
  const names = new Map<string, string>();
  const running = new Set<string>();
  let failed: string | undefined;
  let lastTime = 0;

  const printer: ProgressPrinter = {
    write(event) {
      if ('time' in event) lastTime = event.time;
      if (event.kind === 'vertex-start') running.add(event.vertex);
      if (event.kind === 'vertex-start' || event.kind === 'vertex-cached') {
        names.set(event.vertex, event.name);
      }
      if (
        event.kind === 'vertex-done' ||
        event.kind === 'vertex-error' ||
        event.kind === 'vertex-cached'
      ) {
        running.delete(event.vertex);
      }
      if (event.kind === 'vertex-error') failed ??= event.vertex;
      if (event.kind === 'vertex-log') {
        const rows = logs.get(event.vertex) ?? [];
        rows.push(...event.data.split('\n').filter((row) => row !== ''));
        logs.set(event.vertex, rows.slice(-FAILED_LOG_ROWS));
      }
      if (mode === 'rawjson') {
        io.stderr.write(JSON.stringify(status.write(event)) + '\n');
      } else if (mode === 'plain') io.stderr.write(renderer.write(event));
      else tty?.write(event);
    },
    failedVertex: () => failed,
    logOf: (vertex) => logs.get(vertex) ?? [],
    nameOf: (vertex) => names.get(vertex),
    end: () => tty?.end(),
    cancel() {
      for (const vertex of [...running]) {
        const error = CANCELED_ERROR;
        printer.write({ kind: 'vertex-error', vertex, error, time: lastTime });
      }
      failed = undefined;
    },
  };
  return printer;
}

function printPlanFailure(
  plan: BuildPlan,
  sources: SourceTexts,
  errors: string[],
  mode: BuildInvocation['progress'],
  io: CommandIO,
): void {
  const first = plan.diagnostics.find((d) => d.severity === 'error');
  const others = plan.diagnostics.filter(
    (d) => d !== first && d.severity !== 'warning',
  );
  if (others.length > 0) {
    io.stderr.write(formatDiagnostics(others, sources) + '\n');
  }
  printWarnings(plan.diagnostics, mode, io);
  if (first?.location)
    io.stderr.write(formatSourceExcerpt(first.location, sources));
  const text = first ? (first.failure ?? first.message) : errors[0];
  io.stderr.write(`ERROR: failed to solve: ${text}\n`);
}

function printRunFailure(
  plan: BuildPlan,
  sources: SourceTexts,
  progress: ProgressPrinter,
  error: string,
  mode: BuildInvocation['progress'],
  io: CommandIO,
): void {
  const vertexId = progress.failedVertex();
  const vertex = vertexId ? plan.vertices[vertexId] : undefined;
  // A step's remote source (ADD's URL or repository) is a row of its own,
  // named like the step but without the step's place in the Dockerfile.
  const name = vertex?.name ?? (vertexId && progress.nameOf(vertexId));
  if (vertexId && name) {
    const rows = progress.logOf(vertexId);
    io.stderr.write(
      ['------', ` > ${name}:`, ...rows, '------', ''].join('\n'),
    );
  }
  printWarnings(plan.diagnostics, mode, io);
  if (vertex) {
    if (vertex.location)
      io.stderr.write(formatSourceExcerpt(vertex.location, sources));
  }
  // The executor's errors may already carry buildx's `failed to solve:`.
  const text = error.startsWith('failed to solve')
    ? error
    : `failed to solve: ${error}`;
  io.stderr.write(`ERROR: ${text}\n`);
}

// buildx lists the check warnings once the progress output is done, except
// in rawjson and quiet modes. Other warnings (CDI specs, optional devices)
// are BuildKit daemon log lines: here they go to the logger.
function printWarnings(
  diagnostics: Diagnostic[],
  mode: BuildInvocation['progress'],
  io: CommandIO,
): void {
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  for (const warning of warnings) {
    if (isCheckWarning(warning)) continue;
    const at = warning.location;
    const where = at ? `${at.file}:${at.range.start.line}: ` : '';
    logger.warn(`${where}${warning.message}`);
  }
  if (mode === 'rawjson' || mode === 'quiet') return;
  const summary = formatWarningSummary(warnings.filter(isCheckWarning));
  const tty = mode === 'tty' || (mode === 'auto' && io.isTTY);
  io.stderr.write(tty ? colorWarningSummary(summary) : summary);
}
