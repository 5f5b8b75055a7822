// <build-options-form>: the `docker buildx build` flags the playground
// models. Each change fires `options-input` with the whole new form state.

import { LitElement, html, css, nothing } from 'lit';
import type { OptionsDraft } from './options-draft.ts';
import { createEmptyDraft } from './options-draft.ts';
import { sharedStyles } from './shared-styles.ts';

type TextField = Exclude<keyof OptionsDraft, 'legacy'>;

/** Edits build options; fires `options-input` with `{ draft }`. */
export class BuildOptionsForm extends LitElement {
  static override properties = {
    draft: { attribute: false },
    stageNames: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      form {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.45rem 0.75rem;
        align-items: baseline;
        margin-top: 0.4rem;
      }
      label {
        font-size: 0.85rem;
        color: var(--fg-muted);
      }
      .flag {
        font-family: var(--font-mono);
        font-size: 0.75rem;
      }
      .checks {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 1rem;
        font-size: 0.85rem;
      }
      .checks label {
        color: var(--fg);
      }
    `,
  ];

  declare draft: OptionsDraft;
  /** Stage names and indices, offered for `--target`. */
  declare stageNames: string[];

  constructor() {
    super();
    this.draft = createEmptyDraft();
    this.stageNames = [];
  }

  override render() {
    const d = this.draft;
    const allowsDevice = splitWords(d.allow).includes('device');
    return html`<h2>Build options</h2>
      <form @submit=${(e: Event) => e.preventDefault()}>
        ${this.field('platforms', '--platform', 'build platform (linux/amd64)')}
        ${this.field('target', '--target', 'last stage', 'stage-names')}
        <datalist id="stage-names">
          ${this.stageNames.map((name) => html`<option value=${name}></option>`)}
        </datalist>
        ${this.area('buildArgs', '--build-arg', 'NAME=value, one per line')}
        ${this.field('allow', '--allow', 'device, device=vendor.com/class=name')}
        ${this.area('outputs', '--output', 'type=local,dest=out, one per line')}
        ${this.field('file', '-f', 'Dockerfile')}
        <span></span>
        <div class="checks">
          <label>
            <input
              type="checkbox"
              .checked=${allowsDevice}
              @change=${(e: Event) => this.toggleDevice(checked(e))}
            />
            allow every device
          </label>
          <label>
            <input
              type="checkbox"
              .checked=${d.legacy}
              @change=${(e: Event) => this.emit({ ...d, legacy: checked(e) })}
            />
            show the legacy builder's steps
          </label>
        </div>
      </form>`;
  }

  private field(
    key: TextField,
    flag: string,
    placeholder: string,
    list?: string,
  ) {
    return html`<label for=${key}>
        ${labelOf(key)} <span class="flag">${flag}</span>
      </label>
      <input
        id=${key}
        type="text"
        spellcheck="false"
        list=${list ?? nothing}
        placeholder=${placeholder}
        .value=${this.draft[key]}
        @input=${(e: Event) => this.setField(key, e)}
      />`;
  }

  private area(key: TextField, flag: string, placeholder: string) {
    return html`<label for=${key}>
        ${labelOf(key)} <span class="flag">${flag}</span>
      </label>
      <textarea
        id=${key}
        rows="2"
        spellcheck="false"
        placeholder=${placeholder}
        .value=${this.draft[key]}
        @input=${(e: Event) => this.setField(key, e)}
      ></textarea>`;
  }

  private setField(key: TextField, event: Event) {
    const value = (event.target as HTMLInputElement).value;
    this.emit({ ...this.draft, [key]: value });
  }

  private toggleDevice(on: boolean) {
    const words = splitWords(this.draft.allow).filter((w) => w !== 'device');
    if (on) words.unshift('device');
    this.emit({ ...this.draft, allow: words.join(', ') });
  }

  private emit(draft: OptionsDraft) {
    this.draft = draft;
    this.dispatchEvent(
      new CustomEvent('options-input', {
        detail: { draft },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

const LABELS: Record<TextField, string> = {
  file: 'File name',
  platforms: 'Platforms',
  target: 'Target',
  buildArgs: 'Build args',
  allow: 'Allow',
  outputs: 'Output',
};

function labelOf(key: TextField): string {
  return LABELS[key];
}

function splitWords(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== '');
}

function checked(event: Event): boolean {
  return (event.target as HTMLInputElement).checked;
}

customElements.define('build-options-form', BuildOptionsForm);

declare global {
  interface HTMLElementTagNameMap {
    'build-options-form': BuildOptionsForm;
  }
}
