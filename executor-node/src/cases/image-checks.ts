// Checks, before a case is built, that every image it starts from can be had
// (built-in store or registry), and that no step needs a tool a test
// stand-in image lacks (the stand-ins are busybox under other names).

import type { BuildPlan, Vertex } from '../../../core/src/index.ts';
import { logger } from '../logger.ts';
import { slipwayPaths } from '../paths.ts';
import { createRegistryBackends } from '../registry/create-image-source.ts';
import type { RegistryFlags } from '../registry/registry-config.ts';

/** The label test fixture images carry in their config. */
export const FIXTURE_LABEL = 'org.slipway.test-fixture';
/** The command a stand-in lacks, e.g. `go`. */
export const LACKS_LABEL = 'org.slipway.test-fixture.lacks';
/** What that command stands for, e.g. `Go toolchain`. */
export const LACKS_TEXT_LABEL = 'org.slipway.test-fixture.lacks-description';

/** Says why the plan's images stop it from running here, or `undefined`. */
export async function findImageBlocker(
  plan: BuildPlan,
  registry: RegistryFlags,
): Promise<string | undefined> {
  const images = createRegistryBackends(slipwayPaths(), {
    flags: registry,
  }).images;
  const runs = Object.values(plan.vertices).filter((v) => v.kind === 'run');
  const checked = new Set<string>();

  for (const vertex of Object.values(plan.vertices)) {
    const ref = imageRef(vertex);
    if (ref === undefined || checked.has(`${ref} ${vertex.platform}`)) continue;
    checked.add(`${ref} ${vertex.platform}`);
    const shown = ref.replace(/^docker\.io\/library\//, '');

    let labels: Record<string, string>;
    try {
      labels = (await images.resolve(ref, vertex.platform)).config.labels;
    } catch (error) {
      logger.debug('cases', (error as Error).message);
      return `image ${shown} (${vertex.platform}) not in the built-in store or a reachable registry`;
    }
    const lacks =
      labels[FIXTURE_LABEL] === 'true' ? labels[LACKS_LABEL] : undefined;
    const user = lacks && runs.find((run) => usesCommand(run.text, lacks));
    if (lacks && user) {
      return `stand-in image ${shown} has no ${labels[LACKS_TEXT_LABEL] ?? lacks} (${user.text.split('\n')[0]})`;
    }
  }
  return undefined;
}

function imageRef(vertex: Vertex): string | undefined {
  if (vertex.kind === 'image') return vertex.ref;
  if (vertex.kind === 'copy' && vertex.source.kind === 'image') {
    return vertex.source.ref === 'scratch' ? undefined : vertex.source.ref;
  }
  return undefined;
}

/** Reports whether a RUN's text calls `command` as a word of its own. */
function usesCommand(text: string, command: string): boolean {
  const escaped = command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s;&|(])${escaped}(\\s|$)`).test(text);
}
