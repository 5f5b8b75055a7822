// The store reader against a small OCI layout made here: tags, platform
// selection from a nested index, whiteouts, and layers that try to escape.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';

import tar from 'tar-stream';

import { OciImageStore } from './image-store.ts';

type Entry = {
  name: string;
  type?: 'file' | 'directory' | 'symlink';
  linkname?: string;
  text?: string;
};

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    pack.entry(
      {
        name: e.name,
        type: e.type ?? 'file',
        linkname: e.linkname,
        mode: e.type === 'directory' ? 0o755 : 0o644,
      },
      e.text ?? '',
    );
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return zlib.gzipSync(Buffer.concat(chunks));
}

function layout(): {
  dir: string;
  put: (bytes: Buffer | string) => { digest: string; size: number };
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-store-'));
  fs.mkdirSync(path.join(dir, 'blobs/sha256'), { recursive: true });
  const put = (bytes: Buffer | string) => {
    const buf = Buffer.from(bytes);
    const hex = createHash('sha256').update(buf).digest('hex');
    fs.writeFileSync(path.join(dir, 'blobs/sha256', hex), buf);
    return { digest: `sha256:${hex}`, size: buf.length };
  };
  return { dir, put };
}

async function makeStore(layers: Entry[][]) {
  const { dir, put } = layout();
  const layerBlobs: { digest: string; size: number }[] = [];
  for (const entries of layers) layerBlobs.push(put(await tarOf(entries)));
  const manifests = ['amd64', 'arm64'].map((architecture) => {
    const config = put(
      JSON.stringify({
        architecture,
        os: 'linux',
        config: { Env: [`ARCH=${architecture}`], WorkingDir: '/w' },
      }),
    );
    const manifest = put(
      JSON.stringify({
        schemaVersion: 2,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          ...config,
        },
        layers: layerBlobs.map((b) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          ...b,
        })),
      }),
    );
    return {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      platform: {
        os: 'linux',
        architecture,
        ...(architecture === 'arm64' ? { variant: 'v8' } : {}),
      },
    };
  });
  const index = put(JSON.stringify({ schemaVersion: 2, manifests }));
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          ...index,
          annotations: {
            'org.opencontainers.image.ref.name': 'docker.io/library/demo:1.0',
          },
        },
      ],
    }),
  );
  return new OciImageStore(dir);
}

test('resolves a tag per platform from a nested index', async () => {
  const store = await makeStore([[{ name: 'f', text: 'x' }]]);
  const arm = await store.resolve('demo:1.0', 'linux/arm64');
  assert.equal(arm.ref, 'docker.io/library/demo:1.0');
  assert.deepEqual(arm.config.env, ['ARCH=arm64']);
  assert.equal(arm.config.workingDir, '/w');
  assert.equal(store.has('demo:1.0', 'linux/amd64'), true);
  assert.equal(store.has('demo:1.0', 'linux/386'), false);
  assert.equal(store.has('demo', 'linux/amd64'), false);
  await assert.rejects(
    store.resolve('demo:1.0', 'linux/s390x'),
    /failed to resolve source metadata for docker.io\/library\/demo:1.0: no match for platform in manifest: not found/,
  );
  await assert.rejects(
    store.resolve('alpine:3.19', 'linux/amd64'),
    /not found in the built-in image store/,
  );
});

test('applies whiteouts and opaque folders of later layers', async () => {
  const store = await makeStore([
    [
      { name: 'a/', type: 'directory' },
      { name: 'a/x', text: 'x' },
      { name: 'keep', text: 'k' },
      { name: 'gone', text: 'g' },
    ],
    [
      { name: '.wh.gone' },
      { name: 'a/', type: 'directory' },
      { name: 'a/.wh..wh..opq' },
      { name: 'a/z', text: 'z' },
    ],
  ]);
  const image = await store.resolve('demo:1.0', 'linux/amd64');
  const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-unpack-'));
  await store.unpack(image, { key: 'k', handle: rootfs });
  assert.deepEqual(fs.readdirSync(rootfs).sort(), ['a', 'keep']);
  assert.deepEqual(fs.readdirSync(path.join(rootfs, 'a')), ['z']);
});

test('refuses a layer that writes through a symlink out of the root', async () => {
  const store = await makeStore([
    [{ name: 'etc', type: 'symlink', linkname: '/etc' }],
    [{ name: 'etc/slipway-test-escape', text: 'no' }],
  ]);
  const image = await store.resolve('demo:1.0', 'linux/amd64');
  const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-unpack-'));
  await assert.rejects(
    store.unpack(image, { key: 'k', handle: rootfs }),
    /unsafe layer/,
  );
  assert.equal(fs.existsSync('/etc/slipway-test-escape'), false);
});
