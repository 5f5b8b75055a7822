// <plan-graph>: one platform's stages as a graph from top to bottom: a box per
// stage (built, skipped, the target, shared between platforms), the images
// it reads, and an edge for each FROM, COPY --from and RUN --mount from=.

import { LitElement, html, svg, css, nothing, type PropertyValues } from 'lit';
import type {
  BuildPlan,
  PlatformPlan,
  StagePlan,
} from '../../core/src/index.ts';
import { labelStage } from './plan-format.ts';
import {
  describePlanGraph,
  type GraphImageNode,
  type GraphStageNode,
  type PlanGraphData,
} from './plan-graph-data.ts';
import {
  EDGE_LABELS,
  nameOf,
  renderEdges,
  renderMarkers,
} from './plan-graph-edges.ts';
import {
  layoutLayers,
  type Layout,
  type PlacedNode,
} from './layered-layout.ts';
import { sharedStyles } from './shared-styles.ts';

/** Detail of `stage-select`: the stage the user picked, and its platform. */
export interface StageSelectDetail {
  platform: string;
  index: number;
}

const NAME_PX = 13;
const TEXT_PX = 11.5;
// The width of a monospace character, as a share of the font size.
const CHAR_EM = 0.62;
const PAD = 12;
const STAGE_HEIGHT = 62;
const IMAGE_HEIGHT = 28;
const MIN_WIDTH = 120;
const MAX_WIDTH = 240;
const PILL_WIDTH = 50;
// A wide graph shrinks to the column down to this scale, then scrolls.
const MIN_SCALE = 0.75;
/** Draws one platform's stage graph; picking a stage fires `stage-select`. */
export class PlanGraph extends LitElement {
  static override properties = {
    plan: { attribute: false },
    selected: { attribute: false },
    platform: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: 0.5rem;
      }
      .platforms {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        align-items: center;
      }
      .platforms button {
        font-family: var(--font-mono);
        font-size: var(--font-size-mono);
      }
      .platforms button[aria-pressed='true'] {
        color: var(--accent);
        background: var(--accent-bg);
        border-color: var(--accent-border);
      }
      .canvas {
        overflow-x: auto;
        padding: 0.6rem;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--bg);
      }
      svg {
        display: block;
        margin: 0 auto;
        max-width: 100%;
        height: auto;
        overflow: visible;
      }
      text {
        font-family: var(--font-mono);
        font-size: ${TEXT_PX}px;
        fill: var(--fg-muted);
      }
      .node {
        cursor: pointer;
        outline: none;
      }
      .node .box {
        fill: var(--bg);
        stroke: var(--ok-border);
        stroke-width: 1.5;
      }
      .node .stack {
        fill: var(--bg);
        stroke: var(--ok-border);
        stroke-width: 1;
      }
      .node.skipped .box,
      .node.skipped .stack {
        fill: var(--bg-subtle);
        stroke: var(--border);
      }
      .node.target .box {
        fill: var(--accent-bg);
        stroke: var(--accent);
        stroke-width: 2;
      }
      .node:hover .box {
        stroke: var(--accent);
      }
      .node .ring {
        fill: none;
        stroke: none;
        stroke-width: 2;
      }
      .node.selected .ring {
        stroke: var(--accent);
      }
      .node:focus-visible .ring {
        stroke: var(--accent-border);
        stroke-width: 3;
        stroke-dasharray: 5 3;
      }
      .node .name {
        font-size: ${NAME_PX}px;
        font-weight: 600;
        fill: var(--fg);
      }
      .node.skipped .name {
        fill: var(--fg-muted);
      }
      .node .state {
        fill: var(--ok-fg);
        font-family: var(--font-sans);
        font-weight: 600;
      }
      .node.skipped .state {
        fill: var(--fg-muted);
      }
      .pill rect {
        fill: var(--bg);
        stroke: var(--accent-border);
      }
      .pill text {
        fill: var(--accent);
        font-family: var(--font-sans);
        font-size: 9.5px;
        font-weight: 700;
        letter-spacing: 0.06em;
      }
      .image rect {
        fill: var(--bg-subtle);
        stroke: var(--border);
        stroke-dasharray: 3 2;
      }
      .edge path {
        fill: none;
        stroke: var(--fg-muted);
        stroke-width: 1.4;
      }
      .edge.copy path {
        stroke-dasharray: 6 4;
      }
      .edge.mount path {
        stroke-dasharray: 2 3;
      }
      .edge.skipped path {
        stroke: var(--border);
      }
      marker path {
        fill: var(--fg-muted);
      }
      marker.skipped path {
        fill: var(--border);
      }
      .label rect {
        fill: var(--bg);
      }
      .label text {
        font-family: var(--font-sans);
        font-size: 10.5px;
      }
    `,
  ];

  declare plan: BuildPlan | undefined;
  /** The stage whose card is highlighted, if any. */
  declare selected: StageSelectDetail | undefined;
  /** The platform shown; the plan's first when unset or gone. */
  declare platform: string | undefined;

  private data: PlanGraphData | undefined;
  private layout: Layout | undefined;
  /** The stage last focused: the graph's one Tab stop (arrows move it). */
  private focusKey: string | undefined;

  constructor() {
    super();
    this.plan = undefined;
    this.selected = undefined;
    this.platform = undefined;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('plan') && !changed.has('platform')) return;
    const shown = this.shownPlatform();
    if (!this.plan || !shown) {
      this.data = undefined;
      this.layout = undefined;
      return;
    }
    this.data = describePlanGraph(this.plan, shown);
    this.layout = layoutLayers(
      this.data.nodes.map((node) => ({
        id: node.key,
        ...(node.kind === 'stage' ? measureStage(node) : measureImage(node)),
      })),
      this.data.edges,
      { nodeGap: 28, layerGap: 58, margin: 8 },
    );
  }

  override render() {
    const plan = this.plan;
    const shown = this.shownPlatform();
    if (!plan || !shown || !this.data || !this.layout) return nothing;
    const several = plan.platforms.length > 1;
    return html`${several ? this.renderSwitcher(plan, shown) : nothing}
      <div class="canvas">
        ${this.renderGraph(shown, this.data, this.layout)}
      </div>`;
  }

  /** The plan of the platform shown. */
  private shownPlatform(): PlatformPlan | undefined {
    const platforms = this.plan?.platforms ?? [];
    return platforms.find((p) => p.platform === this.platform) ?? platforms[0];
  }

  private renderSwitcher(plan: BuildPlan, shown: PlatformPlan) {
    return html`<div class="platforms" role="group" aria-label="Platform">
      <span class="muted">Platform</span>
      ${plan.platforms.map(
        (p) =>
          html`<button
            type="button"
            aria-pressed=${p === shown ? 'true' : 'false'}
            data-platform=${p.platform}
            @click=${() => {
              this.platform = p.platform;
            }}
          >
            ${p.platform}
          </button>`,
      )}
    </div>`;
  }

  private renderGraph(
    shown: PlatformPlan,
    data: PlanGraphData,
    layout: Layout,
  ) {
    const stages = data.nodes
      .filter((n): n is GraphStageNode => n.kind === 'stage')
      .sort((a, b) => compareReading(layout, a.key, b.key));
    const images = data.nodes.filter(
      (n): n is GraphImageNode => n.kind === 'image',
    );
    const picked = (n: GraphStageNode) =>
      this.selected?.platform === shown.platform &&
      this.selected.index === n.stage.index;
    const tabStop =
      stages.find((n) => n.key === this.focusKey) ??
      stages.find(picked) ??
      stages[0];
    return html`<svg
      role="group"
      aria-label="Stages for ${shown.platform}"
      data-platform=${shown.platform}
      width=${layout.width}
      height=${layout.height}
      style="min-width: ${MIN_SCALE * layout.width}px"
      viewBox="0 0 ${layout.width} ${layout.height}"
      @keydown=${(e: KeyboardEvent) => this.onKeyDown(e, layout)}
    >
      ${renderMarkers()} ${renderEdges(data, layout.edges)}
      ${images.map((node) => renderImage(node, layout.nodes.get(node.key)!))}
      ${stages.map((node) =>
        this.renderStage(shown, node, layout.nodes.get(node.key)!, {
          data,
          selected: picked(node),
          tabStop: node === tabStop,
        }),
      )}
    </svg>`;
  }

  private renderStage(
    shown: PlatformPlan,
    node: GraphStageNode,
    box: PlacedNode,
    state: { data: PlanGraphData; selected: boolean; tabStop: boolean },
  ) {
    const stage = node.stage;
    const { data, selected } = state;
    const classes = [
      'node',
      stage.built ? 'built' : 'skipped',
      node.isTarget ? 'target' : '',
      node.sharedWith.length ? 'shared' : '',
      selected ? 'selected' : '',
    ];
    const text = describeStageText(node);
    const chars = (box.width - 2 * PAD) / (TEXT_PX * CHAR_EM);
    const nameChars =
      (box.width - 2 * PAD - (node.isTarget ? PILL_WIDTH + 6 : 0)) /
      (NAME_PX * CHAR_EM);
    const extraChars = chars - text.state.length;
    const { width, height } = box;
    return svg`<g
      class=${classes.filter(Boolean).join(' ')}
      transform="translate(${box.x} ${box.y})"
      tabindex=${state.tabStop ? 0 : -1}
      role="button"
      aria-pressed=${selected ? 'true' : 'false'}
      aria-label=${describeForReader(node, data)}
      data-key=${node.key}
      data-stage=${stage.index}
      data-name=${stage.id}
      @click=${() => this.select(shown, stage.index)}
      @focus=${() => {
        this.focusKey = node.key;
        this.requestUpdate();
      }}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        this.select(shown, stage.index);
      }}
    >
      <title>${describeTooltip(node)}</title>
      <rect
        class="ring"
        x="-4"
        y="-4"
        width=${width + 8}
        height=${height + 8}
        rx="11"
      />
      ${
        node.sharedWith.length
          ? svg`<rect
              class="stack"
              x="4"
              y="4"
              width=${width}
              height=${height}
              rx="8"
            />`
          : nothing
      }
      <rect class="box" width=${width} height=${height} rx="8" />
      <text class="name" x=${PAD} y="20">${fit(text.name, nameChars)}</text>
      ${
        node.isTarget
          ? svg`<g
              class="pill"
              transform="translate(${width - PAD - PILL_WIDTH} 8)"
            >
              <rect width=${PILL_WIDTH} height="16" rx="8" />
              <text x=${PILL_WIDTH / 2} y="11.5" text-anchor="middle">
                TARGET
              </text>
            </g>`
          : nothing
      }
      <text class="base" x=${PAD} y="37">${fit(text.base, chars)}</text>
      <text x=${PAD} y="53">
        <tspan class="state">${text.state}</tspan>${fit(text.extra, extraChars)}
      </text>
    </g>`;
  }

  private select(shown: PlatformPlan, index: number) {
    const detail: StageSelectDetail = { platform: shown.platform, index };
    this.dispatchEvent(
      new CustomEvent<StageSelectDetail>('stage-select', {
        detail,
        bubbles: true,
        composed: true,
      }),
    );
  }

  // Arrow keys move between stages: up and down to the nearest stage in the
  // layer above or below, left and right within a layer.
  private onKeyDown(e: KeyboardEvent, layout: Layout) {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
    };
    const move = moves[e.key];
    const from = (e.target as Element).closest?.('.node');
    const here = from && layout.nodes.get(from.getAttribute('data-key')!);
    if (!move || !here) return;
    const next = nearestStage(layout, here, move);
    if (!next) return;
    e.preventDefault();
    const target = this.renderRoot.querySelector<SVGGElement>(
      `.node[data-key="${next.id}"]`,
    );
    target?.focus();
  }
}

/** The three lines of a stage box. */
function describeStageText(node: GraphStageNode) {
  const stage = node.stage;
  const extra = node.runsOn
    ? ` · on ${node.runsOn}`
    : node.sharedWith.length
      ? ' · shared'
      : '';
  return {
    name: stage.name ?? `#${stage.index}`,
    base: `FROM ${node.baseLabel}`,
    state: stageState(stage),
    extra,
  };
}

