// <run-devices>: one RUN step's `--device` requests: the CDI devices each
// resolves to, whether the build may use them and why, and their edits.

import { LitElement, html, css, nothing, type TemplateResult } from 'lit';
import type {
  CdiContainerEdits,
  DeviceResolution,
} from '../../core/src/index.ts';
import { formatCdiMount, formatDeviceNode, formatHook } from './plan-format.ts';
import { sharedStyles } from './shared-styles.ts';

/** Shows resolved device requests and the CDI edits they apply. */
export class RunDevices extends LitElement {
  static override properties = {
    devices: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .request {
        border: 1px solid var(--border);
        border-radius: 6px;
        padding: 0.4rem 0.6rem;
        margin-top: 0.4rem;
        background: var(--bg);
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        align-items: baseline;
      }
      .arrow {
        color: var(--fg-muted);
      }
      .reason {
        margin: 0.2rem 0 0;
      }
      .error {
        color: var(--error-fg);
        margin-top: 0.25rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.15rem 0.75rem;
        margin: 0.35rem 0 0;
      }
      dt {
        color: var(--fg-muted);
        font-size: 0.8rem;
      }
      dd {
        margin: 0;
      }
    `,
  ];

  declare devices: DeviceResolution[];

  constructor() {
    super();
    this.devices = [];
  }

  override render() {
    return this.devices.map((device) => this.renderRequest(device));
  }

  private renderRequest(device: DeviceResolution) {
    const names = device.devices.length
      ? device.devices.map((name) => html`<code>${name}</code>`)
      : html`<span class="muted">no device</span>`;
    return html`<div class="request">
      <div class="head">
        <code
          >--device=${device.request}${device.required ? ',required' : ''}</code
        >
        <span class="arrow">→</span>
        ${names}
        <span class="badge ${device.allowed ? 'ok' : 'error'}"
          >${device.allowed ? 'allowed' : 'not allowed'}</span
        >
      </div>
      ${
        device.reason !== device.error
          ? html`<p class="reason muted">${device.reason}</p>`
          : nothing
      }
      ${device.error ? html`<pre class="error">${device.error}</pre>` : nothing}
      ${renderEdits(device.edits)}
    </div>`;
  }
}

// The edits of one request, gathered by kind in the order they apply.
function renderEdits(edits: CdiContainerEdits[]) {
  const rows: TemplateResult[] = [];
  const add = (label: string, items: string[]) => {
    if (items.length === 0) return;
    rows.push(
      html`<dt>${label}</dt>
        <dd>${items.map((item) => html`<pre>${item}</pre>`)}</dd>`,
    );
  };

  add(
    'env',
    edits.flatMap((e) => e.env ?? []),
  );
  add(
    'device nodes',
    edits.flatMap((e) => e.deviceNodes ?? []).map(formatDeviceNode),
  );
  add('mounts', edits.flatMap((e) => e.mounts ?? []).map(formatCdiMount));
  add('hooks', edits.flatMap((e) => e.hooks ?? []).map(formatHook));
  add('extra gids', edits.flatMap((e) => e.additionalGids ?? []).map(String));
  add(
    'net devices',
    edits
      .flatMap((e) => e.netDevices ?? [])
      .map((n) => `${n.hostInterfaceName} -> ${n.name}`),
  );
  add(
    'intel RDT',
    edits.flatMap((e) => (e.intelRdt ? [JSON.stringify(e.intelRdt)] : [])),
  );

  return rows.length ? html`<dl>${rows}</dl>` : nothing;
}

customElements.define('run-devices', RunDevices);

declare global {
  interface HTMLElementTagNameMap {
    'run-devices': RunDevices;
  }
}
