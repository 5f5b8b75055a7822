// <devices-panel>: the CDI devices the spec files define, as
// `docker buildx inspect` lists a builder's devices (name, automatically
// allowed or on-demand, annotations), with the spec file of each and every
// problem the spec files have; this host's spec files when they are in use.

import { LitElement, html, css, nothing } from 'lit';
import type { RegisteredDevice } from '../../core/src/index.ts';
import type { HostCdiView } from './host-cdi-specs.ts';
import { sharedStyles } from './shared-styles.ts';
import type { RegistrySummary } from './worker/protocol.ts';
import './diagnostic-list.ts';

/** Shows a registry summary and the host's spec files (`summary`, `host`). */
export class DevicesPanel extends LitElement {
  static override properties = {
    summary: { attribute: false },
    host: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      table {
        width: 100%;
        border-collapse: collapse;
        margin-bottom: 0.6rem;
      }
      th {
        text-align: left;
        font-weight: 600;
        font-size: 0.75rem;
        color: var(--fg-muted);
        border-bottom: 1px solid var(--border);
        padding: 0.2rem 0.4rem;
      }
      td {
        padding: 0.25rem 0.4rem;
        border-bottom: 1px solid var(--border);
        vertical-align: top;
      }
      .annotations {
        margin: 0.15rem 0 0;
        color: var(--fg-muted);
        font-size: 0.8rem;
      }
      .host {
        margin: 0 0 0.6rem;
        padding-left: 1.2rem;
      }
      .host pre {
        margin: 0.2rem 0 0.4rem;
        font-size: 0.8rem;
      }
    `,
  ];

  /** The devices and diagnostics from the planner worker; unset while planning. */
  declare summary: RegistrySummary | undefined;
  /** This host's spec files; unset while they are not in use. */
  declare host: HostCdiView | undefined;

  constructor() {
    super();
    this.summary = undefined;
    this.host = undefined;
  }

  override render() {
    const devices = this.summary?.devices ?? [];
    const diagnostics = this.summary?.diagnostics ?? [];
    return html`<h2>Devices</h2>
      ${
        devices.length === 0
          ? html`<p class="muted">No CDI devices are registered.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Spec file</th>
                  <th>Automatically allowed</th>
                </tr>
              </thead>
              <tbody>
                ${devices.map((d) => this.renderDevice(d))}
              </tbody>
            </table>`
      }
      ${this.host ? this.renderHost(this.host) : nothing}
      ${
        diagnostics.length > 0
          ? html`<diagnostic-list
              .diagnostics=${diagnostics}
              .sourceFile=${''}
            ></diagnostic-list>`
          : nothing
      }`;
  }

  private renderHost(host: HostCdiView) {
    if (host.error) {
      return html`<p class="muted">This host's specs: ${host.error}</p>`;
    }
    if (host.loading) {
      return html`<p class="muted">Reading this host's specs…</p>`;
    }
    if (host.files.length === 0) {
      return html`<p class="muted">This host has no CDI spec files.</p>`;
    }
    return html`<h3>This host's spec files (read-only)</h3>
      <ul class="host">
        ${host.files.map(
          (f) =>
            html`<li data-host-spec=${f.path}>
              <details>
                <summary>
                  <code>${f.path}</code>
                  ${
                    host.hidden.includes(f.path)
                      ? html`<span class="badge off"
                          >replaced by the editor's file</span
                        >`
                      : nothing
                  }
                </summary>
                <pre>${f.text}</pre>
              </details>
            </li>`,
        )}
      </ul>`;
  }

  private renderDevice(d: RegisteredDevice) {
    const keys = Object.keys(d.annotations).sort();
    return html`<tr data-device=${d.qualifiedName}>
      <td>
        <code>${d.qualifiedName}</code>
        ${
          keys.length > 0
            ? html`<pre class="annotations">
${keys.map((k) => `${k}: ${d.annotations[k]}`).join('\n')}</pre>`
            : nothing
        }
      </td>
      <td><code>${d.onDemand ? 'installed on demand' : d.specPath}</code></td>
      <td>
        ${
          d.onDemand
            ? html`<span class="badge info">On-Demand</span>`
            : d.autoAllow
              ? html`<span class="badge ok">true</span>`
              : html`<span class="badge off">false</span>`
        }
      </td>
    </tr>`;
  }
}

customElements.define('devices-panel', DevicesPanel);

declare global {
  interface HTMLElementTagNameMap {
    'devices-panel': DevicesPanel;
  }
}
