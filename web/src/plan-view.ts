// <plan-view>: the whole plan: a summary, the stage graph, the diagnostics,
// then per target platform every stage (built or skipped) with its steps.

import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import type {
  BuildPlan,
  PlatformPlan,
  ResolvedBuildOptions,
} from '../../core/src/index.ts';
import type { PlanResponse } from './worker/protocol.ts';
import { labelStage } from './plan-format.ts';
import type { StageSelectDetail } from './plan-graph.ts';
import { sharedStyles } from './shared-styles.ts';
import type { StageCard } from './stage-card.ts';
import './diagnostic-list.ts';
import './plan-graph.ts';
import './stage-card.ts';

/** Shows a planner response: the plan, its diagnostics, or a failure. */
export class PlanView extends LitElement {
  static override properties = {
    response: { attribute: false },
    source: { attribute: false },
    busy: { attribute: false },
    selection: { state: true },
    graphOpen: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: 1rem;
      }
      .summary {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 1rem;
        align-items: baseline;
      }
      .summary dl {
        display: contents;
      }
      .fact dt {
        display: inline;
        color: var(--fg-muted);
        margin-right: 0.3rem;
      }
      .fact dd {
        display: inline;
        margin: 0;
        font-family: var(--font-mono);
        font-size: var(--font-size-mono);
      }
      section {
        display: grid;
        gap: 0.6rem;
      }
      .platform-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: baseline;
        border-bottom: 1px solid var(--border);
        padding-bottom: 0.3rem;
      }
      .platform-head h3 {
        font-family: var(--font-mono);
        font-size: 1.05rem;
      }
      .failure {
        color: var(--error-fg);
      }
      section > p {
        margin: 0;
      }
      details.graph > summary {
        cursor: pointer;
        margin-bottom: 0.4rem;
      }
      details.graph > summary h2 {
        display: inline;
      }
      ol.legacy {
        list-style: none;
        margin: 0;
        padding: 0;
        font-family: var(--font-mono);
        font-size: var(--font-size-mono);
      }
    `,
  ];

  declare response: PlanResponse | undefined;
  /** The Dockerfile text the plan was made from. */
  declare source: string;
  declare busy: boolean;
  /** The stage picked in the graph, whose card is highlighted. */
  declare selection: StageSelectDetail | undefined;
  declare graphOpen: boolean;
  private selectedId: string | undefined;

  constructor() {
    super();
    this.response = undefined;
    this.source = '';
    this.busy = false;
    this.selection = undefined;
    this.graphOpen = true;
  }

  // A new plan keeps the pick only while that stage is still the same one.
  override willUpdate(changed: PropertyValues<this>) {
    const picked = this.selection;
    if (!changed.has('response') || !picked) return;
    const platform = this.response?.plan?.platforms.find(
      (p) => p.platform === picked.platform,
    );
    const stage = platform?.stages.find((s) => s.index === picked.index);
    if (stage?.id !== this.selectedId) this.selection = undefined;
  }

  override render() {
    const response = this.response;
    if (!response) {
      return html`<p class="muted">
        ${this.busy ? 'Planning…' : 'No plan yet.'}
      </p>`;
    }
    if (!response.plan) {
      return html`<p class="failure">
        The planner failed: <code>${response.failure}</code>
      </p>`;
    }
    const plan = response.plan;
    return html`${this.renderSummary(plan, response.elapsedMs)}
    ${plan.platforms.length ? this.renderGraph(plan) : nothing}
    ${
      plan.diagnostics.length
        ? html`<section>
            <h2>Diagnostics</h2>
            <diagnostic-list
              .diagnostics=${plan.diagnostics}
              .source=${this.source}
              .sourceFile=${plan.file}
            ></diagnostic-list>
          </section>`
        : nothing
    }
    ${plan.platforms.map((p) => this.renderPlatform(plan, p))}
    ${plan.legacy ? this.renderLegacy(plan) : nothing}`;
  }

  private renderSummary(plan: BuildPlan, elapsedMs: number) {
    const errors = plan.diagnostics.filter((d) => d.severity === 'error');
    const warnings = plan.diagnostics.filter((d) => d.severity === 'warning');
    const o = plan.options;
    return html`<div class="summary">
      ${
        plan.ok
          ? html`<span class="badge ok">ready to build</span>`
          : html`<span class="badge error">
              ${errors.length} error${errors.length === 1 ? '' : 's'}
            </span>`
      }
      ${
        warnings.length
          ? html`<span class="badge warning">
              ${warnings.length} warning${warnings.length === 1 ? '' : 's'}
            </span>`
          : nothing
      }
      <dl>
        ${fact('platforms', o.platforms.join(', '))}
        ${fact('build platform', o.buildPlatform)}
        ${o.target ? fact('target', o.target) : nothing}
        ${fact('allow device', describeEntitlement(o))}
        ${
          o.outputs.length
            ? fact(
                'output',
                o.outputs
                  .map((out) =>
                    out.dest ? `${out.type} → ${out.dest}` : out.type,
                  )
                  .join(', '),
              )
            : nothing
        }
      </dl>
      <span class="muted">planned in ${elapsedMs.toFixed(1)} ms</span>
    </div>`;
  }

  private renderGraph(plan: BuildPlan) {
    return html`<details
      class="graph"
      ?open=${this.graphOpen}
      @toggle=${(e: Event) => {
        this.graphOpen = (e.target as HTMLDetailsElement).open;
      }}
    >
      <summary><h2>Stage graph</h2></summary>
      <plan-graph
        .plan=${plan}
        .selected=${this.selection}
        @stage-select=${(e: CustomEvent<StageSelectDetail>) =>
          void this.showStage(e.detail)}
      ></plan-graph>
    </details>`;
  }

  /** Highlights a stage's card and scrolls it into view. */
  private async showStage(detail: StageSelectDetail) {
    this.selection = detail;
    this.selectedId = this.response?.plan?.platforms
      .find((p) => p.platform === detail.platform)
      ?.stages.find((s) => s.index === detail.index)?.id;
    await this.updateComplete;
    const cards = [
      ...this.renderRoot.querySelectorAll('stage-card'),
    ] as StageCard[];
    const card = cards.find(
      (c) => c.platform === detail.platform && c.stage.index === detail.index,
    );
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    card?.scrollIntoView({
      block: 'start',
      behavior: still ? 'auto' : 'smooth',
    });
  }

  private renderPlatform(plan: BuildPlan, platform: PlatformPlan) {
    const byIndex = new Map(platform.stages.map((s) => [s.index, s]));
    const target = byIndex.get(platform.target);
    const order = platform.order
      .map((i) => byIndex.get(i))
      .map((s) => (s ? labelStage(s) : '?'));
    return html`<section data-platform=${platform.platform}>
      <div class="platform-head">
        <h3>${platform.platform}</h3>
        <span class="muted">target ${target ? labelStage(target) : '?'}</span>
        <span class="muted"
          >build order: <code>${order.join(' → ')}</code></span
        >
      </div>
      ${platform.stages.map(
        (stage) =>
          html`<stage-card
            .stage=${stage}
            .stages=${platform.stages}
            .vertices=${plan.vertices}
            .platform=${platform.platform}
            .isTarget=${stage.index === platform.target}
            .selected=${
              this.selection?.platform === platform.platform &&
              this.selection.index === stage.index
            }
          ></stage-card>`,
      )}
    </section>`;
  }

  private renderLegacy(plan: BuildPlan) {
    return html`<section>
      <h2>Legacy builder</h2>
      <p class="muted">
        The classic builder runs every stage up to the target, in file order:
      </p>
      <ol class="legacy">
        ${plan.legacy!.map(
          (step) =>
            html`<li>Step ${step.step}/${step.total} : ${step.text}</li>`,
        )}
      </ol>
    </section>`;
  }
}

function fact(label: string, value: string) {
  return html`<div class="fact">
    <dt>${label}</dt>
    <dd>${value}</dd>
  </div>`;
}

function describeEntitlement(options: ResolvedBuildOptions): string {
  if (options.device.all) return 'every device';
  if (options.device.names.length) return options.device.names.join(', ');
  return 'not given';
}

customElements.define('plan-view', PlanView);

declare global {
  interface HTMLElementTagNameMap {
    'plan-view': PlanView;
  }
}
