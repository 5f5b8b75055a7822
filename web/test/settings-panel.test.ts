// <settings-panel>: counts and sizes of the guest snapshots and the image
// store in IndexedDB, and the buttons that clear each.

import { expect } from '@esm-bundle/chai';
import { clear, createStore, keys, set } from 'idb-keyval';
import type { SettingsPanel } from '../src/settings-panel.ts';
import '../src/settings-panel.ts';
import { openImageStore, putImportedImage } from '../src/v86/image-store.ts';
import { announceStoreChange } from '../src/store-change.ts';
import { waitFor } from './helpers.ts';

const NAMES = {
  stateDatabase: 'slipway-guest-settings-test',
  imageDatabase: 'slipway-images-settings-test',
};

describe('<settings-panel>', () => {
  const states = createStore(NAMES.stateDatabase, 'states');
  const images = openImageStore(NAMES.imageDatabase);
  let panel: SettingsPanel;

  beforeEach(async () => {
    await clear(states);
    await clear(images);
    await set('state-a', new Uint8Array(3000), states);
    await set('state-b', new Uint8Array(2000), states);
    await set('sha256:aa', new Uint8Array(1500), images);
    await set('sha256:bb', new Uint8Array(500), images);
    await putImportedImage(images, {
      name: 'docker.io/mine/saved:1',
      descriptor: { mediaType: 'x', digest: 'sha256:aa', size: 1500 },
      source: 'saved.tar',
      bytes: 2000,
    });
    panel = document.createElement('settings-panel');
    panel.names = NAMES;
    document.body.append(panel);
  });

  afterEach(() => panel.remove());

  const cell = (name: string) =>
    panel.shadowRoot!.querySelector(`.${name}`)?.textContent?.trim() ?? '';

  it('shows what is stored', async () => {
    await waitFor(() => panel.data, 'the counts');
    await panel.updateComplete;
    expect(cell('snapshots')).to.equal('2 states, 5.0 kB');
    expect(cell('images')).to.equal('1 imported name, 2 blobs, 2.0 kB');
  });

  it('reads the counts again when a change is announced', async () => {
    await waitFor(() => panel.data, 'the counts');
    await set('state-c', new Uint8Array(1000), states);
    announceStoreChange();
    await waitFor(() => panel.data?.snapshots.count === 3, 'three states');
    await panel.updateComplete;
    expect(cell('snapshots')).to.equal('3 states, 6.0 kB');
  });

  it('clears the snapshots, then the images', async () => {
    await waitFor(() => panel.data, 'the counts');
    await panel.updateComplete;
    const button = (name: string) =>
      panel.shadowRoot!.querySelector(`button.${name}`) as HTMLButtonElement;

    button('clear-snapshots').click();
    await waitFor(() => panel.data?.snapshots.count === 0, 'no snapshots');
    expect(await keys(states)).to.deep.equal([]);
    expect((await keys(images)).length).to.equal(3);

    button('clear-images').click();
    await waitFor(() => panel.data?.images.blobs === 0, 'no images');
    expect(await keys(images)).to.deep.equal([]);
    await panel.updateComplete;
    expect(cell('images')).to.equal('0 imported names, 0 blobs, 0 B');
    expect(button('clear-images').disabled).to.equal(true);
  });
});
