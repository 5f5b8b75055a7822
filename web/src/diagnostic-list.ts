// <diagnostic-list>: the plan's errors and warnings as `Dockerfile:N: message`
// lines, each with the source line it points at.

import { LitElement, html, css, nothing } from 'lit';
import {
  findCheckRule,
  formatDiagnostic,
  type Diagnostic,
} from '../../core/src/index.ts';
import { sharedStyles } from './shared-styles.ts';

/** Detail of `diagnostic-select`: the 1-based line the user picked. */
export interface DiagnosticSelectDetail {
  file: string;
  line: number;
}

/**
 * Lists diagnostics. Fires `diagnostic-select` when a located one is
 * clicked.
 */
export class DiagnosticList extends LitElement {
  static override properties = {
    diagnostics: { attribute: false },
    source: { attribute: false },
    sourceFile: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.35rem;
      }
      li {
        border-left: 3px solid var(--border);
        padding: 0.3rem 0.6rem;
        background: var(--bg-subtle);
        border-radius: 0 6px 6px 0;
      }
      li.error {
        border-left-color: var(--error-border);
        background: var(--error-bg);
      }
      li.warning {
        border-left-color: var(--warn-border);
        background: var(--warn-bg);
      }
      li[data-line] {
        cursor: pointer;
      }
      .excerpt {
        color: var(--fg-muted);
        margin-top: 0.15rem;
      }
      .severity {
        font-weight: 600;
        text-transform: uppercase;
        font-size: 0.7rem;
        margin-right: 0.4rem;
      }
      li.error .severity {
        color: var(--error-fg);
      }
      li.warning .severity {
        color: var(--warn-fg);
      }
      .code {
        float: right;
        margin-left: 0.5rem;
        font-size: 0.75rem;
        color: var(--fg-muted);
      }
    `,
  ];

  declare diagnostics: Diagnostic[];
  /** The Dockerfile text, for showing the line a diagnostic points at. */
  declare source: string;
  /** The name the Dockerfile goes by in diagnostics. */
  declare sourceFile: string;

  constructor() {
    super();
    this.diagnostics = [];
    this.source = '';
    this.sourceFile = 'Dockerfile';
  }

  override render() {
    if (this.diagnostics.length === 0) return nothing;
    return html`<ul>
      ${this.diagnostics.map((d) => this.renderItem(d))}
    </ul>`;
  }

  private renderItem(diagnostic: Diagnostic) {
    const location = diagnostic.location;
    const line = location?.range.start.line;
    // The numbered source lines BuildKit prints, failing ones marked `>>>`.
    const fromSource = location?.file === this.sourceFile;
    const excerpt = fromSource
      ? formatDiagnostic(diagnostic, this.source)
          .split('\n')
          .slice(1)
          .filter((row) => !/^-+$/.test(row))
          .join('\n')
      : '';
    // Build checks go by their BuildKit rule name and link their docs page.
    const rule = findCheckRule(diagnostic.code);
    const code = rule
      ? html`<a href=${diagnostic.url ?? nothing} target="_blank"
          >${rule.name}</a
        >`
      : diagnostic.code;
    return html`<li
      class=${diagnostic.severity}
      data-line=${line ?? nothing}
      @click=${() => location && this.select(location.file, line ?? 1)}
    >
      <span class="code mono">${code}</span>
      <span class="severity">${diagnostic.severity}</span>
      <pre class="message">${formatDiagnostic(diagnostic)}</pre>
      ${excerpt ? html`<pre class="excerpt">${excerpt}</pre>` : nothing}
    </li>`;
  }

  private select(file: string, line: number) {
    const detail: DiagnosticSelectDetail = { file, line };
    this.dispatchEvent(
      new CustomEvent('diagnostic-select', {
        detail,
        bubbles: true,
        composed: true,
      }),
    );
  }
}

customElements.define('diagnostic-list', DiagnosticList);

declare global {
  interface HTMLElementTagNameMap {
    'diagnostic-list': DiagnosticList;
  }
}
