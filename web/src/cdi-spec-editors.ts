// <cdi-spec-editors>: one editor per CDI spec file, with its path and its
// problems underlined. Any edit, addition or removal fires `cdi-specs-input`
// with the whole new list. Under the dev server, a toggle adds this host's
// specs (`host-cdi-toggle`).

import { LitElement, html, css, type PropertyValues } from 'lit';
import type { CdiSpecFile, Diagnostic } from '../../core/src/index.ts';
import type { CodeInputDetail } from './code-editor.ts';
import { SPEC_DIRS, getSpecPriority } from './spec-dirs.ts';
import { sharedStyles } from './shared-styles.ts';
import './code-editor.ts';

const NEW_SPEC = `cdiVersion: "0.6.0"
kind: "vendor.example/device"
devices:
  - name: dev0
    containerEdits:
      env:
        - DEV0=present
`;

/**
 * Edits CDI spec files; fires `cdi-specs-input` with `{ specs }` and
 * `host-cdi-toggle` with `{ on }`.
 */
export class CdiSpecEditors extends LitElement {
  static override properties = {
    specs: { attribute: false },
    hostAvailable: { attribute: false },
    useHost: { attribute: false },
    diagnostics: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .head {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        margin-bottom: 0.3rem;
      }
      .spec {
        margin-bottom: 0.6rem;
      }
      .path {
        display: flex;
        gap: 0.4rem;
        margin-bottom: 0.25rem;
      }
      .path input {
        flex: 1;
      }
      code-editor {
        --code-editor-min-height: 6rem;
        --code-editor-max-height: 30rem;
      }
      .host {
        display: flex;
        gap: 0.4rem;
        align-items: center;
        margin-bottom: 0.4rem;
      }
    `,
  ];

  declare specs: CdiSpecFile[];
  /** Whether the dev server offers this host's specs (shows the toggle). */
  declare hostAvailable: boolean;
  declare useHost: boolean;
  /** Diagnostics of any file; each editor underlines those of its path. */
  declare diagnostics: Diagnostic[];

  // Per path, kept until the list changes: new arrays on every keystroke
  // would move the editors' marks back to the plan's stale positions.
  private byPath = new Map<string, Diagnostic[]>();

  constructor() {
    super();
    this.specs = [];
    this.hostAvailable = false;
    this.useHost = false;
    this.diagnostics = [];
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('diagnostics')) this.byPath = new Map();
  }

  override render() {
    return html`<div class="head">
        <h2>CDI specs</h2>
        <button @click=${this.addSpec}>Add spec</button>
      </div>
      ${this.hostAvailable ? this.renderHostToggle() : ''}
      ${
        this.specs.length === 0
          ? html`<p class="muted">
              No spec files: <code>RUN --device</code> requests find no devices.
            </p>`
          : ''
      }
      ${this.specs.map(
        (spec, i) =>
          html`<div class="spec">
            <div class="path">
              <input
                type="text"
                aria-label="spec path"
                spellcheck="false"
                .value=${spec.path}
                @change=${(e: Event) => this.setPath(i, inputValue(e))}
              />
              <button
                title="Remove this spec"
                @click=${() => this.removeSpec(i)}
              >
                Remove
              </button>
            </div>
            <code-editor
              .text=${spec.text}
              .language=${spec.path.endsWith('.json') ? 'json' : 'yaml'}
              .label=${spec.path}
              .diagnostics=${this.diagnosticsOf(spec.path)}
              @code-input=${(e: CustomEvent<CodeInputDetail>) => {
                e.stopPropagation();
                this.setText(i, e.detail.text);
              }}
            ></code-editor>
          </div>`,
      )}`;
  }

  private renderHostToggle() {
    return html`<label class="host">
      <input
        type="checkbox"
        data-host-cdi
        .checked=${this.useHost}
        @change=${(e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          this.useHost = on;
          this.dispatchEvent(
            new CustomEvent('host-cdi-toggle', {
              detail: { on },
              bubbles: true,
              composed: true,
            }),
          );
        }}
      />
      Use this host's CDI specs (read-only, listed under Devices)
    </label>`;
  }

  private diagnosticsOf(path: string): Diagnostic[] {
    let list = this.byPath.get(path);
    if (!list) {
      list = this.diagnostics.filter((d) => d.location?.file === path);
      this.byPath.set(path, list);
    }
    return list;
  }

  private addSpec() {
    const taken = new Set(this.specs.map((s) => s.path));
    let n = this.specs.length + 1;
    while (taken.has(`${SPEC_DIRS[0]}/spec-${n}.yaml`)) n++;
    const path = `${SPEC_DIRS[0]}/spec-${n}.yaml`;
    this.emit([...this.specs, { path, priority: 0, text: NEW_SPEC }]);
  }

  private removeSpec(index: number) {
    this.emit(this.specs.filter((_, i) => i !== index));
  }

  private setPath(index: number, path: string) {
    const priority = getSpecPriority(path);
    this.emit(
      this.specs.map((s, i) => (i === index ? { ...s, path, priority } : s)),
    );
  }

  private setText(index: number, text: string) {
    this.emit(this.specs.map((s, i) => (i === index ? { ...s, text } : s)));
  }

  private emit(specs: CdiSpecFile[]) {
    this.specs = specs;
    this.dispatchEvent(
      new CustomEvent('cdi-specs-input', {
        detail: { specs },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

function inputValue(event: Event): string {
  return (event.target as HTMLInputElement).value;
}

customElements.define('cdi-spec-editors', CdiSpecEditors);

declare global {
  interface HTMLElementTagNameMap {
    'cdi-spec-editors': CdiSpecEditors;
  }
}
