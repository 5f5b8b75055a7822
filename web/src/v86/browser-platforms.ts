// Which of a plan's target platforms the page can build, from the steps each
// one needs: every RUN's platform must run in the guest (or be a WASI step)
// and every image must be in the offline store for its platform.

import {
  normalizeImageName,
  type BuildPlan,
  type Vertex,
} from '../../../core/src/index.ts';
import type { OfflineImage } from './bundle-images.ts';
import {
  EMULATORS,
  GUEST_PLATFORM,
  guestSupport,
  normalizedPlatform,
} from './emulation.ts';
import { isWasiStep } from '../wasi/wasi-step.ts';

/** One target platform and, when the page cannot build it, why. */
export interface PlatformVerdict {
  platform: string;
  /** Set when the platform is not built in the browser. */
  reason?: string;
}

/**
 * Says for each target platform of `plan` whether the page builds it.
 * Images are checked only when `images` (the offline store's list) is given.
 */
export function checkPlatforms(
  plan: BuildPlan,
  images?: OfflineImage[],
): PlatformVerdict[] {
  return plan.platforms.map((p) => {
    const vertices = neededVertices(plan, p.platform);
    const foreign = vertices.find(
      (v) =>
        v.kind === 'run' &&
        !isWasiStep(v.platform, v.args) &&
        guestSupport(v.platform) === undefined,
    );
    if (foreign) {
      return {
        platform: p.platform,
        reason: `not executed in the browser: its RUN steps run on ${foreign.platform}, and the guest runs ${GUEST_PLATFORM} (${guestEmulated()} under QEMU user mode)`,
      };
    }
    const missing = images ? missingImages(vertices, images)[0] : undefined;
    if (missing) {
      return {
        platform: p.platform,
        reason: `not built in the browser: the offline image store has no ${missing.platform} image of ${missing.ref}`,
      };
    }
    return { platform: p.platform };
  });
}

/** Returns the platforms Build runs: those the page can, else the guest's. */
export function runnablePlatforms(verdicts: PlatformVerdict[]): string[] {
  const can = verdicts.filter((v) => !v.reason).map((v) => v.platform);
  return can.length > 0 ? can : [GUEST_PLATFORM];
}

/** Lists the images a plan starts from that the offline store lacks. */
export function planMissingImages(
  plan: BuildPlan,
  images: OfflineImage[],
): { ref: string; platform: string }[] {
  const vertices = plan.platforms.flatMap((p) =>
    neededVertices(plan, p.platform),
  );
  return missingImages(vertices, images);
}

/** Lists the emulated platforms (linux/amd64) the plan's RUN steps run on. */
export function emulatedRunPlatforms(plan: BuildPlan): string[] {
  const found = new Set<string>();
  for (const v of Object.values(plan.vertices)) {
    if (v.kind !== 'run' || isWasiStep(v.platform, v.args)) continue;
    if (guestSupport(v.platform) === 'emulated') {
      found.add(normalizedPlatform(v.platform) ?? v.platform);
    }
  }
  return [...found];
}

function guestEmulated(): string {
  return Object.keys(EMULATORS).join(', ');
}

/** Returns the vertices a platform's built stages use, inputs included. */
function neededVertices(plan: BuildPlan, platform: string): Vertex[] {
  const platformPlan = plan.platforms.find((p) => p.platform === platform);
  const seen = new Set<string>();
  const queue = (platformPlan?.stages ?? [])
    .filter((s) => s.built)
    .flatMap((s) => s.vertices);
  while (queue.length > 0) {
    const id = queue.pop()!;
    const vertex = plan.vertices[id];
    if (seen.has(id) || !vertex) continue;
    seen.add(id);
    queue.push(...vertex.inputs);
  }
  return [...seen].map((id) => plan.vertices[id]!);
}

function missingImages(
  vertices: Vertex[],
  images: OfflineImage[],
): { ref: string; platform: string }[] {
  const missing = new Map<string, { ref: string; platform: string }>();
  for (const v of vertices) {
    const ref =
      v.kind === 'image'
        ? v.ref
        : v.kind === 'copy' && v.source.kind === 'image'
          ? v.source.ref
          : undefined;
    if (ref === undefined) continue;
    const name = normalizeImageName(ref) ?? ref;
    const platform = normalizedPlatform(v.platform) ?? v.platform;
    const image = images.find((i) => i.name === name);
    if (image?.platforms.includes(platform)) continue;
    missing.set(`${name}@${platform}`, { ref: name, platform });
  }
  return [...missing.values()];
}
