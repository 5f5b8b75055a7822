// A small layered (Sugiyama-style) layout for the plan graph, top to bottom:
// layers by dependency depth, dummy points on long edges, crossings reduced
// by barycentres, and each layer placed as near its neighbours as it fits.

/** A box to place; `width` and `height` in pixels. */
export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

/** An edge from one node's bottom to another's top. */
export interface LayoutEdge {
  from: string;
  to: string;
}

/** Spacing of a layout, in pixels. */
export interface LayoutSpacing {
  /** Between neighbours in a layer. */
  nodeGap: number;
  /** Between a layer's bottom and the next layer's top. */
  layerGap: number;
  /** Around the whole drawing. */
  margin: number;
}

/** A node with its place: `x`, `y` are its top-left corner. */
export interface PlacedNode extends LayoutNode {
  x: number;
  y: number;
  layer: number;
}

/** An edge's route: its start, the bends of a long edge, its end. */
export interface RoutedEdge extends LayoutEdge {
  points: { x: number; y: number }[];
}

/** The whole drawing: its size, nodes by id, and edges in input order. */
export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, PlacedNode>;
  edges: RoutedEdge[];
}

const DEFAULT_SPACING: LayoutSpacing = { nodeGap: 28, layerGap: 64, margin: 8 };
// What a dummy point of a long edge keeps from its neighbours.
const DUMMY_GAP = 14;
const SWEEPS = 4;

// One slot in a layer: a node, or a bend of the long edge `edge`.
interface Slot {
  id: string;
  width: number;
  height: number;
  edge?: number;
  center: number;
  up: Slot[];
  down: Slot[];
}

/** Lays out a small directed graph in layers from top to bottom. */
export function layoutLayers(
  nodes: LayoutNode[],
  edges: LayoutEdge[],
  spacing: Partial<LayoutSpacing> = {},
): Layout {
  const space = { ...DEFAULT_SPACING, ...spacing };
  const ids = new Set(nodes.map((n) => n.id));
  const known = edges.filter(
    (e) => e.from !== e.to && ids.has(e.from) && ids.has(e.to),
  );
  const layerOf = assignLayers(nodes, known);
  const { layers, chains } = buildSlots(nodes, edges, layerOf);
  orderLayers(layers);
  placeLayers(layers, space);

  const tops = layerTops(layers, space);
  const placed = new Map<string, PlacedNode>();
  for (const [i, layer] of layers.entries()) {
    const rowHeight = Math.max(0, ...layer.map((s) => s.height));
    for (const slot of layer) {
      if (slot.edge !== undefined) continue;
      const y = tops[i]! + (rowHeight - slot.height) / 2;
      const x = slot.center - slot.width / 2;
      placed.set(slot.id, { ...nodeOf(nodes, slot.id), x, y, layer: i });
    }
  }
  const routed = edges.map((edge, i) =>
    routeEdge(edge, chains.get(i) ?? [], placed, layers, tops),
  );
  spreadPorts(routed, placed);

  const right = Math.max(
    0,
    ...layers.flat().map((slot) => slot.center + slot.width / 2),
  );
  const bottom = tops[tops.length - 1] ?? 0;
  return {
    width: right + space.margin,
    height: bottom + space.margin,
    nodes: placed,
    edges: routed,
  };
}

// Longest path from the sources; then a source moves down to sit just above
// its nearest consumer, so an image read only by a late stage stays near it.
function assignLayers(
  nodes: LayoutNode[],
  edges: LayoutEdge[],
): Map<string, number> {
  const layer = new Map<string, number>();
  const preds = (id: string) => edges.filter((e) => e.to === id);
  const pending = new Set(nodes.map((n) => n.id));
  while (pending.size > 0) {
    const ready = [...pending].find((id) =>
      preds(id).every((e) => !pending.has(e.from)),
    );
    // In a cycle, take the first waiting node and ignore its open edges.
    const id = ready ?? pending.values().next().value!;
    const from = preds(id)
      .filter((e) => layer.has(e.from))
      .map((e) => layer.get(e.from)! + 1);
    layer.set(id, Math.max(0, ...from));
    pending.delete(id);
  }
  for (const node of nodes) {
    const outs = edges.filter((e) => e.from === node.id);
    if (preds(node.id).length > 0 || outs.length === 0) continue;
    const nearest = Math.min(...outs.map((e) => layer.get(e.to)!));
    layer.set(node.id, Math.max(0, nearest - 1));
  }
  return layer;
}

