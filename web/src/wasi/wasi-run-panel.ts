// <wasi-run-panel>: after a build whose image has a WASI entrypoint, offers
// to run it in the page, as `docker run` would, and shows what it printed.

import { LitElement, css, html, nothing } from 'lit';
import { actionStyles, sharedStyles } from '../shared-styles.ts';
import type { TargetFiles } from '../worker/v86-protocol.ts';
import type { WasiRunReport } from './wasi-runner.ts';

/** One run's outcome as shown: the report, or why it could not start. */
type Shown =
  | { platform: string; report: WasiRunReport }
  | { platform: string; error: string };

/** Offers a Run button per built image whose entrypoint is a WASI module. */
export class WasiRunPanel extends LitElement {
  static override properties = {
    targets: { attribute: false },
    run: { attribute: false },
    running: { state: true },
    shown: { state: true },
  };

  static override styles = [
    sharedStyles,
    actionStyles,
    css`
      :host {
        display: grid;
        gap: 0.4rem;
      }
      pre {
        margin: 0;
        max-height: 16rem;
        overflow: auto;
        padding: 0.5rem 0.7rem;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--bg-subtle);
      }
      .stderr {
        color: var(--error-fg);
      }
    `,
  ];

  /** The built targets; those with a WASI entrypoint get a button. */
  declare targets: TargetFiles[];
  /** Runs a target's entrypoint (the worker's `runEntrypoint`). */
  declare run: ((platform: string) => Promise<WasiRunReport>) | undefined;
  declare running: boolean;
  declare shown: Shown | undefined;

  constructor() {
    super();
    this.targets = [];
    this.run = undefined;
    this.running = false;
    this.shown = undefined;
  }

  override render() {
    const runnable = this.targets.filter((t) => t.wasiEntrypoint);
    if (runnable.length === 0) return nothing;
    return html`${runnable.map(
      (t) =>
        html`<div class="bar">
          <button
            class="run"
            ?disabled=${this.running || !this.run}
            @click=${() => void this.start(t.platform)}
          >
            Run
          </button>
          <span class="mono muted"
            >${t.wasiEntrypoint!.join(' ')} (WASI, in this page)</span
          >
        </div>`,
    )}
    ${this.renderShown()}`;
  }

  private renderShown() {
    const shown = this.shown;
    if (!shown) return nothing;
    if ('error' in shown) {
      return html`<pre class="stderr">ERROR: ${shown.error}</pre>`;
    }
    const r = shown.report;
    return html`<pre class="stdout">${r.stdout}</pre>
      ${r.stderr ? html`<pre class="stderr">${r.stderr}</pre>` : nothing}
      <span class="muted exit"
        >exit code ${r.exitCode} in ${r.ms.toFixed(0)} ms</span
      >`;
  }

  private async start(platform: string) {
    if (!this.run) return;
    this.running = true;
    this.shown = undefined;
    try {
      this.shown = { platform, report: await this.run(platform) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.shown = { platform, error: message };
    } finally {
      this.running = false;
    }
  }
}

customElements.define('wasi-run-panel', WasiRunPanel);

declare global {
  interface HTMLElementTagNameMap {
    'wasi-run-panel': WasiRunPanel;
  }
}
