// The Build button of the playground: plans the CDI example for linux/386,
// runs it in the v86 guest and shows BuildKit's plain progress.

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

  it('builds an amd64 plan for linux/386 and prints FOO=injected', async () => {
    const example = await fetchExample('cdi-env');
    const { plan } = await planExample(example);
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
    await panel.updateComplete;

    const root = panel.shadowRoot!;
    const note = root.querySelector('.foreign')?.textContent ?? '';
    expect(note).to.contain('not executed in the browser');
    const button = root.querySelector('button.primary') as HTMLButtonElement;
    expect(button.textContent?.trim()).to.equal('Build for linux/386');
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
      'linux/386',
    );
  });
});
