// The whole page: pick an example, edit options and the Dockerfile, and
// watch the plan that comes back from the planner worker change.

import { expect } from '@esm-bundle/chai';
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
    const spec = deep(
      app,
      'cdi-spec-editors',
      'textarea',
    ) as HTMLTextAreaElement;
    expect(spec.value).to.contain('FOO=injected');
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
    const editor = deep(
      app,
      'dockerfile-editor',
      'textarea',
    ) as HTMLTextAreaElement;
    editor.value = 'FROM busybox:1.36\nRUN true\nCOPPY a b\n';
    editor.dispatchEvent(new Event('input', { bubbles: true }));

    const item = await waitFor(
      () => deep(app, 'plan-view', 'diagnostic-list', 'li[data-line="3"]'),
      'a diagnostic on line 3',
    );
    expect(item.textContent).to.match(
      /Dockerfile:3: unknown instruction: COPPY/,
    );

    (item as HTMLElement).click();
    await waitFor(
      () => editor.selectionStart !== editor.selectionEnd,
      'a selection in the editor',
    );
    expect(
      editor.value.slice(editor.selectionStart, editor.selectionEnd),
    ).to.equal('COPPY a b');
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
