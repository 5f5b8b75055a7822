// Dropping images on the page: an OCI layout (folder and tar) and a docker
// save tar are checked, kept in the image store under their names, listed,
// and a build FROM such a name starts from its files.

import { expect } from '@esm-bundle/chai';
import { clear } from 'idb-keyval';
import type { DroppedItems } from '../src/dropped-files.ts';
import type { ImageDrop } from '../src/image-drop.ts';
import '../src/image-drop.ts';
import { emptyDir, lookup, putNode } from '../src/v86/file-tree.ts';
import { importImages } from '../src/v86/image-import.ts';
import {
  gunzip,
  listImportedImages,
  openImageStore,
} from '../src/v86/image-store.ts';
import { writeTar } from '../src/v86/tar-write.ts';
import { buildWithoutGuest, waitFor } from './helpers.ts';

const DATABASE = 'slipway-images-import-test';
const BUNDLE = '/public/images/busybox/';
const CONFIG_386 =
  'sha256:4d5dd0d3ac1f7dd1bc5928c8d6bbf55d9e3f723588b25100a43b0ffa625dddb4';
const MANIFEST_386 =
  'sha256:dc53c697cda81ace889cccf577093cfbaf72004d2fb5b7037bc9fe8f703c93de';

const encode = (s: string) => new TextEncoder().encode(s);

async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The busybox bundle as a folder a user drops, its index renamed. */
async function layoutFolder(name: string): Promise<DroppedItems> {
  const list = await (await fetch('/public/images/index.json')).json();
  const files = [
    { path: 'mine/oci-layout', data: await fetchBytes(`${BUNDLE}oci-layout`) },
  ];
  const index = JSON.parse(
    new TextDecoder().decode(await fetchBytes(`${BUNDLE}index.json`)),
  );
  index.manifests = [
    {
      ...index.manifests[0],
      annotations: { 'org.opencontainers.image.ref.name': name },
    },
  ];
  files.push({ path: 'mine/index.json', data: encode(JSON.stringify(index)) });
  for (const digest of list.bundles[0].blobs as string[]) {
    const path = `blobs/sha256/${digest.slice(7)}`;
    files.push({ path: `mine/${path}`, data: await fetchBytes(BUNDLE + path) });
  }
  return { label: 'mine', files, folder: true };
}

/** Packs dropped files as one tar file, as `tar -cf` of the folder would. */
function asTar(items: DroppedItems, file: string): DroppedItems {
  const tree = emptyDir();
  for (const f of items.files) {
    const path = items.folder ? f.path.slice(f.path.indexOf('/') + 1) : f.path;
    putNode(tree, path, {
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      data: f.data,
    });
  }
  return {
    label: file,
    files: [{ path: file, data: writeTar(tree) }],
    folder: false,
  };
}

/** A `docker save` tar of the bundle's linux/386 image, the layer unpacked. */
async function dockerSave(repoTag: string, corrupt = false): Promise<File> {
  const manifest = JSON.parse(
    new TextDecoder().decode(
      await fetchBytes(`${BUNDLE}blobs/sha256/${MANIFEST_386.slice(7)}`),
    ),
  );
  const config = await fetchBytes(
    `${BUNDLE}blobs/sha256/${CONFIG_386.slice(7)}`,
  );
  const gz = await fetchBytes(
    `${BUNDLE}blobs/sha256/${manifest.layers[0].digest.slice(7)}`,
  );
  const layer = (await gunzip(gz)).slice();
  if (corrupt) layer[600] = layer[600]! ^ 0xff;
  const tree = emptyDir();
  const put = (path: string, data: Uint8Array) =>
    putNode(tree, path, {
      type: 'file',
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 0,
      data,
    });
  put(`${CONFIG_386.slice(7)}.json`, config);
  put('0a1b2c/layer.tar', layer);
  put('0a1b2c/VERSION', encode('1.0'));
  put(
    'manifest.json',
    encode(
      JSON.stringify([
        {
          Config: `${CONFIG_386.slice(7)}.json`,
          RepoTags: [repoTag],
          Layers: ['0a1b2c/layer.tar'],
        },
      ]),
    ),
  );
  return new File([writeTar(tree) as BlobPart], 'saved.tar');
}

/** Plans for linux/386 and builds in the page; no RUN, so no guest. */
function buildInPage(dockerfile: string) {
  return buildWithoutGuest(dockerfile, DATABASE);
}

