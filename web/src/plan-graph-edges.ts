// The edges of the plan graph: a curve per way a stage reads a source, solid
// for FROM, dashed for COPY --from, dotted for RUN --mount, each labelled
// with its kind.

import { svg, type SVGTemplateResult } from 'lit';
import type {
  GraphEdge,
  GraphEdgeKind,
  PlanGraphData,
} from './plan-graph-data.ts';
import type { RoutedEdge } from './layered-layout.ts';

type Point = { x: number; y: number };

// Labels of edges into one stage closer than this share one label.
const MERGE_DISTANCE = 80;

/** How each kind of edge is labelled, as the Dockerfile writes it. */
export const EDGE_LABELS: Record<GraphEdgeKind, string> = {
  from: 'FROM',
  copy: 'COPY --from',
  mount: 'RUN --mount',
};

/** Draws the arrowheads the edges end in (one for skipped stages). */
export function renderMarkers(): SVGTemplateResult {
  return svg`<defs>${['', 'skipped'].map(
    (kind) => svg`<marker
      id="arrow${kind}"
      class=${kind}
      viewBox="0 0 8 8"
      refX="7"
      refY="4"
      markerWidth="7"
      markerHeight="7"
      orient="auto-start-reverse"
    >
      <path d="M0,0 L8,4 L0,8 z" />
    </marker>`,
  )}</defs>`;
}

/** Draws every edge, then their labels above them. */
export function renderEdges(
  data: PlanGraphData,
  routes: RoutedEdge[],
): SVGTemplateResult {
  const edges = routes.map((route, i) =>
    renderEdge(data, data.edges[i]!, route),
  );
  const labels = placeLabels(data.edges, routes).map(renderLabel);
  return svg`${edges} ${labels}`;
}

/** Names a node as a person knows it: the stage's id, or the image. */
export function nameOf(data: PlanGraphData, key: string): string {
  const node = data.nodes.find((n) => n.key === key);
  if (!node) return key;
  return node.kind === 'stage' ? node.stage.id : node.ref;
}

function renderEdge(data: PlanGraphData, edge: GraphEdge, route: RoutedEdge) {
  const classes = ['edge', edge.kind, edge.skipped ? 'skipped' : ''];
  return svg`<g
    class=${classes.filter(Boolean).join(' ')}
    aria-hidden="true"
    data-from=${nameOf(data, edge.from)}
    data-to=${nameOf(data, edge.to)}
    data-kind=${edge.kind}
  >
    <path
      d=${curve(route.points)}
      marker-end="url(#arrow${edge.skipped ? 'skipped' : ''})"
    />
  </g>`;
}

// Labels sit on the middle of each edge's last stretch. Labels of edges
// that meet at one stage and would overlap become one, naming each kind once.
function placeLabels(edges: GraphEdge[], routes: RoutedEdge[]) {
  const byTarget = new Map<string, (Point & { kind: GraphEdgeKind })[]>();
  for (const [i, edge] of edges.entries()) {
    const [a, b] = routes[i]!.points.slice(-2);
    if (!a || !b) continue;
    const group = byTarget.get(edge.to) ?? [];
    group.push({ kind: edge.kind, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
    byTarget.set(edge.to, group);
  }
  const labels: (Point & { text: string })[] = [];
  for (const group of byTarget.values()) {
    const clusters: (typeof group)[] = [];
    for (const label of [...group].sort((a, b) => a.x - b.x)) {
      const last = clusters[clusters.length - 1];
      const previous = last?.[last.length - 1];
      if (previous && label.x - previous.x < MERGE_DISTANCE) last!.push(label);
      else clusters.push([label]);
    }
    for (const cluster of clusters) {
      const kinds = [...new Set(cluster.map((l) => l.kind))];
      labels.push({
        text: kinds.map((kind) => EDGE_LABELS[kind]).join(' + '),
        x: cluster.reduce((sum, l) => sum + l.x, 0) / cluster.length,
        y: cluster.reduce((sum, l) => sum + l.y, 0) / cluster.length,
      });
    }
  }
  return labels;
}

function renderLabel(label: Point & { text: string }) {
  const width = label.text.length * 6 + 8;
  return svg`<g class="label" aria-hidden="true"
    transform="translate(${label.x} ${label.y})">
    <rect x=${-width / 2} y="-8" width=${width} height="15" rx="3" />
    <text text-anchor="middle" y="3.5">${label.text}</text>
  </g>`;
}

// A smooth vertical S from point to point.
function curve(points: Point[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  let d = `M${first!.x},${first!.y}`;
  let previous = first!;
  for (const point of rest) {
    const bend = (point.y - previous.y) / 2;
    const start = `${previous.x},${previous.y + bend}`;
    const end = `${point.x},${point.y - bend}`;
    d += ` C${start} ${end} ${point.x},${point.y}`;
    previous = point;
  }
  return d;
}
