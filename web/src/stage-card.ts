// <stage-card>: one stage for one platform: built or skipped and why, where
// it starts, the build args its RUN steps see, and each step.

import { LitElement, html, css, nothing } from 'lit';
import type {
  CopyVertex,
  ImageConfig,
  RunVertex,
  StagePlan,
  Vertex,
} from '../../core/src/index.ts';
import { describeBase, formatRunMount, labelStage } from './plan-format.ts';
import { sharedStyles } from './shared-styles.ts';
import './run-devices.ts';

/** Shows one stage of a platform's plan. */
export class StageCard extends LitElement {
  static override properties = {
    stage: { attribute: false },
    stages: { attribute: false },
    vertices: { attribute: false },
    platform: { attribute: false },
    isTarget: { attribute: false },
    selected: { type: Boolean, reflect: true },
  };

  static override styles = [
    sharedStyles,
    css`
      :host {
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--bg);
      }
      :host([skipped]) {
        background: var(--bg-subtle);
      }
      :host([selected]) {
        border-color: var(--accent);
        box-shadow: 0 0 0 1px var(--accent);
        scroll-margin-top: 0.5rem;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.5rem;
        padding: 0.55rem 0.75rem;
      }
      h3 {
        font-family: var(--font-mono);
        font-size: 0.95rem;
      }
      .body {
        padding: 0 0.75rem 0.65rem;
        display: grid;
        gap: 0.5rem;
      }
      .reason {
        margin: 0;
      }
      table {
        justify-self: start;
        border-collapse: collapse;
        font-family: var(--font-mono);
        font-size: var(--font-size-mono);
      }
      td {
        padding: 0.05rem 0.75rem 0.05rem 0;
        vertical-align: top;
      }
      td.name {
        color: var(--fg-muted);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.4rem;
      }
      li {
        border-top: 1px solid var(--border);
        padding-top: 0.4rem;
      }
      .step-name {
        font-weight: 600;
      }
      .vertex-id {
        font-weight: 400;
        color: var(--fg-muted);
      }
      .detail {
        color: var(--fg-muted);
      }
      details summary {
        cursor: pointer;
        color: var(--fg-muted);
        font-size: 0.8rem;
      }
    `,
  ];

  declare stage: StagePlan;
  /** Every stage of the same platform, for naming base stages. */
  declare stages: StagePlan[];
  declare vertices: Record<string, Vertex>;
  /** The platform this card belongs to. */
  declare platform: string;
  declare isTarget: boolean;
  /** Picked in the plan graph: drawn with the accent colour. */
  declare selected: boolean;

  constructor() {
    super();
    this.stages = [];
    this.vertices = {};
    this.platform = '';
    this.isTarget = false;
    this.selected = false;
  }

  override willUpdate() {
    this.toggleAttribute('skipped', !this.stage.built);
  }

  override render() {
    const stage = this.stage;
    const args = Object.entries(stage.args);
    const steps = stage.vertices
      .map((id) => this.vertices[id])
      .filter((v): v is Vertex => v !== undefined);
    return html`<header>
        <h3>${labelStage(stage)}</h3>
        <span class="badge ${stage.built ? 'ok' : 'off'}"
          >${stage.built ? 'built' : 'skipped'}</span
        >
        ${this.isTarget ? html`<span class="badge info">target</span>` : nothing}
        <span class="muted">from ${describeBase(stage.base, this.stages)}</span>
      </header>
      <div class="body">
        <p class="reason">${stage.reason}</p>
        ${
          args.length
            ? html`<table aria-label="build args">
                ${args.map(
                  ([name, value]) =>
                    html`<tr>
                      <td class="name">${name}</td>
                      <td>
                        ${value === '' ? html`<span class="muted">""</span>` : value}
                      </td>
                    </tr>`,
                )}
              </table>`
            : nothing
        }
        ${
          steps.length
            ? html`<ol>
                ${steps.map((step) => this.renderStep(step))}
              </ol>`
            : nothing
        }
        ${stage.built ? renderConfig(stage.config) : nothing}
      </div>`;
  }

  private renderStep(step: Vertex) {
    const shared =
      step.platform !== this.platform
        ? html` <span class="badge info">runs on ${step.platform}</span>`
        : nothing;
    return html`<li data-kind=${step.kind}>
      <div class="step-name mono">
        <span class="vertex-id" title=${step.id}>${shortId(step.id)}</span>
        ${step.name}${shared}
      </div>
      ${this.renderDetail(step)}
    </li>`;
  }

  private renderDetail(step: Vertex) {
    switch (step.kind) {
      case 'image':
        return html`<div class="detail mono">pull ${step.ref}</div>`;
      case 'workdir':
        return html`<div class="detail mono">mkdir -p ${step.path}</div>`;
      case 'copy':
        return html`<div class="detail mono">
          ${this.describeCopySource(step)}: ${step.sources.join(' ')} →
          ${step.dest}
        </div>`;
      case 'run':
        return this.renderRun(step);
    }
  }

  private describeCopySource(step: CopyVertex): string {
    const source = step.source;
    switch (source.kind) {
      case 'context':
        return 'context';
      case 'inline':
        return 'heredoc';
      case 'image':
        return `image ${source.ref}`;
      case 'stage': {
        const stage = this.stages.find((s) => s.index === source.stage);
        return `stage ${stage ? labelStage(stage) : source.stage}`;
      }
    }
  }

  private renderRun(step: RunVertex) {
    const facts = [`cwd ${step.cwd}`, `user ${step.user || 'root'}`];
    if (step.network !== 'default') facts.push(`network ${step.network}`);
    return html`<div class="detail mono">${facts.join('  ·  ')}</div>
      ${step.mounts.map(
        (m) => html`<div class="detail mono">${formatRunMount(m)}</div>`,
      )}
      ${
        step.devices.length
          ? html`<run-devices .devices=${step.devices}></run-devices>`
          : nothing
      }
      <details>
        <summary>argv and environment</summary>
        <pre>${JSON.stringify(step.args)}</pre>
        <pre>${step.env.join('\n')}</pre>
      </details>`;
  }
}

// The first 12 hex digits of a vertex id, as `slipway plan` prints it.
function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

// The image config at the end of the stage, in `docker inspect` terms.
function renderConfig(config: ImageConfig) {
  const rows: [string, string][] = [
    ['Env', config.env.join('\n')],
    ['WorkingDir', config.workingDir ?? ''],
    ['User', config.user ?? ''],
    ['Entrypoint', config.entrypoint ? JSON.stringify(config.entrypoint) : ''],
    ['Cmd', config.cmd ? JSON.stringify(config.cmd) : ''],
    ['ExposedPorts', config.exposedPorts.join(' ')],
    ['Volumes', config.volumes.join(' ')],
    [
      'Labels',
      Object.entries(config.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    ],
  ];
  return html`<details class="config">
    <summary>image config</summary>
    <table>
      ${rows
        .filter(([, value]) => value !== '')
        .map(
          ([name, value]) =>
            html`<tr>
              <td class="name">${name}</td>
              <td><pre>${value}</pre></td>
            </tr>`,
        )}
    </table>
  </details>`;
}

customElements.define('stage-card', StageCard);

declare global {
  interface HTMLElementTagNameMap {
    'stage-card': StageCard;
  }
}
