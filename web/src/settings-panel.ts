// <settings-panel>: what the playground keeps in this browser's IndexedDB,
// booted guest snapshots and the image store, with counts, sizes and a
// button to clear each.

import { LitElement, css, html } from 'lit';
import { actionStyles, sharedStyles } from './shared-styles.ts';
import { StoreChangeController } from './store-change.ts';
import {
  clearImages,
  clearSnapshots,
  formatBytes,
  readStoredData,
  type StoreNames,
  type StoredData,
} from './stored-data.ts';

/** Shows and clears the playground's stored data. */
export class SettingsPanel extends LitElement {
  static override properties = {
    names: { attribute: false },
    data: { state: true },
    busy: { state: true },
  };

  static override styles = [
    sharedStyles,
    actionStyles,
    css`
      table {
        border-collapse: collapse;
      }
      td {
        padding: 0.25rem 0.6rem 0.25rem 0;
        vertical-align: baseline;
      }
      button:disabled {
        opacity: 0.6;
        cursor: default;
      }
    `,
  ];

  /** The IndexedDB databases; the page's defaults when unset. */
  declare names: StoreNames;
  declare data: StoredData | undefined;
  declare busy: boolean;

  constructor() {
    super();
    new StoreChangeController(this, () => void this.refresh());
    this.names = {};
    this.data = undefined;
    this.busy = false;
  }

  override render() {
    const d = this.data;
    const snapshots = d
      ? `${d.snapshots.count} ${d.snapshots.count === 1 ? 'state' : 'states'}, ${formatBytes(d.snapshots.bytes)}`
      : '…';
    const images = d
      ? `${d.images.names} imported ${d.images.names === 1 ? 'name' : 'names'}, ${d.images.blobs} blobs, ${formatBytes(d.images.bytes)}`
      : '…';
    return html`<table>
      <tr>
        <td>Guest snapshots</td>
        <td class="muted snapshots">${snapshots}</td>
        <td>
          <button
            class="clear-snapshots"
            ?disabled=${this.busy || !d?.snapshots.count}
            @click=${() => this.clear(clearSnapshots)}
          >
            Clear snapshots
          </button>
        </td>
      </tr>
      <tr>
        <td>Images</td>
        <td class="muted images">${images}</td>
        <td>
          <button
            class="clear-images"
            ?disabled=${this.busy || !d?.images.blobs}
            @click=${() => this.clear(clearImages)}
          >
            Clear images
          </button>
        </td>
      </tr>
    </table>`;
  }

  /** Reads the counts and sizes again. */
  refresh = async () => {
    this.data = await readStoredData(this.names);
  };

  private async clear(action: (names: StoreNames) => Promise<void>) {
    this.busy = true;
    try {
      await action(this.names);
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }
}

customElements.define('settings-panel', SettingsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'settings-panel': SettingsPanel;
  }
}
