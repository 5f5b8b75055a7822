// <v86-build-panel>: runs the current Dockerfile in the page's v86 guest and
// shows live progress in BuildKit's plain format, the guest's raw output and
// serial console in a terminal (loaded on the first build), notes and the
// result. A running build can be canceled, and each RUN has a time limit.
// Once the Dockerfile or options change, the last build's output is marked
// as from an earlier Dockerfile, with a button that clears it.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import * as Comlink from 'comlink';
import {
  createPlainRenderer,
  type BuildOptions,
  type BuildPlan,
  type PlainRenderer,
} from '../../../core/src/index.ts';
import type { GuestConsole } from '../guest-console.ts';
import { createPlannerClient, type PlannerClient } from '../planner-client.ts';
import { actionStyles, sharedStyles } from '../shared-styles.ts';
import { onStoreChange } from '../store-change.ts';
import type {
  BuildReport,
  BuildUpdate,
  V86Config,
} from '../worker/v86-protocol.ts';
import { createV86Client, type V86Client } from './v86-client.ts';
import type { OfflineImage } from './bundle-images.ts';
import {
  checkPlatforms,
  emulatedRunPlatforms,
  planMissingImages,
  runnablePlatforms,
  type PlatformVerdict,
} from './browser-platforms.ts';
import { CANCELED_MESSAGE } from './build-stop.ts';
import type { DirNode } from './file-tree.ts';
import { isWasiStep } from '../wasi/wasi-step.ts';
import type { ResultDownloadDetail } from '../result-tree.ts';
import '../result-tree.ts';
import '../wasi/wasi-run-panel.ts';

/** A runnable stand-in for an example's Dockerfile (its `runnable` file). */
export interface BuildVariant {
  /** e.g. `Dockerfile.busybox`. */
  file: string;
  dockerfile: string;
}

/** The default time limit per RUN, in seconds. */
export const DEFAULT_RUN_TIMEOUT_S = 120;

/** Builds in the browser: the plan's linux/386 steps run in the v86 guest. */
export class V86BuildPanel extends LitElement {
  static override properties = {
    dockerfile: { attribute: false },
    options: { attribute: false },
    plan: { attribute: false },
    variant: { attribute: false },
    blocked: { attribute: false },
    running: { state: true },
    canceling: { state: true },
    output: { state: true },
    status: { state: true },
    notes: { state: true },
    report: { state: true },
    noCache: { state: true },
    timeoutSeconds: { state: true },
    images: { state: true },
    variantPlan: { state: true },
    config: { attribute: false },
    context: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    actionStyles,
    css`
      :host {
        display: grid;
        gap: 0.6rem;
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
      input[type='number'] {
        width: 4.5rem;
        font: inherit;
      }
      pre.progress {
        max-height: 24rem;
        overflow: auto;
        padding: 0.5rem 0.7rem;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--bg-subtle);
      }
      p {
        margin: 0;
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
      .last {
        display: contents;
      }
      .last.stale {
        display: grid;
        gap: 0.6rem;
        opacity: 0.6;
      }
      p.stale {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        align-items: center;
      }
    `,
  ];

  /** The Dockerfile and options the plan came from (to re-plan). */
  declare dockerfile: string;
  declare options: BuildOptions | undefined;
  declare plan: BuildPlan | undefined;
  /** Built instead of `dockerfile` while the offline store lacks its images. */
  declare variant: BuildVariant | undefined;
  /** Why this Dockerfile cannot build in a browser at all (Build is off). */
  declare blocked: string | undefined;
  declare running: boolean;
  declare canceling: boolean;
  declare output: string;
  declare status: string;
  declare notes: string[];
  declare report: BuildReport | undefined;
  declare noCache: boolean;
  /** The time limit per RUN; 0 for none. */
  declare timeoutSeconds: number;
  /** The offline store's images, once the worker listed them. */
  declare images: OfflineImage[] | undefined;
  declare variantPlan: BuildPlan | undefined;
  /** Where the guest, wasm and images are; defaults to the page's public/. */
  declare config: Partial<V86Config> | undefined;
  /** Loads the build context for a Dockerfile name; empty when unset. */
  declare context:
    ((dockerfile: string) => Promise<DirNode | undefined>) | undefined;

