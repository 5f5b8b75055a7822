// <devices-panel> with registries the real planner worker builds: devices
// like `docker buildx inspect` shows them, spec problems with file and line,
// and the panel inside the whole page.

import { expect } from '@esm-bundle/chai';
import type { CdiSpecFile } from '../../core/src/index.ts';
import { createCdiRegistry } from '../../core/src/index.ts';
import type { DevicesPanel } from '../src/devices-panel.ts';
import type { SlipwayApp } from '../src/slipway-app.ts';
import '../src/devices-panel.ts';
import '../src/slipway-app.ts';
import { createPlannerClient } from '../src/planner-client.ts';
import type { RegistrySummary } from '../src/worker/protocol.ts';
import { deep, fetchExample, fetchExampleFiles, waitFor } from './helpers.ts';

async function summaryFor(specs: CdiSpecFile[]): Promise<RegistrySummary> {
  const client = createPlannerClient();
  try {
    const response = await client.api.plan({
      dockerfile: 'FROM busybox:1.36\nRUN true\n',
      options: { cdiSpecs: specs },
    });
    expect(response.failure).to.equal(undefined);
    return response.registry!;
  } finally {
    client.dispose();
  }
}

async function render(summary: RegistrySummary): Promise<DevicesPanel> {
  const panel = document.createElement('devices-panel');
  panel.summary = summary;
  document.body.append(panel);
  await panel.updateComplete;
  const list = panel.shadowRoot!.querySelector('diagnostic-list');
  if (list)
    await (list as unknown as { updateComplete: Promise<void> }).updateComplete;
  return panel;
}

function rows(panel: DevicesPanel): string[][] {
  return [...panel.shadowRoot!.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) =>
      (td.querySelector('code, .badge')?.textContent ?? '').trim(),
    ),
  );
}

const SPEC = (name: string, extra = '') => `cdiVersion: "0.6.0"
kind: vendor.example/gpu
devices:
  - name: ${name}
    containerEdits:
      env: [GPU=${name}]
${extra}`;

afterEach(() => {
  document.body.replaceChildren();
});

describe('<devices-panel>', () => {
  it('lists the auto-allowed device of the cdi-autoallow example', async () => {
    const example = await fetchExample('cdi-autoallow');
    const panel = await render(await summaryFor(example.cdiSpecs));
    expect(rows(panel)).to.deep.equal([
      ['vendor1.com/device=foo', example.cdiSpecs[0]!.path, 'true'],
    ]);
    const annotations = panel.shadowRoot!.querySelector('.annotations');
    expect(annotations?.textContent).to.contain(
      'org.mobyproject.buildkit.device.autoallow: true',
    );
  });

  it('shows every problem of a broken spec with its file and line', async () => {
    const broken = `cdiVersion: "0.6.0"
kind: vendor.example/other
devices:
  - name: a
    containerEdits:
      env: [NOVALUE]
  - name: b-
    containerEdits:
      env: [B=1]
`;
    const summary = await summaryFor([
      { path: '/etc/cdi/gpu.yaml', priority: 0, text: SPEC('g0') },
      { path: '/etc/cdi/broken.yaml', priority: 0, text: broken },
    ]);
    const panel = await render(summary);
    expect(rows(panel).map((r) => r[0])).to.deep.equal([
      'vendor.example/gpu=g0',
    ]);
    const text = panel
      .shadowRoot!.querySelector('diagnostic-list')!
      .shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('/etc/cdi/broken.yaml:6');
    expect(text).to.contain('invalid environment variable "NOVALUE"');
    expect(text).to.contain('/etc/cdi/broken.yaml:7');
    expect(text).to.contain('should end with a letter or digit');
  });

  it('drops a device two files of one directory define, and says so', async () => {
    const summary = await summaryFor([
      { path: '/etc/cdi/a.yaml', priority: 0, text: SPEC('g0') },
      { path: '/etc/cdi/b.yaml', priority: 0, text: SPEC('g0') },
      { path: '/var/run/cdi/c.yaml', priority: 1, text: SPEC('g1') },
    ]);
    expect(summary.devices.map((d) => d.qualifiedName)).to.deep.equal([
      'vendor.example/gpu=g1',
    ]);
    const panel = await render(summary);
    const text =
      panel.shadowRoot!.querySelector('diagnostic-list')!.shadowRoot!
        .textContent!;
    expect(text).to.contain('conflicting device "vendor.example/gpu=g0"');
  });

  it('marks an on-demand kind as buildx does', async () => {
    const registry = createCdiRegistry([], { onDemand: ['nvidia.com/gpu'] });
    const panel = await render({
      devices: registry.devices,
      diagnostics: registry.diagnostics,
    });
    expect(rows(panel)).to.deep.equal([
      ['nvidia.com/gpu', 'installed on demand', 'On-Demand'],
    ]);
  });

  it('says so when no device is registered', async () => {
    const panel = await render(await summaryFor([]));
    expect(panel.shadowRoot!.textContent).to.contain(
      'No CDI devices are registered.',
    );
  });

  it('follows the spec editors in the whole page', async () => {
    history.replaceState(null, '', '#example=cdi-env');
    const app = document.createElement('slipway-app') as SlipwayApp;
    app.files = await fetchExampleFiles();
    document.body.append(app);
    try {
      const first = await waitFor(() => {
        const panel = deep(app, 'devices-panel') as DevicesPanel | null;
        const names = panel?.summary?.devices.map((d) => d.qualifiedName);
        return names?.includes('vendor1.com/device=foo') && panel;
      }, 'the example device');
      expect(rows(first)[0]![2]).to.equal('false');
    } finally {
      app.remove();
      history.replaceState(null, '', location.pathname);
    }
  });
});