function stageState(stage: StagePlan): string {
  return stage.built ? 'built' : 'skipped';
}

function measureStage(node: GraphStageNode) {
  const text = describeStageText(node);
  const name =
    text.name.length * NAME_PX * CHAR_EM + (node.isTarget ? PILL_WIDTH + 6 : 0);
  const lines = [text.base, text.state + text.extra].map(
    (line) => line.length * TEXT_PX * CHAR_EM,
  );
  const width = Math.max(name, ...lines) + 2 * PAD;
  return {
    width: Math.ceil(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width))),
    height: STAGE_HEIGHT,
  };
}

function measureImage(node: GraphImageNode) {
  const width = node.ref.length * TEXT_PX * CHAR_EM + 2 * PAD;
  return {
    width: Math.ceil(Math.min(MAX_WIDTH, Math.max(72, width))),
    height: IMAGE_HEIGHT,
  };
}

function renderImage(node: GraphImageNode, box: PlacedNode) {
  const chars = (box.width - 2 * PAD) / (TEXT_PX * CHAR_EM);
  return svg`<g
    class="image"
    role="img"
    aria-label="image ${node.ref}"
    data-key=${node.key}
    data-ref=${node.ref}
    transform="translate(${box.x} ${box.y})"
  >
    <title>image ${node.ref}</title>
    <rect width=${box.width} height=${box.height} rx=${box.height / 2} />
    <text x=${box.width / 2} y=${box.height / 2 + 4} text-anchor="middle">
      ${fit(node.ref, chars)}
    </text>
  </g>`;
}

