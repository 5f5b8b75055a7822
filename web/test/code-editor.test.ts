// The shared editor: CodeMirror 6 in the element's shadow root, typed into
// with real key presses, with core's diagnostics as lint marks.

import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { Diagnostic } from '../../core/src/index.ts';
import type { CodeEditor, CodeInputDetail } from '../src/code-editor.ts';
import '../src/code-editor.ts';
import { waitFor } from './helpers.ts';

const DOCKERFILE = 'FROM busybox:1.36\nRUN true\nCOPPY a b\n';

let editor: CodeEditor;

async function mount(text: string, language: CodeEditor['language']) {
  editor = document.createElement('code-editor');
  editor.text = text;
  editor.language = language;
  document.body.append(editor);
  await editor.updateComplete;
}

afterEach(() => editor.remove());

function root(): ShadowRoot {
  return editor.shadowRoot!;
}

function lineElement(line: number): HTMLElement {
  return root().querySelectorAll<HTMLElement>('.cm-line')[line - 1]!;
}

function unknownInstruction(line: number, end: number): Diagnostic {
  return {
    code: 'unknown-instruction',
    severity: 'error',
    message: 'unknown instruction: COPPY',
    location: {
      file: 'Dockerfile',
      range: { start: { line, column: 1 }, end: { line, column: end } },
    },
  };
}

describe('<code-editor>', () => {
  it('FROM busybox:1.36 shows FROM as a keyword', async () => {
    await mount(DOCKERFILE, 'dockerfile');
    const keyword = await waitFor(
      () => lineElement(1).querySelector('.tok-keyword'),
      'a keyword span on line 1',
    );
    expect(keyword.textContent).to.equal('FROM');
    expect(lineElement(2).querySelector('.tok-keyword')?.textContent).to.equal(
      'RUN',
    );
  });

  it('highlights YAML keys in a CDI spec', async () => {
    await mount('cdiVersion: "0.6.0"\nkind: vendor.com/device\n', 'yaml');
    const key = await waitFor(
      () => lineElement(2).querySelector('[class*="tok-"]'),
      'a highlighted token on line 2',
    );
    expect(key.textContent).to.equal('kind');
  });

  it('underlines a diagnostic on its line, with its message', async () => {
    await mount(DOCKERFILE, 'dockerfile');
    editor.diagnostics = [unknownInstruction(3, 10)];
    const mark = await waitFor(
      () => root().querySelector('.cm-lintRange-error'),
      'an error mark',
    );
    expect(mark.closest('.cm-line')).to.equal(lineElement(3));
    expect(mark.textContent).to.equal('COPPY a b');
    const state = editor.view!.state;
    expect(state.doc.lineAt(0).text).to.equal('FROM busybox:1.36');

    editor.diagnostics = [
      { ...unknownInstruction(1, 5), severity: 'warning', message: 'w' },
    ];
    const warning = await waitFor(
      () => root().querySelector('.cm-lintRange-warning'),
      'a warning mark',
    );
    expect(warning.closest('.cm-line')).to.equal(lineElement(1));
    expect(warning.textContent).to.equal('FROM');
    expect(root().querySelector('.cm-lintRange-error')).to.equal(null);
  });

  it('fires code-input with the text the user typed', async () => {
    await mount('FROM busybox\n', 'dockerfile');
    const texts: string[] = [];
    editor.addEventListener('code-input', (e) =>
      texts.push((e as CustomEvent<CodeInputDetail>).detail.text),
    );
    editor.revealLine(1);
    await sendKeys({ press: 'End' });
    await sendKeys({ type: ':1.36' });
    expect(texts.at(-1)).to.equal('FROM busybox:1.36\n');
    expect(texts).to.have.length(5);
    expect(editor.text).to.equal('FROM busybox:1.36\n');
  });

  it('replaces the document when text is set from outside, silently', async () => {
    await mount('FROM busybox\n', 'dockerfile');
    let events = 0;
    editor.addEventListener('code-input', () => events++);
    editor.text = 'FROM alpine\nRUN echo hi\n';
    await editor.updateComplete;
    expect(editor.view!.state.doc.toString()).to.equal(
      'FROM alpine\nRUN echo hi\n',
    );
    expect(lineElement(2).textContent).to.equal('RUN echo hi');
    expect(events).to.equal(0);
  });

  it('drops marks of the old text unless new ones come with the text', async () => {
    await mount('FROM busybox\n', 'dockerfile');
    editor.diagnostics = [unknownInstruction(1, 5)];
    await waitFor(() => root().querySelector('.cm-lintRange-error'), 'a mark');

    editor.text = 'FROM alpine\n';
    await editor.updateComplete;
    await new Promise(requestAnimationFrame);
    expect(root().querySelector('.cm-lintRange-error')).to.equal(null);

    editor.text = 'COPPY a b\nFROM alpine\n';
    editor.diagnostics = [unknownInstruction(1, 10)];
    const mark = await waitFor(
      () => root().querySelector('.cm-lintRange-error'),
      'the mark on the new text',
    );
    expect(mark.textContent).to.equal('COPPY a b');
  });

  it('selects a revealed line', async () => {
    await mount(DOCKERFILE, 'dockerfile');
    editor.revealLine(3);
    const { state } = editor.view!;
    const { from, to } = state.selection.main;
    expect(state.sliceDoc(from, to)).to.equal('COPPY a b');
    expect(editor.view!.hasFocus).to.equal(true);
  });
});
