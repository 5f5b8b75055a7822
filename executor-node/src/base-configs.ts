// Base image configs read before planning, so the planner starts each image
// stage from its image's env, working directory, user and triggers.

import {
  baseImageKey,
  type BuildPlan,
  type ImageConfig,
  type ImageSource,
} from '../../core/src/index.ts';
import type { Logger } from './logger.ts';
import { slipwayPaths } from './paths.ts';
import { createRegistryBackends } from './registry/create-image-source.ts';
import type { RegistryFlags } from './registry/registry-config.ts';

/**
 * Resolves the config of every image a plan's stages start FROM; an image
 * that cannot be resolved is left out (its solve step reports why).
 */
export async function resolveBaseImages(
  plan: BuildPlan,
  images: ImageSource,
  logger?: Logger,
): Promise<Record<string, ImageConfig>> {
  const wanted = new Map<string, { ref: string; platform: string }>();
  for (const platformPlan of plan.platforms) {
    for (const stage of platformPlan.stages) {
      if (!stage.built || stage.base.kind !== 'image') continue;
      const { ref, platform } = stage.base;
      wanted.set(baseImageKey(ref, platform), { ref, platform });
    }
  }
  const out: Record<string, ImageConfig> = {};
  for (const [key, { ref, platform }] of wanted) {
    try {
      out[key] = (await images.resolve(ref, platform)).config;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger?.debug('build', `base config of ${key} unknown: ${message}`);
    }
  }
  return out;
}

/** Creates the image source a build uses (built-in store, then registries). */
export function hostImageSource(options: {
  home?: string;
  registry?: RegistryFlags;
  logger?: Logger;
}): ImageSource {
  return createRegistryBackends(slipwayPaths(options.home), {
    flags: options.registry,
    logger: options.logger,
  }).images;
}
