// <dockerfile-editor>: a plain text editor for the Dockerfile. Each edit
// fires `dockerfile-input` with the new text.

import { LitElement, html, css, type PropertyValues } from 'lit';
import { sharedStyles } from './shared-styles.ts';

/** Edits the Dockerfile text; fires `dockerfile-input` with `{ text }`. */
export class DockerfileEditor extends LitElement {
  static override properties = {
    text: { attribute: false },
    file: { attribute: false },
    reveal: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      label {
        display: flex;
        justify-content: space-between;
        margin-bottom: 0.3rem;
      }
      textarea {
        min-height: 16rem;
      }
    `,
  ];

  declare text: string;
  /** The Dockerfile's name, shown above the editor. */
  declare file: string;
  /** A 1-based line to select, e.g. after a diagnostic is clicked; a new object each time. */
  declare reveal: { line: number } | undefined;

  constructor() {
    super();
    this.text = '';
    this.file = 'Dockerfile';
    this.reveal = undefined;
  }

  override render() {
    const rows = Math.min(Math.max(this.text.split('\n').length + 1, 12), 40);
    return html`<label for="text">
        <h2>${this.file}</h2>
      </label>
      <textarea
        id="text"
        spellcheck="false"
        autocomplete="off"
        rows=${rows}
        .value=${this.text}
        @input=${this.onInput}
      ></textarea>`;
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('reveal') && this.reveal) {
      this.selectLine(this.reveal.line);
    }
  }

  private selectLine(line: number) {
    const area = this.renderRoot.querySelector('textarea');
    if (!area) return;
    const lines = area.value.split('\n');
    const start =
      lines.slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
    const end = start + (lines[line - 1]?.length ?? 0);
    area.focus();
    area.setSelectionRange(start, end);
  }

  private onInput(event: Event) {
    const text = (event.target as HTMLTextAreaElement).value;
    this.text = text;
    this.dispatchEvent(
      new CustomEvent('dockerfile-input', {
        detail: { text },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

customElements.define('dockerfile-editor', DockerfileEditor);

declare global {
  interface HTMLElementTagNameMap {
    'dockerfile-editor': DockerfileEditor;
  }
}
