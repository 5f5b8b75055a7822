// <drop-zone>: a place to drop files or folders, with pickers for both; it
// reads what was given and reports it as an `items-drop` event.

import { LitElement, css, html } from 'lit';
import {
  readDataTransfer,
  readFileList,
  type DroppedItems,
} from './dropped-files.ts';
import { sharedStyles } from './shared-styles.ts';

/** The detail of `items-drop`. */
export interface ItemsDropDetail {
  items: DroppedItems;
}

/** Takes dropped or picked files and folders and reports them, read. */
export class DropZone extends LitElement {
  static override properties = {
    prompt: {},
    accept: {},
    fileLabel: { attribute: 'file-label' },
    folderLabel: { attribute: 'folder-label' },
    multiple: { type: Boolean },
    disabled: { type: Boolean },
    over: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      .zone {
        display: grid;
        gap: 0.4rem;
        padding: 0.7rem;
        border: 2px dashed var(--border);
        border-radius: 8px;
        background: var(--bg-subtle);
      }
      .zone.over {
        border-color: var(--accent);
        background: var(--accent-bg);
      }
      .pickers {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        font-size: 0.85rem;
      }
      label {
        cursor: pointer;
        color: var(--accent);
      }
      input {
        display: none;
      }
    `,
  ];

  /** The sentence in the zone. */
  declare prompt: string;
  /** The file picker's `accept`; empty for any file. */
  declare accept: string;
  /** The file picker's text; empty for no file picker. */
  declare fileLabel: string;
  /** The folder picker's text; empty for no folder picker. */
  declare folderLabel: string;
  /** Whether the file picker takes several files. */
  declare multiple: boolean;
  declare disabled: boolean;
  declare over: boolean;

  constructor() {
    super();
    this.prompt = 'Drop files here';
    this.accept = '';
    this.fileLabel = 'Choose files…';
    this.folderLabel = 'Choose a folder…';
    this.multiple = false;
    this.disabled = false;
    this.over = false;
  }

  override render() {
    return html`<div
      class="zone ${this.over ? 'over' : ''}"
      @dragover=${this.onDragOver}
      @dragleave=${() => (this.over = false)}
      @drop=${this.onDrop}
    >
      <span class="muted">${this.prompt}</span>
      <span class="pickers">
        ${
          this.fileLabel
            ? html`<label
                >${this.fileLabel}<input
                  class="file"
                  type="file"
                  accept=${this.accept}
                  ?multiple=${this.multiple}
                  ?disabled=${this.disabled}
                  @change=${this.onPick}
              /></label>`
            : ''
        }
        ${
          this.folderLabel
            ? html`<label
                >${this.folderLabel}<input
                  class="folder"
                  type="file"
                  webkitdirectory
                  ?disabled=${this.disabled}
                  @change=${this.onPick}
              /></label>`
            : ''
        }
      </span>
    </div>`;
  }

  private onDragOver = (event: DragEvent) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.over = true;
  };

  private onDrop = async (event: DragEvent) => {
    event.preventDefault();
    this.over = false;
    if (this.disabled || !event.dataTransfer) return;
    this.report(await readDataTransfer(event.dataTransfer));
  };

  private onPick = async (event: Event) => {
    const input = event.target as HTMLInputElement;
    if (!input.files || input.files.length === 0) return;
    const items = await readFileList(input.files);
    input.value = '';
    this.report(items);
  };

  private report(items: DroppedItems) {
    if (items.files.length === 0) return;
    this.dispatchEvent(
      new CustomEvent<ItemsDropDetail>('items-drop', {
        detail: { items },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

customElements.define('drop-zone', DropZone);

declare global {
  interface HTMLElementTagNameMap {
    'drop-zone': DropZone;
  }
}
