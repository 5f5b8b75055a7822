// <context-drop>: the build context of browser builds. Shows which files COPY
// and ADD read (the example's folder, or a dropped folder or files) and what
// `.dockerignore` leaves out; reports a dropped context as `context-input`.

import { LitElement, css, html, nothing } from 'lit';
import {
  applyDockerignore,
  createContextTree,
  type ContextFiles,
} from './build-context.ts';
import { insideFolder } from './dropped-files.ts';
import type { ItemsDropDetail } from './drop-zone.ts';
import { sharedStyles } from './shared-styles.ts';
import { formatBytes } from './stored-data.ts';
import './drop-zone.ts';

/** The detail of `context-input`: the dropped context, or none to go back. */
export interface ContextInputDetail {
  context: ContextFiles | undefined;
}

const LISTED = 12;

/** Takes a dropped build context and shows the one builds use. */
export class ContextDrop extends LitElement {
  static override properties = {
    dropped: { attribute: false },
    example: { attribute: false },
    examplePaths: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        gap: 0.5rem;
      }
      p {
        margin: 0;
      }
      button {
        font: inherit;
        font-size: 0.85rem;
        border: none;
        background: none;
        color: var(--accent);
        cursor: pointer;
        padding: 0;
      }
      .error {
        color: var(--error-fg);
      }
    `,
  ];

  /** The context the user dropped; unset to use the example's folder. */
  declare dropped: ContextFiles | undefined;
  /** The example's id, when one is selected. */
  declare example: string | undefined;
  /** The example folder's files, relative to it. */
  declare examplePaths: string[];

  constructor() {
    super();
    this.dropped = undefined;
    this.example = undefined;
    this.examplePaths = [];
  }

  override render() {
    return html`<drop-zone
        prompt="Drop a folder or files to use as the build context"
        file-label="Choose files…"
        folder-label="Choose a folder…"
        multiple
        @items-drop=${(e: CustomEvent<ItemsDropDetail>) => {
          const items = e.detail.items;
          this.report({ label: items.label, files: insideFolder(items) });
        }}
      ></drop-zone>
      ${this.dropped ? this.renderDropped(this.dropped) : this.renderExample()}`;
  }

  private renderExample() {
    if (!this.example) {
      return html`<p class="summary muted">
        No build context: COPY from it finds nothing.
      </p>`;
    }
    const names = [...this.examplePaths].sort();
    return html`<p class="summary">
        Context: the example's folder examples/${this.example}, ${names.length}
        files
      </p>
      <p class="muted mono files">${list(names)}</p>`;
  }

  private renderDropped(dropped: ContextFiles) {
    const read = applyDockerignore(createContextTree(dropped.files));
    const bytes = dropped.files.reduce((n, f) => n + f.data.byteLength, 0);
    const names = dropped.files.map((f) => f.path).sort();
    return html`<p class="summary">
        Context: dropped ${dropped.label}, ${names.length} files
        (${formatBytes(bytes)})
        <button class="reset" @click=${() => this.report(undefined)}>
          ${this.example ? "use the example's files" : 'remove'}
        </button>
      </p>
      <p class="muted mono files">${list(names)}</p>
      ${
        read.ok
          ? read.ignored.length > 0
            ? html`<p class="muted ignored">
                .dockerignore leaves out ${read.ignored.length}:
                <span class="mono">${list(read.ignored)}</span>
              </p>`
            : nothing
          : html`<p class="error">${read.error}</p>`
      }`;
  }

  private report(context: ContextFiles | undefined) {
    this.dispatchEvent(
      new CustomEvent<ContextInputDetail>('context-input', {
        detail: { context },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

function list(names: string[]): string {
  const shown = names.slice(0, LISTED).join('  ');
  return names.length > LISTED ? `${shown}  …` : shown;
}

customElements.define('context-drop', ContextDrop);

declare global {
  interface HTMLElementTagNameMap {
    'context-drop': ContextDrop;
  }
}