function describeTooltip(node: GraphStageNode): string {
  const stage = node.stage;
  const lines = [`${labelStage(stage)}: ${stageState(stage)}, ${stage.reason}`];
  if (node.runsOn) lines.push(`runs on ${node.runsOn}`);
  if (node.sharedWith.length) {
    lines.push(`built once, shared with ${node.sharedWith.join(', ')}`);
  } else if (node.sharedSteps > 0) {
    const total = stage.vertices.length;
    lines.push(
      `${node.sharedSteps} of ${total} steps shared with other platforms`,
    );
  }
  return lines.join('\n');
}

function describeForReader(node: GraphStageNode, data: PlanGraphData): string {
  const stage = node.stage;
  const text = describeStageText(node);
  const reads = data.edges
    .filter((e) => e.to === node.key)
    .map((e) => `${EDGE_LABELS[e.kind]} ${nameOf(data, e.from)}`);
  const parts = [
    `stage ${labelStage(stage)}`,
    stage.built ? 'built' : 'skipped',
    node.isTarget ? 'target' : '',
    text.base,
    reads.length ? `reads ${reads.join(', ')}` : '',
    node.runsOn ? `runs on ${node.runsOn}` : '',
    node.sharedWith.length ? `shared with ${node.sharedWith.join(', ')}` : '',
    stage.reason,
  ];
  return parts.filter(Boolean).join('; ');
}

function fit(text: string, chars: number): string {
  const max = Math.floor(chars);
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(1, max - 1))}…`;
}

// Reading order: layer by layer, left to right.
function compareReading(layout: Layout, a: string, b: string): number {
  const na = layout.nodes.get(a)!;
  const nb = layout.nodes.get(b)!;
  return na.layer - nb.layer || na.x - nb.x;
}

function nearestStage(
  layout: Layout,
  here: PlacedNode,
  [dx, dy]: [number, number],
): PlacedNode | undefined {
  const center = (n: PlacedNode) => n.x + n.width / 2;
  const candidates = [...layout.nodes.values()].filter((n) => {
    if (!n.id.startsWith('stage:') || n === here) return false;
    if (dy !== 0) return Math.sign(n.layer - here.layer) === dy;
    return n.layer === here.layer && Math.sign(center(n) - center(here)) === dx;
  });
  const distance = (n: PlacedNode) =>
    Math.abs(n.layer - here.layer) * 10_000 +
    Math.abs(center(n) - center(here));
  return candidates.sort((a, b) => distance(a) - distance(b))[0];
}

customElements.define('plan-graph', PlanGraph);

declare global {
  interface HTMLElementTagNameMap {
    'plan-graph': PlanGraph;
  }
}
