// <result-tree>: a build's exported files as an expandable tree (folders
// open on click, their entries drawn only then), with downloads of the whole
// export as a tar or a zip archive reported as `result-download`.

import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { actionStyles, sharedStyles } from './shared-styles.ts';
import { formatBytes } from './stored-data.ts';
import type { FileInfo } from './worker/v86-protocol.ts';

/** The detail of `result-download`. */
export interface ResultDownloadDetail {
  format: 'tar' | 'zip';
}

/** Shows exported files as a tree and offers them as archives. */
export class ResultTree extends LitElement {
  static override properties = {
    files: { attribute: false },
    open: { state: true },
  };

  static override styles = [
    sharedStyles,
    actionStyles,
    css`
      :host {
        display: grid;
        gap: 0.4rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding-left: 1.1rem;
      }
      ul.root {
        padding-left: 0;
        max-height: 24rem;
        overflow: auto;
      }
      summary {
        cursor: pointer;
      }
      .meta {
        color: var(--fg-muted);
        margin-left: 0.5rem;
      }
      .leaf {
        padding-left: 1rem;
      }
    `,
  ];

  /** The export's entries, parents before children, paths from `/`. */
  declare files: FileInfo[];
  /** Folders the user opened, by path. */
  declare open: Set<string>;

  private byParent = new Map<string, FileInfo[]>();

  constructor() {
    super();
    this.files = [];
    this.open = new Set();
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('files')) return;
    this.byParent = new Map();
    for (const file of this.files) {
      const parent = file.path.slice(0, file.path.lastIndexOf('/'));
      const list = this.byParent.get(parent) ?? [];
      list.push(file);
      this.byParent.set(parent, list);
    }
  }

  override render() {
    const bytes = this.files.reduce((n, f) => n + f.size, 0);
    return html`<div class="bar">
        <span class="muted count"
          >${this.files.length} entries, ${formatBytes(bytes)}</span
        >
        <button class="tar" @click=${() => this.download('tar')}>
          Download .tar
        </button>
        <button class="zip" @click=${() => this.download('zip')}>
          Download .zip
        </button>
      </div>
      <ul class="root mono">
        ${this.renderLevel('')}
      </ul>`;
  }

  private renderLevel(parent: string): unknown {
    return (this.byParent.get(parent) ?? []).map((file) => {
      const name = file.path.slice(parent.length + 1);
      if (file.type !== 'dir') {
        return html`<li class="leaf" data-path=${file.path}>
          ${name}<span class="meta">${describe(file)}</span>
        </li>`;
      }
      const open = this.open.has(file.path);
      return html`<li data-path=${file.path}>
        <details
          .open=${open}
          @toggle=${(e: Event) =>
            this.toggle(file.path, (e.target as HTMLDetailsElement).open)}
        >
          <summary>${name}/<span class="meta">${modeText(file)}</span></summary>
          ${
            open
              ? html`<ul>
                  ${this.renderLevel(file.path)}
                </ul>`
              : nothing
          }
        </details>
      </li>`;
    });
  }

  private toggle(path: string, open: boolean) {
    if (open === this.open.has(path)) return;
    const next = new Set(this.open);
    if (open) next.add(path);
    else next.delete(path);
    this.open = next;
  }

  private download(format: 'tar' | 'zip') {
    this.dispatchEvent(
      new CustomEvent<ResultDownloadDetail>('result-download', {
        detail: { format },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

function describe(file: FileInfo): string {
  if (file.type === 'symlink') return `-> ${file.target ?? ''}`;
  if (file.type === 'special') return `device ${modeText(file)}`;
  return `${formatBytes(file.size)} ${modeText(file)}`;
}

function modeText(file: FileInfo): string {
  const mode = (file.mode & 0o7777).toString(8).padStart(4, '0');
  return `${mode} ${file.uid}:${file.gid}`;
}

customElements.define('result-tree', ResultTree);

declare global {
  interface HTMLElementTagNameMap {
    'result-tree': ResultTree;
  }
}
