// Base image configs a caller resolved before planning: how they are keyed,
// and how a stage finds its own.

import type { ImageConfig } from '../model/plan.ts';
import { normalizeImageName } from './reference.ts';

/** Returns the `baseImages` key of an image: normalised ref, `@`, platform. */
export function baseImageKey(ref: string, platform: string): string {
  return `${normalizeImageName(ref) ?? ref}@${platform}`;
}

/** Finds a base image's config in `baseImages`, if the caller gave it. */
export function findBaseImage(
  baseImages: Record<string, ImageConfig> | undefined,
  ref: string,
  platform: string,
): ImageConfig | undefined {
  if (!baseImages) return undefined;
  const key = baseImageKey(ref, platform);
  return Object.hasOwn(baseImages, key) ? baseImages[key] : undefined;
}
