// Layers a stage's planned config over its base image's config, for stages
// planned without that config: the image's own Env, User and so on join here.

import type { ImageConfig } from '../model/plan.ts';

/** Sets each `NAME=value` of `overrides` in `base`, keeping base's order. */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const result = [...base];
  for (const entry of overrides) {
    const name = envName(entry);
    const at = result.findIndex((item) => envName(item) === name);
    if (at >= 0) result[at] = entry;
    else result.push(entry);
  }
  return result;
}

/** Returns the value of `name` in a `NAME=value` list, if set. */
export function envValue(env: string[], name: string): string | undefined {
  const entry = env.find((item) => envName(item) === name);
  return entry === undefined ? undefined : entry.slice(name.length + 1);
}

/** Lays the planned stage config over the base image's config. */
export function mergeImageConfig(
  image: ImageConfig | undefined,
  stage: ImageConfig,
): ImageConfig {
  if (!image) return stage;
  return {
    ...image,
    ...definedFields(stage),
    env: mergeEnv(image.env, stage.env),
    labels: { ...image.labels, ...stage.labels },
    exposedPorts: union(image.exposedPorts, stage.exposedPorts),
    volumes: union(image.volumes, stage.volumes),
    shell: stage.shell.length > 0 ? stage.shell : image.shell,
    onBuild: stage.onBuild,
  };
}

function envName(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

function definedFields(config: ImageConfig): Partial<ImageConfig> {
  const out: Partial<ImageConfig> = {};
  if (config.workingDir) out.workingDir = config.workingDir;
  if (config.user) out.user = config.user;
  if (config.cmd) out.cmd = config.cmd;
  if (config.entrypoint) out.entrypoint = config.entrypoint;
  if (config.stopSignal) out.stopSignal = config.stopSignal;
  if (config.healthcheck) out.healthcheck = config.healthcheck;
  return out;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