// Slots per layer, with a dummy slot wherever an edge crosses a layer.
function buildSlots(
  nodes: LayoutNode[],
  edges: LayoutEdge[],
  layerOf: Map<string, number>,
) {
  const depth = Math.max(0, ...layerOf.values()) + 1;
  const layers: Slot[][] = Array.from({ length: depth }, () => []);
  const slots = new Map<string, Slot>();
  for (const node of nodes) {
    const slot = { ...node, center: 0, up: [], down: [] };
    slots.set(node.id, slot);
    layers[layerOf.get(node.id)!]!.push(slot);
  }
  const chains = new Map<number, Slot[]>();
  for (const [i, edge] of edges.entries()) {
    const from = slots.get(edge.from);
    const to = slots.get(edge.to);
    if (!from || !to || from === to) continue;
    const start = layerOf.get(edge.from)!;
    const end = layerOf.get(edge.to)!;
    let previous = from;
    const chain: Slot[] = [];
    for (let layer = start + 1; layer < end; layer++) {
      const id = `${edge.from}->${edge.to}#${i}@${layer}`;
      const dummy: Slot = {
        id,
        width: 0,
        height: 0,
        edge: i,
        center: 0,
        up: [previous],
        down: [],
      };
      previous.down.push(dummy);
      layers[layer]!.push(dummy);
      chain.push(dummy);
      previous = dummy;
    }
    if (end > start) {
      previous.down.push(to);
      to.up.push(previous);
    }
    chains.set(i, chain);
  }
  return { layers, chains };
}

// Barycentre sweeps down and up, keeping the order with fewest crossings.
function orderLayers(layers: Slot[][]) {
  const rank = () => {
    for (const layer of layers) {
      for (const [i, slot] of layer.entries()) slot.center = i;
    }
  };
  rank();
  let best = layers.map((l) => [...l]);
  let fewest = countCrossings(layers);
  for (let sweep = 0; sweep < SWEEPS && fewest > 0; sweep++) {
    const down = sweep % 2 === 0;
    const indices = layers.map((_, i) => i);
    for (const i of down ? indices.slice(1) : indices.reverse().slice(1)) {
      const layer = layers[i]!;
      const weight = new Map(
        layer.map((slot) => {
          const near = down ? slot.up : slot.down;
          const mean = near.length
            ? near.reduce((sum, s) => sum + s.center, 0) / near.length
            : slot.center;
          return [slot, mean];
        }),
      );
      layer.sort((a, b) => weight.get(a)! - weight.get(b)!);
      for (const [j, slot] of layer.entries()) slot.center = j;
    }
    const crossings = countCrossings(layers);
    if (crossings < fewest) {
      fewest = crossings;
      best = layers.map((l) => [...l]);
    }
  }
  for (const [i, layer] of best.entries()) layers[i] = layer;
  rank();
}

function countCrossings(layers: Slot[][]): number {
  let count = 0;
  for (const layer of layers) {
    const lines = layer.flatMap((slot) =>
      slot.down.map((d) => [slot.center, d.center] as const),
    );
    for (const [i, [a1, b1]] of lines.entries()) {
      for (const [a2, b2] of lines.slice(i + 1)) {
        if ((a1 - a2) * (b1 - b2) < 0) count++;
      }
    }
  }
  return count;
}

// Packs each layer, then moves it towards its neighbours' centres, layer by
// layer down, up and down again, never breaking the order or the gaps.
function placeLayers(layers: Slot[][], space: LayoutSpacing) {
  for (const layer of layers) {
    let x = space.margin;
    for (const [i, slot] of layer.entries()) {
      if (i > 0) x += gapBetween(layer[i - 1]!, slot, space);
      slot.center = x + slot.width / 2;
      x += slot.width;
    }
  }
  for (const downwards of [true, false, true]) {
    const order = downwards ? layers : [...layers].reverse();
    for (const layer of order) {
      const wanted = layer.map((slot) => {
        const near = downwards ? slot.up : slot.down;
        if (near.length === 0) return slot.center;
        return near.reduce((sum, s) => sum + s.center, 0) / near.length;
      });
      placeInOrder(layer, wanted, space);
    }
  }
  const left = Math.min(
    ...layers.flat().map((slot) => slot.center - slot.width / 2),
  );
  for (const slot of layers.flat()) slot.center += space.margin - left;
}

