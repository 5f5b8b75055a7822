// The whole page: pick an example, edit options and the Dockerfile, and
// watch the plan that comes back from the planner worker change.

import { expect } from '@esm-bundle/chai';
import type { CodeEditor } from '../src/code-editor.ts';
import type { PlanView } from '../src/plan-view.ts';
import type { SlipwayApp } from '../src/slipway-app.ts';
import '../src/slipway-app.ts';
import { deep, fetchExampleFiles, waitFor } from './helpers.ts';

const NOT_ALLOWED =
  'device vendor1.com/device=foo is requested by the build but not allowed';

let app: SlipwayApp;

beforeEach(async () => {
  history.replaceState(null, '', '#example=cdi-env');
  app = document.createElement('slipway-app');
  app.files = await fetchExampleFiles();
  document.body.append(app);
});

afterEach(() => {
  app.remove();
  history.replaceState(null, '', location.pathname);
});

function planView(): PlanView {
  return deep(app, 'plan-view') as PlanView;
}

function editorIn(host: string): CodeEditor {
  return deep(app, host, 'code-editor') as CodeEditor;
}

// Replaces the whole text the way a paste does, through the editor's view.
function paste(editor: CodeEditor, text: string) {
  const view = editor.view!;
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: text },
    userEvent: 'input.paste',
  });
}

// The text of the lint marks of one severity on a 1-based line.
function marksOn(editor: CodeEditor, line: number, severity = 'error') {
  const row = editor.shadowRoot!.querySelectorAll('.cm-line')[line - 1];
  return [...(row?.querySelectorAll(`.cm-lintRange-${severity}`) ?? [])].map(
    (m) => m.textContent,
  );
}

// Undefined until a RUN with devices is planned: the starter Dockerfile's
// plan, which may come first, has a RUN without any.
function devicesOfFirstRun() {
  const plan = planView().response?.plan;
  const run = Object.values(plan?.vertices ?? {}).find((v) => v.kind === 'run');
  return run?.kind === 'run' && run.devices.length ? run.devices : undefined;
}

describe('<slipway-app>', () => {
  it('plans the example named in the address', async () => {
    const devices = await waitFor(devicesOfFirstRun, 'a plan with a RUN');
    expect(devices[0]!.devices).to.deep.equal(['vendor1.com/device=foo']);
    expect(devices[0]!.allowed).to.equal(true);

    const current = deep(app, 'example-list', 'button[aria-current="true"]');
    expect(current?.getAttribute('data-id')).to.equal('cdi-env');
    const spec = editorIn('cdi-spec-editors');
    expect(spec.view!.state.doc.toString()).to.contain('FOO=injected');
  });

  it('re-plans when --allow device is switched off', async () => {
    await waitFor(() => devicesOfFirstRun()?.[0]?.allowed, 'allowed device');
    const box = deep(
      app,
      'build-options-form',
      'input[type="checkbox"]',
    ) as HTMLInputElement;
    expect(box.checked).to.equal(true);
    box.click();

    await waitFor(() => devicesOfFirstRun()?.[0]?.allowed === false, 'refusal');
    const plan = planView().response!.plan!;
    expect(plan.ok).to.equal(false);
    expect(plan.diagnostics.map((d) => d.message).join('\n')).to.contain(
      NOT_ALLOWED,
    );
  });

  it('re-plans on each Dockerfile edit and selects a clicked diagnostic line', async () => {
    await waitFor(devicesOfFirstRun, 'first plan');
    const editor = editorIn('dockerfile-editor');
    paste(editor, 'FROM busybox:1.36\nRUN true\nCOPPY a b\n');

    const item = await waitFor(
      () => deep(app, 'plan-view', 'diagnostic-list', 'li[data-line="3"]'),
      'a diagnostic on line 3',
    );
    expect(item.textContent).to.match(
      /Dockerfile:3: unknown instruction: COPPY/,
    );

    await waitFor(() => marksOn(editor, 3).length > 0, 'a mark on line 3');
    expect(marksOn(editor, 3)).to.deep.equal(['COPPY a b']);

    (item as HTMLElement).click();
    await waitFor(
      () => !editor.view!.state.selection.main.empty,
      'a selection in the editor',
    );
    const { state } = editor.view!;
    const { from, to } = state.selection.main;
    expect(state.sliceDoc(from, to)).to.equal('COPPY a b');
  });

  it('underlines a spec problem in its spec editor, not in the Dockerfile', async () => {
    await waitFor(devicesOfFirstRun, 'first plan');
    const spec = editorIn('cdi-spec-editors');
    const text = spec.view!.state.doc.toString();
    paste(spec, text.replace('kind: "vendor1.com/device"', 'kind: "bad"'));

    await waitFor(() => marksOn(spec, 2).length > 0, 'a mark on line 2');
    expect(marksOn(spec, 2)).to.deep.equal(['kind: "bad"']);
    const dockerfile = editorIn('dockerfile-editor');
    expect(
      dockerfile.shadowRoot!.querySelector('.cm-lintRange-error'),
    ).to.equal(null);
  });

  it("shows the picked example's Dockerfile in the editor", async () => {
    await waitFor(devicesOfFirstRun, 'first plan');
    const editor = editorIn('dockerfile-editor');
    const events: string[] = [];
    app.addEventListener('dockerfile-input', () => events.push('input'));
    const button = deep(
      app,
      'example-list',
      'button[data-id="multi-stage-target"]',
    ) as HTMLButtonElement;
    button.click();

    await waitFor(
      () =>
        editor.view!.state.doc.toString() === app.dockerfile &&
        app.selected === 'multi-stage-target',
      'the new Dockerfile in the editor',
    );
    expect(events).to.deep.equal([]);
  });

  it('loads another example with its options when picked', async () => {
    await waitFor(devicesOfFirstRun, 'first plan');
    const button = deep(
      app,
      'example-list',
      'button[data-id="multi-stage-target"]',
    ) as HTMLButtonElement;
    button.click();

    const target = await waitFor(
      () => planView().response?.plan?.options.target,
      'a plan with a target',
    );
    expect(target).to.equal('build');
    const field = deep(
      app,
      'build-options-form',
      '#target',
    ) as HTMLInputElement;
    expect(field.value).to.equal('build');
    expect(location.hash).to.equal('#example=multi-stage-target');
  });

  it('follows the address when its #example= changes', async () => {
    await waitFor(devicesOfFirstRun, 'first plan');
    location.hash = '#example=multi-stage-target';

    const target = await waitFor(
      () => planView().response?.plan?.options.target,
      'a plan with a target',
    );
    expect(target).to.equal('build');
    const current = deep(app, 'example-list', 'button[aria-current="true"]');
    expect(current?.getAttribute('data-id')).to.equal('multi-stage-target');
  });
});
