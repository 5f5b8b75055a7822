// <code-editor>: a CodeMirror 6 editor inside the element's shadow root, with
// Dockerfile, YAML or JSON highlighting and diagnostics underlined in place.
// YAML and JSON load on first use, so the first paint carries less.

import { LitElement, html, css, type PropertyValues } from 'lit';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import {
  lintGutter,
  lintKeymap,
  setDiagnostics,
  type Diagnostic as LintMark,
} from '@codemirror/lint';
import {
  Compartment,
  EditorSelection,
  EditorState,
  type Extension,
  type Text,
} from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import type { Diagnostic, Position } from '../../core/src/index.ts';

/** The languages the editor highlights. */
export type CodeLanguage = 'dockerfile' | 'yaml' | 'json';

/** Detail of `code-input`: the whole new text. */
export interface CodeInputDetail {
  text: string;
}

/**
 * Edits text with highlighting; fires `code-input` with `{ text }` on each
 * edit the user makes (never for a `text` set from outside).
 */
export class CodeEditor extends LitElement {
  static override properties = {
    text: { attribute: false },
    language: { attribute: false },
    diagnostics: { attribute: false },
    label: { attribute: false },
  };

  static override styles = css`
    /* Long lines scroll inside the editor instead of widening the page. */
    :host {
      display: block;
      contain: inline-size;
    }
    .tok-keyword {
      color: var(--accent);
      font-weight: 600;
    }
    .tok-comment {
      color: var(--fg-muted);
      font-style: italic;
    }
    .tok-string,
    .tok-string2 {
      color: var(--ok-fg);
    }
    .tok-number,
    .tok-bool,
    .tok-atom {
      color: var(--warn-fg);
    }
    .tok-propertyName,
    .tok-variableName,
    .tok-definition {
      color: var(--fg);
      font-weight: 600;
    }
    .tok-invalid {
      color: var(--error-fg);
    }
  `;

  declare text: string;
  declare language: CodeLanguage;
  /**
   * Problems to underline, in the current text; their `location.file` is not
   * looked at. A new list replaces the marks; a `text` set from outside
   * clears them unless a list comes with it.
   */
  declare diagnostics: Diagnostic[];
  /** The accessible name of the editing area. */
  declare label: string;

  private editor: EditorView | undefined;
  private readonly languageSlot = new Compartment();
  private readonly labelSlot = new Compartment();

  constructor() {
    super();
    this.text = '';
    this.language = 'dockerfile';
    this.diagnostics = [];
    this.label = '';
  }

  /** The CodeMirror view, once the element has rendered. */
  get view(): EditorView | undefined {
    return this.editor;
  }

  override render() {
    return html`<div class="frame"></div>`;
  }

  override firstUpdated() {
    this.mount();
  }

  override updated(changed: PropertyValues<this>) {
    const view = this.editor;
    if (!view) return;
    if (changed.has('text') && this.text !== view.state.doc.toString()) {
      // A text from outside (another example) starts a fresh document:
      // no undo back into the old one, no input event. Diagnostics given
      // before it belong to the old text.
      view.setState(this.createState(this.text));
      if (changed.has('diagnostics')) this.showDiagnostics();
      return;
    }
    if (changed.has('language') || changed.has('label')) {
      view.dispatch({
        effects: [
          this.languageSlot.reconfigure(this.languageExtension()),
          this.labelSlot.reconfigure(labelOf(this.label)),
        ],
      });
    }
    if (changed.has('diagnostics')) this.showDiagnostics();
  }

  override connectedCallback() {
    super.connectedCallback();
    // Back in a page after a removal: build the view again.
    if (this.hasUpdated && !this.editor) this.mount();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.editor?.destroy();
    this.editor = undefined;
  }

  /** Selects a 1-based line, scrolls it into view and focuses the editor. */
  revealLine(line: number) {
    const view = this.editor;
    if (!view) return;
    const doc = view.state.doc;
    const target = doc.line(Math.min(Math.max(line, 1), doc.lines));
    view.dispatch({
      selection: EditorSelection.range(target.from, target.to),
      effects: EditorView.scrollIntoView(target.from, { y: 'center' }),
    });
    view.focus();
  }

