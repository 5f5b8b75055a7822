// The Build button of the playground: plans the CDI example for linux/386,
// runs it in the v86 guest and shows BuildKit's plain progress and the guest's
// output in the console.

import { expect } from '@esm-bundle/chai';
import type { V86BuildPanel } from '../src/v86/build-panel.ts';
import '../src/v86/build-panel.ts';
import { toBuildOptions } from '../src/options-draft.ts';
import { fetchExample, planExample, waitFor } from './helpers.ts';

describe('<v86-build-panel>', function () {
  // The guest may have to boot (no stored state yet in this browser).
  this.timeout(90000);
  let panel: V86BuildPanel;

  afterEach(() => panel.remove());

  function mount(
    example: Awaited<ReturnType<typeof fetchExample>>,
    plan: V86BuildPanel['plan'],
  ) {
    panel = document.createElement('v86-build-panel');
    panel.config = {
      guestUrl: '/public/guest/',
      imagesUrl: '/public/images/',
      stateDatabase: 'slipway-guest-test',
      imageDatabase: 'slipway-images-test',
    };
    panel.dockerfile = example.dockerfile;
    panel.options = toBuildOptions(example.draft, example.cdiSpecs);
    panel.plan = plan;
    document.body.append(panel);
    return panel.updateComplete;
  }

  it('builds the CDI example for linux/amd64 under QEMU and prints FOO=injected', async () => {
    const example = await fetchExample('cdi-env');
    const { plan } = await planExample(example);
    expect(plan!.platforms.map((p) => p.platform)).to.deep.equal([
      'linux/amd64',
    ]);
    await mount(example, plan);

    const root = panel.shadowRoot!;
    expect(root.querySelector('.emulated')?.textContent).to.contain(
      'QEMU user mode',
    );
    const button = root.querySelector('button.primary') as HTMLButtonElement;
    expect(button.textContent?.trim()).to.equal('Build');
    button.click();

    await waitFor(() => !panel.running && panel.report, 'the build', 85000);
    const output = root.querySelector('pre.progress')?.textContent ?? '';
    expect(panel.report!.ok, output).to.equal(true);
    expect(output).to.match(
      /#\d+ \[1\/2\] FROM docker\.io\/library\/busybox:1\.36@sha256:/,
    );
    expect(output).to.match(/#\d+ \[2\/2\] RUN --device=vendor1\.com\/device/);
    expect(output).to.match(/#\d+ \d+\.\d+ FOO=injected/);
    expect(output).to.match(/#\d+ DONE \d+\.\d+s/);
    expect(root.querySelector('.result summary')?.textContent).to.contain(
      'linux/amd64',
    );

    // The console shows the guest's own output, without the #N prefixes.
    const console_ = root.querySelector('guest-console')!;
    expect(console_.closest('details')!.hidden).to.equal(false);
    const rows = () =>
      [...(console_.shadowRoot!.querySelector('.xterm-rows')?.children ?? [])]
        .map((row) => row.textContent!.replace(/\u00a0/g, ' ').trimEnd())
        .filter((line) => line);
    const lines = await waitFor(
      () => rows().includes('FOO=injected') && rows(),
      'FOO=injected in the console',
    );
    expect(lines[lines.indexOf('FOO=injected') - 1]).to.match(
      /^\[2\/2\] RUN --device=vendor1\.com\/device/,
    );
  });

  it('offers linux/386 for a platform the guest cannot run', async () => {
    const example = await fetchExample('cdi-env');
    const { plan } = await planExample(example, {
      platforms: 'linux/riscv64',
    });
    await mount(example, plan);
    const root = panel.shadowRoot!;
    expect(root.querySelector('.foreign li')?.textContent).to.equal(
      'linux/riscv64: not executed in the browser: its RUN steps run on linux/riscv64, and the guest runs linux/386 (linux/amd64, linux/arm64, linux/arm/v7 under QEMU user mode)',
    );
    const button = root.querySelector('button.primary') as HTMLButtonElement;
    expect(button.textContent?.trim()).to.equal('Build for linux/386');
  });
});
