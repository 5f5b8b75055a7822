// The `config` object of an OCI image config, in Docker's field names, to
// and from core's ImageConfig: what an image brings to a stage and what an
// exported image carries.

import {
  formatGoDuration,
  parseGoDuration,
} from '../instructions/go-duration.ts';
import type { ImageConfig } from '../model/plan.ts';
import { emptyImageConfig } from '../plan/dispatch-stage.ts';

/** The OCI image config's `config` object. */
export interface OciImageConfigBody {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Shell?: string[];
  OnBuild?: string[];
  Healthcheck?: {
    Test: string[];
    /** Nanoseconds, as every duration below. */
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    StartInterval?: number;
    Retries?: number;
  };
}

const DURATIONS = [
  ['Interval', 'interval'],
  ['Timeout', 'timeout'],
  ['StartPeriod', 'startPeriod'],
  ['StartInterval', 'startInterval'],
] as const;

/** Writes a stage's config in the image config's field names. */
export function toOciConfigBody(config: ImageConfig): OciImageConfigBody {
  const out: OciImageConfigBody = {};
  if (config.user) out.User = config.user;
  if (config.exposedPorts.length > 0)
    out.ExposedPorts = asSet(config.exposedPorts);
  if (config.env.length > 0) out.Env = config.env;
  if (config.entrypoint) out.Entrypoint = config.entrypoint;
  if (config.cmd) out.Cmd = config.cmd;
  if (config.volumes.length > 0) out.Volumes = asSet(config.volumes);
  if (config.workingDir) out.WorkingDir = config.workingDir;
  if (Object.keys(config.labels).length > 0) out.Labels = config.labels;
  if (config.stopSignal) out.StopSignal = config.stopSignal;
  if (config.shell.length > 0) out.Shell = config.shell;
  if (config.onBuild.length > 0) out.OnBuild = config.onBuild;
  const check = config.healthcheck;
  if (check) {
    const written: NonNullable<OciImageConfigBody['Healthcheck']> = {
      Test: check.test,
    };
    for (const [field, key] of DURATIONS) {
      const text = check[key];
      const parsed = text === undefined ? undefined : parseGoDuration(text);
      if (parsed && parsed.error === undefined) {
        written[field] = parsed.nanoseconds;
      }
    }
    if (check.retries !== undefined) written.Retries = check.retries;
    out.Healthcheck = written;
  }
  return out;
}

/** Reads an image's `config` object (absent fields empty) into core's form. */
export function fromOciConfigBody(body: OciImageConfigBody = {}): ImageConfig {
  const config: ImageConfig = {
    ...emptyImageConfig(),
    env: body.Env ?? [],
    labels: body.Labels ?? {},
    exposedPorts: Object.keys(body.ExposedPorts ?? {}),
    volumes: Object.keys(body.Volumes ?? {}),
    shell: body.Shell ?? [],
    onBuild: body.OnBuild ?? [],
  };
  if (body.WorkingDir) config.workingDir = body.WorkingDir;
  if (body.User) config.user = body.User;
  if (body.Cmd) config.cmd = body.Cmd;
  if (body.Entrypoint) config.entrypoint = body.Entrypoint;
  if (body.StopSignal) config.stopSignal = body.StopSignal;
  const check = body.Healthcheck;
  if (check?.Test) {
    const read: NonNullable<ImageConfig['healthcheck']> = { test: check.Test };
    for (const [field, key] of DURATIONS) {
      const ns = check[field];
      if (typeof ns === 'number' && ns > 0) read[key] = formatGoDuration(ns);
    }
    if (check.Retries !== undefined) read.retries = check.Retries;
    config.healthcheck = read;
  }
  return config;
}

function asSet(items: string[]): Record<string, object> {
  return Object.fromEntries(items.map((item) => [item, {}]));
}
