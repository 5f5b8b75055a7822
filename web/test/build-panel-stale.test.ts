// The build panel's last output once the Dockerfile changes: marked as from
// an earlier Dockerfile, and gone after Clear. A plan with an error fails at
// once, without a guest, so the test needs no boot.

import { expect } from '@esm-bundle/chai';
import { toBuildOptions } from '../src/options-draft.ts';
import type { V86BuildPanel } from '../src/v86/build-panel.ts';
import '../src/v86/build-panel.ts';
import { fetchExample, planExample, waitFor } from './helpers.ts';

describe('<v86-build-panel> after an edit', function () {
  this.timeout(30000);
  let panel: V86BuildPanel;

  afterEach(() => panel.remove());

  it('marks the last output as from an earlier Dockerfile, and clears it', async () => {
    const example = await fetchExample('multi-stage-builder-stages');
    const dockerfile = 'FROM scratch\nCOPPY a /\n';
    const { plan } = await planExample({ ...example, dockerfile });
    expect(plan!.ok).to.equal(false);

    panel = document.createElement('v86-build-panel');
    panel.config = {
      guestUrl: '/public/guest/',
      imagesUrl: '/public/images/',
      stateDatabase: 'slipway-guest-test',
      imageDatabase: 'slipway-images-test',
    };
    panel.dockerfile = dockerfile;
    panel.options = toBuildOptions(example.draft, example.cdiSpecs);
    panel.plan = plan;
    document.body.append(panel);
    await panel.updateComplete;
    const root = panel.shadowRoot!;
    (root.querySelector('button.primary') as HTMLButtonElement).click();
    await waitFor(() => !panel.running && panel.output, 'the failed build');

    const progress = () => root.querySelector('pre.progress')?.textContent;
    expect(progress()).to.match(/^ERROR: failed to solve: .*COPPY/);
    expect(root.querySelector('p.stale')).to.equal(null);

    // Another example's Dockerfile: the output stays, marked and dimmed.
    panel.dockerfile = example.dockerfile;
    panel.plan = (await planExample(example)).plan;
    await panel.updateComplete;
    expect(root.querySelector('p.stale')?.textContent).to.contain(
      'from a build of an earlier Dockerfile',
    );
    expect(root.querySelector('.last')!.classList.contains('stale')).to.equal(
      true,
    );
    expect(progress()).to.match(/COPPY/);

    // Back to the text that was built: the output is current again.
    panel.dockerfile = dockerfile;
    await panel.updateComplete;
    expect(root.querySelector('p.stale')).to.equal(null);

    panel.options = toBuildOptions(
      { ...example.draft, target: 'build2' },
      example.cdiSpecs,
    );
    await panel.updateComplete;
    (root.querySelector('button.clear-output') as HTMLButtonElement).click();
    await panel.updateComplete;
    expect(progress()).to.equal(undefined);
    expect(root.querySelector('p.stale')).to.equal(null);
    expect(panel.report).to.equal(undefined);
  });
});
