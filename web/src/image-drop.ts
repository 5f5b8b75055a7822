// <image-drop>: imports images the user drops or picks (an OCI layout folder
// or tar, a `docker save` tar) into the browser image store, and lists the
// imported names that `FROM` can use.

import { LitElement, css, html, nothing } from 'lit';
import type { ItemsDropDetail } from './drop-zone.ts';
import { sharedStyles } from './shared-styles.ts';
import { announceStoreChange, StoreChangeController } from './store-change.ts';
import { formatBytes } from './stored-data.ts';
import { importImages } from './v86/image-import.ts';
import {
  listImportedImages,
  openImageStore,
  removeImportedImage,
  type ImportedImage,
} from './v86/image-store.ts';
import './drop-zone.ts';

/** Imports dropped images and lists those imported. */
export class ImageDrop extends LitElement {
  static override properties = {
    database: { attribute: false },
    images: { state: true },
    busy: { state: true },
    message: { state: true },
    error: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: 0.5rem;
      }
      ul {
        margin: 0;
        padding-left: 1.2rem;
      }
      li button {
        font: inherit;
        font-size: 0.8rem;
        border: none;
        background: none;
        color: var(--accent);
        cursor: pointer;
      }
      .error {
        color: var(--error-fg);
      }
    `,
  ];

  /** The image store's IndexedDB database; the page's default when unset. */
  declare database: string | undefined;
  declare images: ImportedImage[];
  declare busy: boolean;
  declare message: string;
  declare error: string;

  constructor() {
    super();
    new StoreChangeController(this, () => void this.refresh());
    this.database = undefined;
    this.images = [];
    this.busy = false;
    this.message = '';
    this.error = '';
  }

  override render() {
    return html`<drop-zone
        prompt="Drop an OCI image layout (folder or .tar) or a docker save .tar to use it in FROM"
        accept=".tar,.tgz,.gz,application/x-tar"
        file-label="Choose a .tar…"
        folder-label="Choose a layout folder…"
        ?disabled=${this.busy}
        @items-drop=${(e: CustomEvent<ItemsDropDetail>) =>
          void this.import(e.detail)}
      ></drop-zone>
      ${this.busy ? html`<span class="muted">importing…</span>` : nothing}
      ${this.error ? html`<p class="error mono">${this.error}</p>` : nothing}
      ${this.message ? html`<p class="muted">${this.message}</p>` : nothing}
      ${
        this.images.length > 0
          ? html`<ul class="images">
              ${this.images.map(
                (image) =>
                  html`<li data-name=${image.name}>
                    <code>${image.name}</code>
                    <span class="muted"
                      >from ${image.source}, ${formatBytes(image.bytes)}</span
                    >
                    <button
                      title="Forget this name"
                      @click=${() => void this.forget(image.name)}
                    >
                      remove
                    </button>
                  </li>`,
              )}
            </ul>`
          : html`<p class="muted">
              No imported images; the built-in busybox store is always there.
            </p>`
      }`;
  }

  /** Re-reads the imported names from the store. */
  refresh = async () => {
    this.images = await listImportedImages(openImageStore(this.database));
  };

  private async import({ items }: ItemsDropDetail) {
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      const store = openImageStore(this.database);
      const outcome = await importImages(items, store);
      const names = outcome.images.map((i) => i.name).join(', ');
      const kind =
        outcome.format === 'oci-layout' ? 'OCI layout' : 'docker save archive';
      this.message = `imported ${names} from the ${kind} ${items.label}`;
      announceStoreChange();
      this.dispatchEvent(
        new CustomEvent('images-import', {
          detail: { names: outcome.images.map((i) => i.name) },
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      this.error = `failed to import ${items.label}: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }

  private async forget(name: string) {
    await removeImportedImage(openImageStore(this.database), name);
    announceStoreChange();
  }
}

customElements.define('image-drop', ImageDrop);

declare global {
  interface HTMLElementTagNameMap {
    'image-drop': ImageDrop;
  }
}
