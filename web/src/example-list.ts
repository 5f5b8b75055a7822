// <example-list>: the examples, grouped by the Docker docs page each
// scenario comes from. Picking one fires `example-select`.

import { LitElement, html, css } from 'lit';
import type { ExampleSummary } from './examples.ts';
import { sharedStyles } from './shared-styles.ts';

/** Lists examples; fires `example-select` with `{ id }` on a pick. */
export class ExampleList extends LitElement {
  static override properties = {
    examples: { attribute: false },
    selected: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      ul {
        list-style: none;
        margin: 0.1rem 0 0.4rem;
        padding: 0;
      }
      button {
        display: block;
        width: 100%;
        text-align: left;
        border: none;
        border-radius: 6px;
        padding: 0.15rem 0.5rem;
        background: transparent;
      }
      button[aria-current='true'] {
        background: var(--accent-bg);
        color: var(--accent);
        font-weight: 600;
      }
      h3 {
        font-size: 0.8rem;
        font-weight: 500;
        color: var(--fg-muted);
        margin-top: 0.3rem;
      }
    `,
  ];

  declare examples: ExampleSummary[];
  /** The id of the example in the editors, if any. */
  declare selected: string | undefined;

  constructor() {
    super();
    this.examples = [];
    this.selected = undefined;
  }

  override render() {
    if (this.examples.length === 0) {
      return html`<p class="muted">
        No examples found in examples/index.json.
      </p>`;
    }
    return [...groupByPage(this.examples)].map(
      ([page, examples]) =>
        html`${page ? html`<h3>${page}</h3>` : ''}
          <ul>
            ${examples.map(
              (e) =>
                html`<li>
                  <button
                    data-id=${e.id}
                    title=${e.section}
                    aria-current=${e.id === this.selected}
                    @click=${() => this.select(e.id)}
                  >
                    ${e.title}
                  </button>
                </li>`,
            )}
          </ul>`,
    );
  }

  private select(id: string) {
    this.dispatchEvent(
      new CustomEvent('example-select', {
        detail: { id },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

// Sections read `Page: part`; the list groups by the page alone.
function groupByPage(examples: ExampleSummary[]) {
  const groups = new Map<string, ExampleSummary[]>();
  for (const example of examples) {
    const page = example.section.split(':')[0]!.trim();
    const list = groups.get(page) ?? [];
    list.push(example);
    groups.set(page, list);
  }
  return groups;
}

customElements.define('example-list', ExampleList);

declare global {
  interface HTMLElementTagNameMap {
    'example-list': ExampleList;
  }
}