// The closest positions to `wanted` that keep order and gaps: isotonic
// regression by pooling adjacent blocks that would overlap.
function placeInOrder(layer: Slot[], wanted: number[], space: LayoutSpacing) {
  const offsets: number[] = [];
  for (const [i, slot] of layer.entries()) {
    const previous = layer[i - 1];
    offsets.push(
      previous
        ? offsets[i - 1]! +
            (previous.width + slot.width) / 2 +
            gapBetween(previous, slot, space)
        : 0,
    );
  }
  const blocks: { sum: number; count: number }[] = [];
  for (const [i, want] of wanted.entries()) {
    blocks.push({ sum: want - offsets[i]!, count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const before = blocks[blocks.length - 2]!;
      if (before.sum / before.count <= last.sum / last.count) break;
      blocks.pop();
      before.sum += last.sum;
      before.count += last.count;
    }
  }
  let i = 0;
  for (const block of blocks) {
    for (let k = 0; k < block.count; k++, i++) {
      layer[i]!.center = offsets[i]! + block.sum / block.count;
    }
  }
}

function gapBetween(a: Slot, b: Slot, space: LayoutSpacing): number {
  return a.edge !== undefined || b.edge !== undefined
    ? DUMMY_GAP
    : space.nodeGap;
}

function layerTops(layers: Slot[][], space: LayoutSpacing): number[] {
  const tops = [space.margin];
  for (const layer of layers) {
    const height = Math.max(0, ...layer.map((s) => s.height));
    tops.push(tops[tops.length - 1]! + height + space.layerGap);
  }
  tops[tops.length - 1]! -= space.layerGap;
  return tops;
}

function nodeOf(nodes: LayoutNode[], id: string): LayoutNode {
  return nodes.find((n) => n.id === id)!;
}

function routeEdge(
  edge: LayoutEdge,
  chain: Slot[],
  placed: Map<string, PlacedNode>,
  layers: Slot[][],
  tops: number[],
): RoutedEdge {
  const from = placed.get(edge.from);
  const to = placed.get(edge.to);
  if (!from || !to) return { ...edge, points: [] };
  // A long edge runs straight down through each layer it crosses, so it
  // bends only between layers, where no box is.
  const bends = chain.flatMap((slot) => {
    const layer = layers.findIndex((l) => l.includes(slot));
    const rowHeight = Math.max(0, ...layers[layer]!.map((s) => s.height));
    const top = tops[layer]!;
    return [
      { x: slot.center, y: top },
      { x: slot.center, y: top + rowHeight },
    ];
  });
  return {
    ...edge,
    points: [
      { x: from.x + from.width / 2, y: from.y + from.height },
      ...bends,
      { x: to.x + to.width / 2, y: to.y },
    ],
  };
}

// Several edges leaving (or entering) one node start (or end) side by side,
// ordered by where they go, instead of all at its centre.
function spreadPorts(edges: RoutedEdge[], nodes: Map<string, PlacedNode>) {
  for (const node of nodes.values()) {
    const outs = edges.filter((e) => e.from === node.id && e.points.length);
    const ins = edges.filter((e) => e.to === node.id && e.points.length);
    spread(
      node,
      outs,
      (e) => e.points[1]!.x,
      (e) => e.points[0]!,
    );
    spread(
      node,
      ins,
      (e) => e.points[e.points.length - 2]!.x,
      (e) => {
        return e.points[e.points.length - 1]!;
      },
    );
  }
}

function spread(
  node: PlacedNode,
  edges: RoutedEdge[],
  towards: (e: RoutedEdge) => number,
  end: (e: RoutedEdge) => { x: number },
) {
  if (edges.length < 2) return;
  const sorted = [...edges].sort((a, b) => towards(a) - towards(b));
  const step = Math.min(20, node.width / (sorted.length + 1));
  for (const [i, edge] of sorted.entries()) {
    end(edge).x =
      node.x + node.width / 2 + (i - (sorted.length - 1) / 2) * step;
  }
}