  private client: V86Client | undefined;
  private planner: PlannerClient | undefined;
  private renderer: PlainRenderer | undefined;
  private consoleLoaded: Promise<unknown> | undefined;
  private stopStoreWatch: (() => void) | undefined;
  private variantSequence = 0;
  private variantPending = false;
  private imagesPending = true;
  private cancelRequested = false;
  /** The Dockerfile and options on the page, as one string to compare. */
  private pageInput = '';
  /** `pageInput` when the last build started. */
  private builtInput: string | undefined;

  constructor() {
    super();
    this.dockerfile = '';
    this.options = undefined;
    this.plan = undefined;
    this.variant = undefined;
    this.blocked = undefined;
    this.running = false;
    this.canceling = false;
    this.output = '';
    this.status = '';
    this.notes = [];
    this.report = undefined;
    this.noCache = false;
    this.timeoutSeconds = DEFAULT_RUN_TIMEOUT_S;
    this.images = undefined;
    this.variantPlan = undefined;
    this.config = undefined;
    this.context = undefined;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.stopStoreWatch = onStoreChange(() => void this.loadImages());
    // After a move in the page, the worker starts again.
    if (this.hasUpdated) this.startWorker();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stopStoreWatch?.();
    this.client?.dispose();
    this.client = undefined;
    this.planner?.dispose();
    this.planner = undefined;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('config') && this.client && !this.running) {
      this.client.dispose();
      this.client = undefined;
    }
    if (changed.has('variant') || changed.has('options')) {
      void this.planVariant();
    }
    if (changed.has('dockerfile') || changed.has('options')) {
      this.pageInput = JSON.stringify([this.dockerfile, this.options ?? null]);
    }
  }

  /** Tells whether the output shown is from an earlier Dockerfile or options. */
  get stale(): boolean {
    const shown = this.output !== '' || this.report !== undefined;
    return shown && this.builtInput !== this.pageInput;
  }

  override updated() {
    // Properties set before the element was defined are in place only now.
    this.startWorker();
  }

  /** Loads the worker (no guest yet), so a Build starts at once. */
  private startWorker() {
    if (this.client || !this.isConnected) return;
    this.client = createV86Client(this.config);
    void this.loadImages();
  }

  /**
   * Tells whether what Build will run is known: the offline store's list
   * was read (or could not be) and the variant's plan is in.
   */
  get settled(): boolean {
    return !this.imagesPending && !this.variantPending;
  }

  /** Reads a file of the last build's result for a platform. */
  async resultFile(
    platform: string,
    path: string,
  ): Promise<Uint8Array | undefined> {
    return this.client?.api.readFile(platform, path);
  }

  /** Cancels the running build, as Ctrl-C cancels `docker buildx build`. */
  cancel() {
    if (!this.running) return;
    this.cancelRequested = true;
    this.canceling = true;
    void this.client?.api.cancel();
  }

  override render() {
    const verdicts = this.verdicts();
    const foreign = verdicts.filter((v) => v.reason);
    const emulated = this.sourcePlan()
      ? emulatedRunPlatforms(this.sourcePlan()!)
      : [];
    const canBuild = !!this.options && !this.running && !this.blocked;
    return html`<div class="bar">
        <button
          class="primary"
          ?disabled=${!canBuild}
          @click=${() => void this.build()}
        >
          ${this.buttonLabel(foreign.length > 0)}
        </button>
        ${
          this.running
            ? html`<button
                class="cancel"
                ?disabled=${this.canceling}
                @click=${() => this.cancel()}
              >
                Cancel
              </button>`
            : nothing
        }
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
        <label class="muted"
          >RUN time limit
          <input
            class="timeout"
            type="number"
            min="0"
            step="1"
            .value=${String(this.timeoutSeconds)}
            @change=${(e: Event) => {
              const value = Number((e.target as HTMLInputElement).value);
              this.timeoutSeconds = value >= 0 ? value : 0;
            }}
          />
          s</label
        >
        <button ?disabled=${this.running} @click=${() => void this.clear()}>
          Clear stored guest and images
        </button>
        <span class="muted status">${this.status}</span>
      </div>
      ${this.blocked ? html`<p class="muted blocked">${this.blocked}</p>` : nothing}
      ${this.renderVariant()} ${this.renderForeign(foreign)}
      ${
        emulated.length > 0
          ? html`<p class="muted emulated">
              Steps for ${emulated.join(', ')} run under QEMU user mode inside
              the linux/386 guest: expect seconds per RUN.
            </p>`
          : nothing
      }
      ${this.renderStale()}
      <div class="last ${this.stale ? 'stale' : ''}">
        ${this.output ? html`<pre class="progress">${this.output}</pre>` : nothing}
        <details class="console" open ?hidden=${!this.output && !this.running}>
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
        }
      </div>`;
  }

  private renderStale() {
    if (!this.stale) return nothing;
    return html`<p class="muted stale">
      The output below is from a build of an earlier Dockerfile or options.
      ${
        this.running
          ? nothing
          : html`<button
              class="clear-output"
              @click=${() => this.clearOutput()}
            >
              Clear
            </button>`
      }
    </p>`;
  }

  /** Forgets the last build's output, notes and result. */
  private clearOutput() {
    this.output = '';
    this.notes = [];
    this.report = undefined;
    this.status = '';
    this.guestConsole()?.clear();
  }

  private buttonLabel(fallback: boolean): string {
    const parts = ['Build'];
    if (this.useVariant()) parts.push(this.variant!.file);
    if (fallback)
      parts.push(`for ${runnablePlatforms(this.verdicts()).join(', ')}`);
    return parts.join(' ');
  }

  private renderVariant() {
    if (!this.useVariant() || this.blocked) return nothing;
    const missing =
      this.plan && this.images
        ? planMissingImages(this.plan, this.images).map((m) => m.ref)
        : [];
    const starts =
      missing.length > 0
        ? html`The docs' Dockerfile starts from
            <span class="mono">${[...new Set(missing)].join(', ')}</span>, which
            the offline image store lacks: `
        : nothing;
    return html`<p class="muted variant">
      ${starts}Build runs
      <span class="mono">${this.variant!.file}</span>, the example's stand-in on
      the built-in busybox image. Edit the Dockerfile to build it instead.
    </p>`;
  }

  private renderForeign(foreign: PlatformVerdict[]) {
    if (foreign.length === 0) return nothing;
    const runnable = runnablePlatforms(this.verdicts());
    return html`<div class="muted foreign">
      <ul>
        ${foreign.map((v) => html`<li>${v.platform}: ${v.reason}</li>`)}
      </ul>
      <p>
        The button plans the same Dockerfile for ${runnable.join(', ')} and runs
        that.
      </p>
    </div>`;
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

  /** Tells whether Build runs the variant: the store lacks the images. */
  private useVariant(): boolean {
    if (!this.variant) return false;
    if (!this.plan || !this.images) return true;
    return planMissingImages(this.plan, this.images).length > 0;
  }

  /** The plan of what Build runs, before any re-plan for other platforms. */
  private sourcePlan(): BuildPlan | undefined {
    return this.useVariant() ? this.variantPlan : this.plan;
  }

  private verdicts(): PlatformVerdict[] {
    const plan = this.sourcePlan();
    return plan ? checkPlatforms(plan, this.images) : [];
  }

  private async loadImages() {
    this.imagesPending = true;
    try {
      this.images = await this.client?.api.listImages();
    } catch {
      // Without the list, images are not checked before a build.
    } finally {
      this.imagesPending = false;
    }
  }

  private async planVariant() {
    const sequence = ++this.variantSequence;
    const variant = this.variant;
    if (!variant || !this.options) {
      this.variantPlan = undefined;
      this.variantPending = false;
      return;
    }
    this.variantPending = true;
    this.planner ??= createPlannerClient();
    const response = await this.planner.api.plan({
      dockerfile: variant.dockerfile,
      options: { ...this.options, file: variant.file },
    });
    if (sequence !== this.variantSequence) return;
    this.variantPlan = response.plan;
    this.variantPending = false;
  }

  private async build() {
    const options = this.options;
    if (!options) return;
    this.running = true;
    this.canceling = false;
    this.cancelRequested = false;
    this.builtInput = this.pageInput;
    this.output = '';
    this.notes = [];
    this.report = undefined;
    this.renderer = createPlainRenderer();
    try {
      const console_ = await this.loadConsole();
      console_?.clear();
      const source = this.useVariant()
        ? this.variant!
        : { file: options.file ?? 'Dockerfile', dockerfile: this.dockerfile };
      // The guest starts while the plan is made, as a builder is up before
      // a build: its boot does not count in the first RUN's time.
      this.client ??= createV86Client(this.config);
      const onUpdate = Comlink.proxy((u: BuildUpdate) => this.onUpdate(u));
      const starting = this.needsGuest()
        ? this.client.api.start(onUpdate)
        : undefined;
      if (starting) this.status = 'starting the guest…';
      starting?.catch(() => undefined);
      const context = await this.context?.(source.file);
      const plan = await this.buildPlan(options, source);
      if (!plan.ok) {
        const first = plan.diagnostics.find((d) => d.severity === 'error');
        const text = first?.failure ?? first?.message ?? 'the plan has errors';
        this.output = `ERROR: failed to solve: ${text}\n`;
        this.status = '';
        return;
      }
      if (starting) this.onUpdate({ kind: 'guest', report: await starting });
      if (this.cancelRequested) {
        this.output += `ERROR: failed to solve: ${CANCELED_MESSAGE}\n`;
        this.status = 'canceled';
        return;
      }
      const report = await this.client.api.build(plan, onUpdate, {
        noCache: this.noCache,
        context,
        runTimeoutMs: this.timeoutSeconds * 1000,
      });
      this.report = report;
      if (!report.ok) {
        this.output += this.renderer.errorSummary();
        const error = report.error ?? 'build failed';
        this.output += `ERROR: ${error.startsWith('failed to solve') ? error : `failed to solve: ${error}`}\n`;
      }
      const how = report.ok
        ? 'done'
        : this.cancelRequested
          ? 'canceled'
          : 'failed';
      this.status = `${how} in ${(report.elapsedMs / 1000).toFixed(1)} s`;
    } catch (error) {
      this.status = '';
      this.output += `ERROR: ${error instanceof Error ? error.message : String(error)}\n`;
    } finally {
      this.running = false;
      this.canceling = false;
    }
  }

  /** Loads xterm.js and the console element on the first build. */
  private async loadConsole(): Promise<GuestConsole | null> {
    this.consoleLoaded ??= import('../guest-console.ts');
    await this.consoleLoaded;
    const element = this.guestConsole();
    await element?.updateComplete;
    return element;
  }

  /** Tells whether some RUN needs the guest (WASI programs do not). */
  private needsGuest(): boolean {
    const plan = this.sourcePlan();
    // A plan that already failed ends the build before any step.
    if (plan && !plan.ok) return false;
    const runs = Object.values(plan?.vertices ?? {}).filter(
      (v) => v.kind === 'run',
    );
    return !plan || runs.some((v) => !isWasiStep(v.platform, v.args));
  }

  /**
   * Returns the plan Build runs: the page's own (or the variant's), or one
   * made again for the platforms the page can build.
   */
  private async buildPlan(
    options: BuildOptions,
    source: BuildVariant,
  ): Promise<BuildPlan> {
    const own = source.dockerfile === this.dockerfile ? this.plan : undefined;
    const plan =
      own ?? this.variantPlan ?? (await this.planFor(source, options));
    const verdicts = checkPlatforms(plan, this.images);
    if (verdicts.every((v) => !v.reason)) return plan;
    return this.planFor(source, {
      ...options,
      platforms: runnablePlatforms(verdicts),
    });
  }

  private async planFor(
    source: BuildVariant,
    options: BuildOptions,
  ): Promise<BuildPlan> {
    this.planner ??= createPlannerClient();
    const response = await this.planner.api.plan({
      dockerfile: source.dockerfile,
      options: { ...options, file: source.file },
    });
    if (!response.plan) throw new Error(response.failure ?? 'no plan');
    return response.plan;
  }

  private onUpdate(update: BuildUpdate) {
    if (update.kind === 'progress') {
      this.output += this.renderer?.write(update.event) ?? '';
      this.guestConsole()?.writeProgress(update.event);
    } else if (update.kind === 'serial') {
      this.guestConsole()?.writeSerial(update.text);
    } else if (update.kind === 'note') {
      this.notes = [...this.notes, update.note.message];
    } else {
      const r = update.report;
      const how = r.mode === 'restored' ? 'restored from IndexedDB' : 'booted';
      this.status = `guest ${how} in ${(r.ms / 1000).toFixed(1)} s`;
    }
  }

  private guestConsole(): GuestConsole | null {
    const element = this.renderRoot.querySelector('guest-console');
    return element && 'writeSerial' in element ? element : null;
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
