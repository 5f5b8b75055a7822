// Instructions that only change the image config: USER, CMD, ENTRYPOINT,
// SHELL, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK and ONBUILD.

import type {
  CommandInstruction,
  CommandLine,
  ExposeInstruction,
  HealthcheckInstruction,
  Instruction,
  ShellInstruction,
  StopsignalInstruction,
  UserInstruction,
  VolumeInstruction,
} from '../model/instructions.ts';
import type { ImageConfig } from '../model/plan.ts';
import {
  checkExposedPort,
  checkJsonArgs,
  checkUsedOnce,
} from '../checks/dispatch-checks.ts';
import { expandWords } from '../expand/expand-word.ts';
import type { DispatchContext, StageState } from './dispatch-context.ts';
import { expandIn, reportError } from './dispatch-context.ts';
import { envLookup } from './env-list.ts';
import { exposedPorts, splitPortSpec } from './ports.ts';
import { isValidSignal } from './signals.ts';

/** The shell BuildKit prepends to shell-form commands on Linux. */
export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** Returns a command's argv: exec form as written, shell form behind the stage's shell. */
export function withShell(config: ImageConfig, command: CommandLine): string[] {
  if (command.form === 'exec') return [...command.args];
  const shell = config.shell.length > 0 ? config.shell : DEFAULT_SHELL;
  return [...shell, command.script];
}

/** Plans the config-only instructions; returns false for kinds it does not handle. */
export function planImageConfig(
  ctx: DispatchContext,
  state: StageState,
  c: Instruction,
): boolean {
  switch (c.kind) {
    case 'USER':
      planUser(ctx, state, c);
      return true;
    case 'CMD':
    case 'ENTRYPOINT':
      planCommand(ctx, state, c);
      return true;
    case 'SHELL':
      planShell(state, c);
      return true;
    case 'EXPOSE':
      planExpose(ctx, state, c);
      return true;
    case 'VOLUME':
      planVolume(ctx, state, c);
      return true;
    case 'STOPSIGNAL':
      planStopsignal(ctx, state, c);
      return true;
    case 'HEALTHCHECK':
      planHealthcheck(ctx, state, c);
      return true;
    case 'ONBUILD':
      state.config.onBuild.push(c.expression);
      return true;
    case 'MAINTAINER':
      return true;
    default:
      return false;
  }
}

function planUser(ctx: DispatchContext, state: StageState, c: UserInstruction) {
  const user = expandIn(ctx, state, c.user, c.range);
  if (user === undefined) return;
  state.user = user;
  state.config.user = user;
}

function planCommand(
  ctx: DispatchContext,
  state: StageState,
  c: CommandInstruction,
) {
  checkUsedOnce(ctx.lint, c.original, state.lastSet[c.kind], c.range);
  state.lastSet[c.kind] = c.range;
  if (c.command.form === 'shell' && state.config.shell.length === 0) {
    checkJsonArgs(ctx.lint, c.original, c.range);
  }
  const args = withShell(state.config, c.command);
  if (c.kind === 'CMD') {
    state.config.cmd = args;
    state.cmdSet = true;
    return;
  }
  state.config.entrypoint = args;
  if (!state.cmdSet) delete state.config.cmd;
}

function planShell(state: StageState, c: ShellInstruction) {
  state.config.shell = [...c.shell];
}

function planExpose(
  ctx: DispatchContext,
  state: StageState,
  c: ExposeInstruction,
) {
  const ports: string[] = [];
  for (const port of c.ports) {
    const words = expandWords(port, envLookup(state.env), ctx.escapeToken);
    if (words.error !== undefined) {
      reportError(ctx, 'expansion-error', words.error, c.range);
      return;
    }
    ports.push(...words.words);
  }
  for (const port of ports) {
    const split = splitPortSpec(port);
    if (split.error !== undefined) {
      reportError(ctx, 'invalid-port', split.error, c.range);
      return;
    }
    checkExposedPort(ctx.lint, port, split.spec, c.range);
    const parsed = exposedPorts(split.spec);
    if (parsed.error !== undefined) {
      reportError(ctx, 'invalid-port', parsed.error, c.range);
      return;
    }
    for (const p of parsed.ports) {
      if (!state.config.exposedPorts.includes(p))
        state.config.exposedPorts.push(p);
    }
  }
}

function planVolume(
  ctx: DispatchContext,
  state: StageState,
  c: VolumeInstruction,
) {
  for (const raw of c.paths) {
    const path = expandIn(ctx, state, raw, c.range);
    if (path === undefined) return;
    if (path === '') {
      reportError(
        ctx,
        'invalid-arguments',
        'VOLUME specified can not be an empty string',
        c.range,
      );
      return;
    }
    if (!state.config.volumes.includes(path)) state.config.volumes.push(path);
  }
}

function planStopsignal(
  ctx: DispatchContext,
  state: StageState,
  c: StopsignalInstruction,
) {
  const signal = expandIn(ctx, state, c.signal, c.range);
  if (signal === undefined) return;
  if (!isValidSignal(signal)) {
    reportError(ctx, 'invalid-signal', `Invalid signal: ${signal}`, c.range);
    return;
  }
  state.config.stopSignal = signal;
}

function planHealthcheck(
  ctx: DispatchContext,
  state: StageState,
  c: HealthcheckInstruction,
) {
  checkUsedOnce(ctx.lint, c.original, state.lastSet.HEALTHCHECK, c.range);
  state.lastSet.HEALTHCHECK = c.range;
  if (c.none || !c.test) {
    state.config.healthcheck = { test: ['NONE'] };
    return;
  }
  const test =
    c.test.form === 'exec'
      ? ['CMD', ...c.test.args]
      : ['CMD-SHELL', c.test.script];
  const healthcheck: NonNullable<ImageConfig['healthcheck']> = { test };
  if (c.interval) healthcheck.interval = c.interval;
  if (c.timeout) healthcheck.timeout = c.timeout;
  if (c.startPeriod) healthcheck.startPeriod = c.startPeriod;
  if (c.startInterval) healthcheck.startInterval = c.startInterval;
  if (c.retries !== undefined) healthcheck.retries = c.retries;
  state.config.healthcheck = healthcheck;
}
