// Links that reopen the playground's state: the hash round-trips the
// Dockerfile, CDI specs, options and example; `#example=` links still work.

import { expect } from '@esm-bundle/chai';
import type { SlipwayApp } from '../src/slipway-app.ts';
import '../src/slipway-app.ts';
import { createEmptyDraft } from '../src/options-draft.ts';
import {
  decodeState,
  encodeState,
  formatAddress,
  readAddress,
  type SharedState,
} from '../src/share-link.ts';
import { deep, fetchExample, fetchExampleFiles, waitFor } from './helpers.ts';

const EDITED: SharedState = {
  example: 'multi-stage-target',
  dockerfile: 'FROM busybox:1.36 AS build\nRUN echo "héllo ✓" > /x\n',
  specs: [
    {
      path: '/etc/cdi/vendor.yaml',
      priority: 0,
      text: 'cdiVersion: 0.6.0\nkind: vendor1.com/device\ndevices:\n  - name: foo\n',
    },
  ],
  draft: {
    ...createEmptyDraft(),
    target: 'build',
    buildArgs: 'A=1\nB=two words',
    allow: 'device',
    platforms: 'linux/386, linux/amd64',
  },
};

describe('share links', () => {
  it('round-trips a state through the hash', () => {
    const hash = formatAddress(EDITED);
    expect(hash).to.match(/^#example=multi-stage-target&state=[\w-]+$/);
    expect(readAddress(hash)).to.deep.equal({
      example: 'multi-stage-target',
      state: EDITED,
    });
    const big = { ...EDITED, dockerfile: 'RUN true\n'.repeat(5000) };
    expect(decodeState(encodeState(big))).to.deep.equal(big);
  });

  it('names only the example while its state is the one it ships with', () => {
    expect(formatAddress(EDITED, structuredClone(EDITED))).to.equal(
      '#example=multi-stage-target',
    );
    expect(readAddress('#example=cdi-env')).to.deep.equal({
      example: 'cdi-env',
      state: undefined,
    });
  });

  it('ignores a state that does not decode', () => {
    expect(readAddress('#example=cdi-env&state=AAAA')).to.deep.equal({
      example: 'cdi-env',
      state: undefined,
    });
    expect(decodeState('not base64url!')).to.equal(undefined);
  });

  describe('<slipway-app>', () => {
    let app: SlipwayApp;

    afterEach(() => {
      app.remove();
      history.replaceState(null, '', location.pathname);
    });

    async function open(hash: string) {
      history.replaceState(null, '', hash);
      app = document.createElement('slipway-app');
      app.files = await fetchExampleFiles();
      document.body.append(app);
    }

    it('restores everything a link holds', async () => {
      await open(formatAddress(EDITED));
      await waitFor(
        () => app.dockerfile === EDITED.dockerfile,
        'the Dockerfile',
      );
      expect(app.selected).to.equal('multi-stage-target');
      expect(app.specs).to.deep.equal(EDITED.specs);
      expect(app.draft).to.deep.equal(EDITED.draft);
      const plan = await waitFor(() => app.response?.plan, 'a plan');
      expect(plan.options.platforms).to.deep.equal([
        'linux/386',
        'linux/amd64',
      ]);
      expect(plan.options.buildArgs).to.deep.equal({ A: '1', B: 'two words' });
    });

    it('writes each edit into the address and back to #example= when undone', async () => {
      await open('#example=cdi-env');
      const example = await fetchExample('cdi-env');
      await waitFor(() => app.dockerfile === example.dockerfile, 'the example');
      expect(location.hash).to.equal('#example=cdi-env');

      const editor = deep(app, 'dockerfile-editor')!;
      const edit = (text: string) =>
        editor.dispatchEvent(
          new CustomEvent('dockerfile-input', { detail: { text } }),
        );
      edit('FROM busybox:1.36\nRUN echo edited\n');
      const state = readAddress(location.hash).state;
      expect(state?.dockerfile).to.equal(
        'FROM busybox:1.36\nRUN echo edited\n',
      );
      expect(state?.example).to.equal('cdi-env');
      expect(state?.specs).to.deep.equal(example.cdiSpecs);

      edit(example.dockerfile);
      expect(location.hash).to.equal('#example=cdi-env');
    });
  });
});
