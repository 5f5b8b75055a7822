// <dockerfile-editor>: the Dockerfile in a highlighting editor, with the
// plan's diagnostics for it underlined. Each edit fires `dockerfile-input`.

import { LitElement, html, css, type PropertyValues } from 'lit';
import type { Diagnostic } from '../../core/src/index.ts';
import type { CodeEditor, CodeInputDetail } from './code-editor.ts';
import { sharedStyles } from './shared-styles.ts';
import './code-editor.ts';

/** Edits the Dockerfile text; fires `dockerfile-input` with `{ text }`. */
export class DockerfileEditor extends LitElement {
  static override properties = {
    text: { attribute: false },
    file: { attribute: false },
    reveal: { attribute: false },
    diagnostics: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      h2 {
        margin-bottom: 0.3rem;
      }
      code-editor {
        --code-editor-min-height: 16rem;
      }
    `,
  ];

  declare text: string;
  /** The Dockerfile's name, shown above the editor. */
  declare file: string;
  /** A 1-based line to select, e.g. after a diagnostic is clicked; a new object each time. */
  declare reveal: { line: number } | undefined;
  /** Diagnostics of any file; those located in this Dockerfile are underlined. */
  declare diagnostics: Diagnostic[];

  // Those located in this file; the planner says `Dockerfile` for a blank name.
  private own: Diagnostic[] = [];

  constructor() {
    super();
    this.text = '';
    this.file = 'Dockerfile';
    this.reveal = undefined;
    this.diagnostics = [];
  }

  override render() {
    return html`<h2 id="name">${this.file}</h2>
      <code-editor
        language="dockerfile"
        .text=${this.text}
        .label=${this.file}
        .diagnostics=${this.own}
        @code-input=${this.onInput}
      ></code-editor>`;
  }

  // Filtered only when the list changes: a new array on every keystroke
  // would move the editor's marks back to the plan's stale positions.
  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('diagnostics') || changed.has('file')) {
      const name = this.file.trim() || 'Dockerfile';
      this.own = this.diagnostics.filter((d) => d.location?.file === name);
    }
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('reveal') && this.reveal) {
      const line = this.reveal.line;
      const editor = this.renderRoot.querySelector('code-editor') as CodeEditor;
      // The editor's view exists once it has rendered.
      void editor.updateComplete.then(() => editor.revealLine(line));
    }
  }

  private onInput(event: CustomEvent<CodeInputDetail>) {
    event.stopPropagation();
    const text = event.detail.text;
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
