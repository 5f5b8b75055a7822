// The "Use this host's CDI specs" toggle: hidden without a dev server; when
// on, the page plans with the host's files beside the example's, lists them
// under Devices, and re-plans when the server announces new ones.

import { expect } from '@esm-bundle/chai';
import type { CdiSpecFile } from '../../core/src/index.ts';
import {
  getDevHostCdiSource,
  mergeHostCdiSpecs,
  type HostCdiSource,
} from '../src/host-cdi-specs.ts';
import type { PlanView } from '../src/plan-view.ts';
import type { SlipwayApp } from '../src/slipway-app.ts';
import '../src/slipway-app.ts';
import { deep, fetchExampleFiles, waitFor } from './helpers.ts';

const EXAMPLE_FOO = 'vendor1.com/device=foo';

// Defines `bar`, which sorts before the example's `foo`: a kind-only
// request picks it while the host's files are in the plan.
const HOST_BAR: CdiSpecFile = {
  path: '/etc/buildkit/cdi/vendor1.yaml',
  priority: 2,
  text: `cdiVersion: "0.6.0"
kind: "vendor1.com/device"
devices:
  - name: bar
    containerEdits:
      env: ["BAR=host"]
`,
};
const HOST_GPU: CdiSpecFile = {
  path: '/var/run/cdi/gpu.json',
  priority: 1,
  text: JSON.stringify({
    cdiVersion: '0.6.0',
    kind: 'host.example/gpu',
    devices: [{ name: 'gpu0', containerEdits: { env: ['GPU0=1'] } }],
  }),
};

/** A host source the test drives: `push` is the server's change event. */
function hostSource(first: CdiSpecFile[]) {
  const listeners = new Set<(specs: CdiSpecFile[]) => void>();
  const source: HostCdiSource = {
    load: async () => first,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (specs: CdiSpecFile[]) => {
    for (const l of listeners) l(specs);
  };
  return { source, push, listeners };
}

let app: SlipwayApp;

async function openApp(source?: HostCdiSource) {
  history.replaceState(null, '', '#example=cdi-env');
  app = document.createElement('slipway-app');
  app.files = await fetchExampleFiles();
  app.hostCdi = source;
  document.body.append(app);
}

afterEach(() => {
  app.remove();
  history.replaceState(null, '', location.pathname);
});

function firstRunDevices(): string[] | undefined {
  const plan = (deep(app, 'plan-view') as PlanView).response?.plan;
  const run = Object.values(plan?.vertices ?? {}).find((v) => v.kind === 'run');
  if (run?.kind !== 'run' || run.devices.length === 0) return undefined;
  return run.devices[0]!.devices;
}

function toggle(): HTMLInputElement | null {
  return deep(
    app,
    'cdi-spec-editors',
    'input[data-host-cdi]',
  ) as HTMLInputElement | null;
}

function panel(selector: string): Element | null {
  return deep(app, 'devices-panel', selector);
}

describe('host CDI specs', () => {
  it('has no source and no toggle without a dev server', async () => {
    expect(getDevHostCdiSource()).to.equal(undefined);
    await openApp(undefined);
    await waitFor(() => firstRunDevices()?.[0] === EXAMPLE_FOO, 'plan');
    expect(toggle()).to.equal(null);
  });

  it('plans with the host files while on and follows changes', async () => {
    const host = hostSource([HOST_BAR, HOST_GPU]);
    await openApp(host.source);
    await waitFor(() => firstRunDevices()?.[0] === EXAMPLE_FOO, 'plan');
    expect(toggle()!.checked).to.equal(false);
    expect(host.listeners.size).to.equal(0);

    toggle()!.click();
    await waitFor(
      () => firstRunDevices()?.[0] === 'vendor1.com/device=bar',
      'the host device in the plan',
    );
    expect(panel(`li[data-host-spec="${HOST_BAR.path}"]`)).to.not.equal(null);
    const gpu = panel('tr[data-device="host.example/gpu=gpu0"]');
    expect(gpu?.textContent).to.contain(HOST_GPU.path);

    host.push([HOST_GPU]);
    await waitFor(
      () => firstRunDevices()?.[0] === EXAMPLE_FOO,
      'the plan without the removed host file',
    );
    expect(panel(`li[data-host-spec="${HOST_BAR.path}"]`)).to.equal(null);
    expect(panel('tr[data-device="host.example/gpu=gpu0"]')).to.not.equal(null);

    toggle()!.click();
    await waitFor(
      () => !panel('tr[data-device="host.example/gpu=gpu0"]'),
      'the host device gone',
    );
    expect(panel('li[data-host-spec]')).to.equal(null);
    expect(host.listeners.size).to.equal(0);
  });
});

describe('mergeHostCdiSpecs', () => {
  it("lets an editor's file replace the host file at its path", () => {
    const editor = { ...HOST_GPU, text: 'edited' };
    const merged = mergeHostCdiSpecs([editor], [HOST_BAR, HOST_GPU]);
    expect(merged.specs).to.deep.equal([editor, HOST_BAR]);
    expect(merged.hidden).to.deep.equal([HOST_GPU.path]);
  });
});