  /** The language's extension; none until a lazily loaded one arrives. */
  private languageExtension(): Extension {
    const language = this.language;
    const extension = LOADED.get(language);
    if (extension) return extension;
    void loadLanguage(language).then((loaded) => {
      if (this.editor && this.language === language) {
        this.editor.dispatch({
          effects: this.languageSlot.reconfigure(loaded),
        });
      }
    });
    return [];
  }

  private mount() {
    this.editor = new EditorView({
      parent: this.renderRoot.querySelector('.frame')!,
      root: this.renderRoot as ShadowRoot,
      state: this.createState(this.text),
    });
    this.showDiagnostics();
  }

  private createState(text: string): EditorState {
    return EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        lintGutter(),
        syntaxHighlighting(classHighlighter),
        keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
        this.languageSlot.of(this.languageExtension()),
        this.labelSlot.of(labelOf(this.label)),
        EditorState.tabSize.of(2),
        THEME,
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          const text = update.state.doc.toString();
          this.text = text;
          this.dispatchEvent(
            new CustomEvent<CodeInputDetail>('code-input', {
              detail: { text },
              bubbles: true,
            }),
          );
        }),
      ],
    });
  }

  private showDiagnostics() {
    const view = this.editor;
    if (!view) return;
    // A spec problem can come both from the plan and from the registry.
    const marks = new Map<string, LintMark>();
    for (const d of this.diagnostics) {
      const mark = toLintMark(d, view.state.doc);
      if (mark) marks.set(`${mark.from}:${mark.to}:${mark.message}`, mark);
    }
    view.dispatch(setDiagnostics(view.state, [...marks.values()]));
  }
}

const DOCKERFILE = StreamLanguage.define(dockerFile);

const THEME = EditorView.theme({
  '&': {
    color: 'var(--fg)',
    backgroundColor: 'var(--bg)',
    border: '1px solid var(--border)',
    borderRadius: '6px',
    fontSize: 'var(--font-size-mono)',
    maxHeight: 'var(--code-editor-max-height, 40rem)',
  },
  '&.cm-focused': {
    outline: '2px solid var(--accent-border)',
    outlineOffset: '-1px',
    borderColor: 'var(--accent)',
  },
  '.cm-scroller': {
    fontFamily: 'var(--font-mono)',
    lineHeight: '1.5',
    overflow: 'auto',
  },
  '.cm-content, .cm-gutter': {
    minHeight: 'var(--code-editor-min-height, 12rem)',
  },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-gutters': {
    backgroundColor: 'var(--bg-subtle)',
    color: 'var(--fg-muted)',
    borderRight: '1px solid var(--border)',
    borderRadius: '6px 0 0 6px',
  },
  '.cm-activeLineGutter': { backgroundColor: 'var(--accent-bg)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground':
    { backgroundColor: 'var(--accent-bg)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--bg)',
    color: 'var(--fg)',
    border: '1px solid var(--border)',
  },
});

/** Language extensions loaded so far, by language. */
const LOADED = new Map<CodeLanguage, Extension>([['dockerfile', DOCKERFILE]]);

/** Loads a language's extension once. */
async function loadLanguage(language: CodeLanguage): Promise<Extension> {
  const extension =
    language === 'yaml'
      ? (await import('@codemirror/lang-yaml')).yaml()
      : language === 'json'
        ? (await import('@codemirror/lang-json')).json()
        : DOCKERFILE;
  LOADED.set(language, extension);
  return extension;
}

function labelOf(label: string): Extension {
  return label ? EditorView.contentAttributes.of({ 'aria-label': label }) : [];
}

// Core's ranges are 1-based with an exclusive end column; CodeMirror wants
// offsets into the document it holds now, which may be shorter.
function toLintMark(diagnostic: Diagnostic, doc: Text): LintMark | undefined {
  const range = diagnostic.location?.range;
  if (!range) return undefined;
  const from = toOffset(range.start, doc);
  return {
    from,
    to: Math.max(from, toOffset(range.end, doc)),
    severity: diagnostic.severity,
    message: diagnostic.message,
    source: diagnostic.code,
  };
}

function toOffset(position: Position, doc: Text): number {
  if (position.line > doc.lines) return doc.length;
  const line = doc.line(Math.max(position.line, 1));
  return Math.min(line.from + Math.max(position.column - 1, 0), line.to);
}

customElements.define('code-editor', CodeEditor);

declare global {
  interface HTMLElementTagNameMap {
    'code-editor': CodeEditor;
  }
}
