// <v86-build-panel>: runs the current Dockerfile in the page's v86 guest and
// shows live progress in BuildKit's plain format, the guest's raw output in a
// console, notes and the result.

import { LitElement, css, html, nothing } from 'lit';
import * as Comlink from 'comlink';
import {
  createPlainRenderer,
  type BuildOptions,
  type BuildPlan,
  type PlainRenderer,
} from '../../../core/src/index.ts';
import type { GuestConsole } from '../guest-console.ts';
import { createPlannerClient } from '../planner-client.ts';
import { sharedStyles } from '../shared-styles.ts';
import type {
  BuildReport,
  BuildUpdate,
  V86Config,
} from '../worker/v86-protocol.ts';
import { createV86Client, type V86Client } from './v86-client.ts';
import { EMULATORS, GUEST_PLATFORM } from './emulation.ts';
import type { DirNode } from './file-tree.ts';
import { browserSupport, isWasiStep } from '../wasi/wasi-step.ts';
import '../guest-console.ts';
import type { ResultDownloadDetail } from '../result-tree.ts';
import '../result-tree.ts';
import '../wasi/wasi-run-panel.ts';

/** Builds in the browser: the plan's linux/386 steps run in the v86 guest. */
export class V86BuildPanel extends LitElement {
  static override properties = {
    dockerfile: { attribute: false },
    options: { attribute: false },
    plan: { attribute: false },
    running: { state: true },
    output: { state: true },
    status: { state: true },
    notes: { state: true },
    report: { state: true },
    noCache: { state: true },
    config: { attribute: false },
    context: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: 0.6rem;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        align-items: center;
      }
      button {
        font: inherit;
        padding: 0.3rem 0.8rem;
        border-radius: 6px;
        border: 1px solid var(--border);
        background: var(--bg-subtle);
        color: var(--fg);
        cursor: pointer;
      }
      button.primary {
        background: var(--accent);
        border-color: var(--accent);
        color: white;
      }
      button:disabled {
        opacity: 0.6;
        cursor: default;
      }
      pre.progress {
        max-height: 24rem;
        overflow: auto;
        padding: 0.5rem 0.7rem;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--bg-subtle);
      }
      ul {
        margin: 0;
        padding-left: 1.2rem;
      }
      details pre {
        max-height: 16rem;
        overflow: auto;
      }
      .console summary {
        cursor: pointer;
        margin-bottom: 0.3rem;
      }
    `,
  ];

  /** The Dockerfile and options the plan came from (to re-plan for i386). */
  declare dockerfile: string;
  declare options: BuildOptions | undefined;
  declare plan: BuildPlan | undefined;
  declare running: boolean;
  declare output: string;
  declare status: string;
  declare notes: string[];
  declare report: BuildReport | undefined;
  declare noCache: boolean;
  /** Where the guest, wasm and images are; defaults to the page's public/. */
  declare config: Partial<V86Config> | undefined;
  /** Loads the build context (the example's files); empty when unset. */
  declare context: (() => Promise<DirNode | undefined>) | undefined;

  private client: V86Client | undefined;
  private renderer: PlainRenderer | undefined;

  constructor() {
    super();
    this.dockerfile = '';
    this.options = undefined;
    this.plan = undefined;
    this.running = false;
    this.output = '';
    this.status = '';
    this.notes = [];
    this.report = undefined;
    this.noCache = false;
    this.config = undefined;
    this.context = undefined;
  }

  override connectedCallback() {
    super.connectedCallback();
    // Load the worker now (no guest yet), so a Build starts at once.
    this.client ??= createV86Client(this.config);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.client?.dispose();
    this.client = undefined;
  }

  override render() {
    const foreign = this.platforms(undefined);
    const emulated = this.platforms('emulated');
    const canBuild = !!this.options && !this.running;
    return html`<div class="bar">
        <button
          class="primary"
          ?disabled=${!canBuild}
          @click=${() => void this.build()}
        >
          ${foreign.length > 0 ? `Build for ${this.runnable().join(', ')}` : 'Build'}
        </button>
        <label class="muted"
          ><input
            type="checkbox"
            .checked=${this.noCache}
            @change=${(e: Event) => {
              this.noCache = (e.target as HTMLInputElement).checked;
            }}
          />
          --no-cache</label
        >
        <button ?disabled=${this.running} @click=${() => void this.clear()}>
          Clear stored guest and images
        </button>
        <span class="muted status">${this.status}</span>
      </div>
      ${
        foreign.length > 0
          ? html`<p class="muted foreign">
              The browser guest runs ${GUEST_PLATFORM}, and
              ${Object.keys(EMULATORS).join(', ')} under QEMU user mode: steps
              for ${foreign.join(', ')} are not executed in the browser. The
              button plans the same Dockerfile for ${this.runnable().join(', ')}
              and runs that.
            </p>`
          : nothing
      }
      ${
        emulated.length > 0
          ? html`<p class="muted emulated">
              Steps for ${emulated.join(', ')} run under QEMU user mode inside
              the ${GUEST_PLATFORM} guest: expect seconds per RUN.
            </p>`
          : nothing
      }
      ${this.output ? html`<pre class="progress">${this.output}</pre>` : nothing}
      <details class="console" open ?hidden=${!this.output}>
        <summary class="muted">Guest console</summary>
        <guest-console></guest-console>
      </details>
      ${
        this.notes.length > 0
          ? html`<div class="notes">
              <h3>Not applied in the browser</h3>
              <ul>
                ${this.notes.map((n) => html`<li class="mono">${n}</li>`)}
              </ul>
            </div>`
          : nothing
      }
      ${this.renderResult()}
      ${
        this.report?.ok
          ? html`<wasi-run-panel
              .targets=${this.report.targets}
              .run=${(p: string) => this.client!.api.runEntrypoint(p)}
            ></wasi-run-panel>`
          : nothing
      }`;
  }

  private renderResult() {
    const report = this.report;
    if (!report?.ok) return nothing;
    const platforms = report.targets.map((t) => t.platform).join(', ');
    return html`<details class="result" open>
      <summary>Result for ${platforms}, as a local export</summary>
      <result-tree
        .files=${report.exported}
        @result-download=${(e: CustomEvent<ResultDownloadDetail>) =>
          void this.download(e.detail.format)}
      ></result-tree>
    </details>`;
  }

  /** Lists the plan's platforms the guest runs this way (undefined: not at all). */
  private platforms(
    support: 'native' | 'emulated' | 'wasi' | undefined,
  ): string[] {
    const platforms = this.plan?.platforms.map((p) => p.platform) ?? [];
    return platforms.filter((p) => browserSupport(p) === support);
  }

  /** The platforms a Build runs: the plan's that the guest can, else i386. */
  private runnable(): string[] {
    const all = this.plan?.platforms.map((p) => p.platform) ?? [];
    const can = all.filter((p) => browserSupport(p) !== undefined);
    return can.length > 0 ? can : [GUEST_PLATFORM];
  }

  private async build() {
    const options = this.options;
    if (!options) return;
    this.running = true;
    this.output = '';
    this.notes = [];
    this.report = undefined;
    this.renderer = createPlainRenderer();
    this.guestConsole()?.clear();
    try {
      // The guest starts while the plan is made, as a builder is up before
      // a build: its boot does not count in the first RUN's time.
      this.client ??= createV86Client(this.config);
      const starting = this.needsGuest() ? this.client.api.start() : undefined;
      if (starting) this.status = 'starting the guest…';
      starting?.catch(() => undefined);
      const context = await this.context?.();
      const plan = await this.guestPlan(options);
      if (!plan.ok) {
        const first = plan.diagnostics.find((d) => d.severity === 'error');
        const text = first?.failure ?? first?.message ?? 'the plan has errors';
        this.output = `ERROR: failed to solve: ${text}\n`;
        return;
      }
      if (starting) this.onUpdate({ kind: 'guest', report: await starting });
      const report = await this.client.api.build(
        plan,
        Comlink.proxy((update: BuildUpdate) => this.onUpdate(update)),
        { noCache: this.noCache, context },
      );
      this.report = report;
      if (!report.ok) {
        this.output += this.renderer.errorSummary();
        const error = report.error ?? 'build failed';
        this.output += `ERROR: ${error.startsWith('failed to solve') ? error : `failed to solve: ${error}`}\n`;
      }
      this.status = `${report.ok ? 'done' : 'failed'} in ${(report.elapsedMs / 1000).toFixed(1)} s`;
    } catch (error) {
      this.status = '';
      this.output += `ERROR: ${error instanceof Error ? error.message : String(error)}\n`;
    } finally {
      this.running = false;
    }
  }

  /** Tells whether some RUN needs the guest (WASI programs do not). */
  private needsGuest(): boolean {
    const runs = Object.values(this.plan?.vertices ?? {}).filter(
      (v) => v.kind === 'run',
    );
    return !this.plan || runs.some((v) => !isWasiStep(v.platform, v.args));
  }

  /** Returns the plan to run: the page's own, or one re-planned for the platforms the guest runs. */
  private async guestPlan(options: BuildOptions): Promise<BuildPlan> {
    if (this.plan && this.platforms(undefined).length === 0) return this.plan;
    const planner = createPlannerClient();
    try {
      const response = await planner.api.plan({
        dockerfile: this.dockerfile,
        options: { ...options, platforms: this.runnable() },
      });
      if (!response.plan) throw new Error(response.failure ?? 'no plan');
      return response.plan;
    } finally {
      planner.dispose();
    }
  }

  private onUpdate(update: BuildUpdate) {
    if (update.kind === 'progress') {
      this.output += this.renderer?.write(update.event) ?? '';
      this.guestConsole()?.writeProgress(update.event);
    } else if (update.kind === 'note') {
      this.notes = [...this.notes, update.note.message];
    } else {
      const r = update.report;
      const how = r.mode === 'restored' ? 'restored from IndexedDB' : 'booted';
      this.status = `guest ${how} in ${(r.ms / 1000).toFixed(1)} s`;
    }
  }

  private guestConsole(): GuestConsole | null {
    return this.renderRoot.querySelector('guest-console');
  }

  private async download(format: 'tar' | 'zip') {
    const bytes = await this.client?.api.exportArchive(format);
    if (!bytes) return;
    const type = format === 'zip' ? 'application/zip' : 'application/x-tar';
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `slipway-result.${format}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private async clear() {
    this.client ??= createV86Client(this.config);
    await this.client.api.clearStored();
    this.client.dispose();
    this.client = undefined;
    this.report = undefined;
    this.status = 'stored guest state and images cleared';
  }
}

customElements.define('v86-build-panel', V86BuildPanel);

declare global {
  interface HTMLElementTagNameMap {
    'v86-build-panel': V86BuildPanel;
  }
}