describe('dropping images', () => {
  const store = openImageStore(DATABASE);
  let drop: ImageDrop | undefined;

  beforeEach(async () => {
    await clear(store);
  });
  afterEach(() => drop?.remove());

  it('imports an OCI layout folder under its ref name and builds FROM it', async () => {
    const outcome = await importImages(
      await layoutFolder('example.com/team/tools:1'),
      store,
    );
    expect(outcome.format).to.equal('oci-layout');
    expect(outcome.images.map((i) => i.name)).to.deep.equal([
      'example.com/team/tools:1',
    ]);
    expect((await listImportedImages(store)).map((i) => i.name)).to.deep.equal([
      'example.com/team/tools:1',
    ]);

    const result = await buildInPage('FROM example.com/team/tools:1\n');
    expect(result.solve.ok, result.solve.error).to.equal(true);
    expect(lookup(result.targets[0]!.tree, '/bin/busybox')?.node.type).to.equal(
      'file',
    );
  });

  it('imports an OCI layout tar; a ref name that is only a tag names the file', async () => {
    const outcome = await importImages(
      asTar(await layoutFolder('3.19'), 'tools.tar'),
      store,
    );
    expect(outcome.images.map((i) => i.name)).to.deep.equal([
      'docker.io/library/tools:3.19',
    ]);
  });

  it('registers a dropped docker save tar, lists it and builds FROM it', async () => {
    drop = document.createElement('image-drop');
    drop.database = DATABASE;
    document.body.append(drop);
    await drop.updateComplete;

    const transfer = new DataTransfer();
    transfer.items.add(await dockerSave('mine/saved:1'));
    const zone = drop.shadowRoot!.querySelector('drop-zone')!;
    zone.shadowRoot!.querySelector('.zone')!.dispatchEvent(
      new DragEvent('drop', {
        dataTransfer: transfer,
        bubbles: true,
        cancelable: true,
      }),
    );
    const item = await waitFor(
      () =>
        drop!.shadowRoot!.querySelector(
          'li[data-name="docker.io/mine/saved:1"]',
        ),
      'the imported name in the list',
    );
    expect(item.textContent).to.contain('saved.tar');
    expect(drop.error).to.equal('');

    const result = await buildInPage('FROM mine/saved:1\nENV A=1\n');
    expect(result.solve.ok, result.solve.error).to.equal(true);
    expect(lookup(result.targets[0]!.tree, '/bin/busybox')?.node.type).to.equal(
      'file',
    );
  });

  it('refuses a docker save layer that does not match its diff_id, naming the file', async () => {
    const file = await dockerSave('mine/broken:1', true);
    const items = {
      label: 'saved.tar',
      folder: false,
      files: [
        { path: 'saved.tar', data: new Uint8Array(await file.arrayBuffer()) },
      ],
    };
    let message = '';
    await importImages(items, store).catch((e: Error) => (message = e.message));
    expect(message).to.equal(
      'saved.tar/0a1b2c/layer.tar: layer content does not match diff_id sha256:69be51d4ab867599462722031e883936037e2f984079ad6101a59dbb4a1b2660 in 4d5dd0d3ac1f7dd1bc5928c8d6bbf55d9e3f723588b25100a43b0ffa625dddb4.json',
    );
    expect(await listImportedImages(store)).to.deep.equal([]);
  });

  it('refuses a layout blob whose content does not match its digest', async () => {
    const items = await layoutFolder('example.com/bad:1');
    const config = items.files.find((f) =>
      f.path.endsWith(CONFIG_386.slice(7)),
    )!;
    config.data = encode('{"tampered":true}');
    let message = '';
    await importImages(items, store).catch((e: Error) => (message = e.message));
    expect(message).to.equal(
      `mine/blobs/sha256/${CONFIG_386.slice(7)}: content does not match digest ${CONFIG_386}`,
    );
  });

  it('says what it expected for a file that is no image', async () => {
    const items = {
      label: 'notes.txt',
      folder: false,
      files: [{ path: 'notes.txt', data: encode('hello') }],
    };
    let message = '';
    await importImages(items, store).catch((e: Error) => (message = e.message));
    expect(message).to.equal(
      'notes.txt: not a tar archive or an OCI image layout folder',
    );
  });
});
