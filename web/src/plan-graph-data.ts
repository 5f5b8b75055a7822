// The stage graph of one platform's plan, as the plan graph draws it: a node
// per stage, a node per image read by COPY --from or RUN --mount, and an edge
// per way one stage reads another (FROM, COPY --from, RUN --mount from=).

import {
  normalizeImageName,
  type BuildPlan,
  type PlatformPlan,
  type RunMount,
  type StagePlan,
} from '../../core/src/index.ts';

/** How a stage reads its source. */
export type GraphEdgeKind = 'from' | 'copy' | 'mount';

/** A stage of the platform's plan. */
export interface GraphStageNode {
  kind: 'stage';
  /** `stage:<index>`. */
  key: string;
  stage: StagePlan;
  isTarget: boolean;
  /** Its base as the box names it: an image, `scratch`, a stage's name. */
  baseLabel: string;
  /** The platform its steps run on, when not the plan's own. */
  runsOn?: string;
  /** Other platforms whose plan has the very same stage result. */
  sharedWith: string[];
  /** How many of its steps other platforms' plans use too. */
  sharedSteps: number;
}

/** An image a stage copies or mounts files from. */
export interface GraphImageNode {
  kind: 'image';
  /** `image:<normalised reference>`. */
  key: string;
  /** The reference as it reads best: without `docker.io/library/`. */
  ref: string;
}

/** A box of the graph: a stage or an image. */
export type GraphNode = GraphStageNode | GraphImageNode;

/** One way a stage reads a source; one per source, target and kind. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
  /** The reading stage is skipped. */
  skipped: boolean;
}

/** The nodes and edges of one platform's stage graph. */
export interface PlanGraphData {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Collects the stage graph of one platform of a plan. */
export function describePlanGraph(
  plan: BuildPlan,
  platform: PlatformPlan,
): PlanGraphData {
  const nodes: GraphNode[] = platform.stages.map((stage) =>
    describeStage(plan, platform, stage),
  );
  const edges: GraphEdge[] = [];
  const add = (from: string, to: StagePlan, kind: GraphEdgeKind) => {
    const key = stageKey(to.index);
    if (edges.some((e) => e.from === from && e.to === key && e.kind === kind))
      return;
    edges.push({ from, to: key, kind, skipped: !to.built });
  };
  const addImage = (ref: string, to: StagePlan, kind: GraphEdgeKind) => {
    const key = `image:${normalizeImageName(ref) ?? ref}`;
    if (!nodes.some((n) => n.key === key)) {
      nodes.push({ kind: 'image', key, ref: shortRef(ref) });
    }
    add(key, to, kind);
  };

  for (const stage of platform.stages) {
    if (stage.base.kind === 'stage') {
      add(stageKey(stage.base.stage), stage, 'from');
    }
    for (const id of stage.vertices) {
      const vertex = plan.vertices[id];
      if (vertex?.kind === 'copy' && vertex.source.kind === 'stage') {
        add(stageKey(vertex.source.stage), stage, 'copy');
      } else if (vertex?.kind === 'copy' && vertex.source.kind === 'image') {
        addImage(vertex.source.ref, stage, 'copy');
      } else if (vertex?.kind === 'run') {
        for (const mount of vertex.mounts) {
          if (!mount.from) continue;
          const source = findMountStage(platform.stages, mount);
          if (source) add(stageKey(source.index), stage, 'mount');
          else addImage(mount.from, stage, 'mount');
        }
      }
    }
  }
  return { nodes, edges };
}

/** Shortens an image reference as `docker` prints it: `alpine:latest`. */
export function shortRef(ref: string): string {
  const full = normalizeImageName(ref) ?? ref;
  return full.replace(/^docker\.io\/(library\/)?/, '');
}

function stageKey(index: number): string {
  return `stage:${index}`;
}

function describeStage(
  plan: BuildPlan,
  platform: PlatformPlan,
  stage: StagePlan,
): GraphStageNode {
  const others = plan.platforms.filter((p) => p !== platform);
  const sharedWith = others
    .filter((other) => {
      const twin = other.stages.find((s) => s.index === stage.index);
      return stage.built && !!stage.result && twin?.result === stage.result;
    })
    .map((other) => other.platform);
  const elsewhere = new Set(
    others.flatMap((other) => other.stages.flatMap((s) => s.vertices)),
  );
  const base = stage.base;
  const parent =
    base.kind === 'stage'
      ? platform.stages.find((s) => s.index === base.stage)
      : undefined;
  return {
    kind: 'stage',
    key: stageKey(stage.index),
    stage,
    isTarget: stage.index === platform.target,
    baseLabel:
      base.kind === 'image'
        ? shortRef(base.ref)
        : base.kind === 'scratch'
          ? 'scratch'
          : (parent?.name ?? `#${base.stage}`),
    runsOn: stage.platform !== platform.platform ? stage.platform : undefined,
    sharedWith,
    sharedSteps: stage.vertices.filter((id) => elsewhere.has(id)).length,
  };
}

// A mount's `from` names a stage by its name or index, else an image.
function findMountStage(
  stages: StagePlan[],
  mount: RunMount,
): StagePlan | undefined {
  const from = mount.from!.toLowerCase();
  return (
    stages.find((s) => s.name === from) ??
    stages.find((s) => String(s.index) === from)
  );
}
