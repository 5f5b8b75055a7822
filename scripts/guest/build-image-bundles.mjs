// Builds the offline image bundles of the playground in public/images/: the
// busybox image that scripts/setup-images.mjs makes from Debian packages,
// cut down to the platforms the browser guest runs (natively or under QEMU).
// Run as root; cached.
//   node scripts/guest/build-image-bundles.mjs

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../..',
);
const cache =
  process.env.SLIPWAY_GUEST_CACHE ??
  path.join(
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
    'slipway-guest',
  );
const out = path.join(repo, 'public', 'images');

/** Each bundle: a folder in public/images and the platforms it keeps. */
const BUNDLES = [
  {
    name: 'busybox',
    refs: [
      'docker.io/library/busybox:latest',
      'docker.io/library/busybox:1.36',
    ],
    platforms: [
      { os: 'linux', architecture: '386' },
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ],
  },
];

function main() {
  // The same store the CLI gets from scripts/setup-images.mjs, so the image
  // digests in the browser match the CLI's for the same Debian packages.
  const home = path.join(cache, 'slipway-home');
  execFileSync('node', [path.join(repo, 'scripts', 'setup-images.mjs')], {
    env: { ...process.env, SLIPWAY_HOME: home },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const store = path.join(home, 'images');
  const listed = [];
  for (const bundle of BUNDLES) {
    listed.push({ name: bundle.name, blobs: writeBundle(store, bundle) });
  }
  fs.writeFileSync(
    path.join(out, 'index.json'),
    `${JSON.stringify({ bundles: listed }, null, 2)}\n`,
  );
}

function writeBundle(store, bundle) {
  const dir = path.join(out, bundle.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const top = readJson(path.join(store, 'index.json'));
  const manifests = top.manifests.filter((m) =>
    bundle.refs.includes(m.annotations?.['org.opencontainers.image.ref.name']),
  );
  if (manifests.length !== bundle.refs.length) {
    throw new Error(
      `${bundle.name}: the store lacks ${bundle.refs.join(', ')}`,
    );
  }
  const kept = new Set();
  for (const entry of manifests) keep(store, entry, bundle.platforms, kept);
  for (const digest of kept) {
    const hex = digest.slice('sha256:'.length);
    fs.copyFileSync(
      path.join(store, 'blobs', 'sha256', hex),
      path.join(dir, 'blobs', 'sha256', hex),
    );
  }
  fs.writeFileSync(
    path.join(dir, 'oci-layout'),
    JSON.stringify({ imageLayoutVersion: '1.0.0' }),
  );
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    `${JSON.stringify({ schemaVersion: 2, mediaType: top.mediaType, manifests }, null, 2)}\n`,
  );
  const size = [...kept].reduce(
    (sum, d) =>
      sum + fs.statSync(path.join(dir, 'blobs', 'sha256', d.slice(7))).size,
    0,
  );
  console.log(
    `build-image-bundles: ${bundle.name}: ${kept.size} blobs, ${size} bytes`,
  );
  return [...kept].sort();
}

/**
 * Keeps a descriptor's blob and what it points to; of an index, only the
 * manifests of the wanted platforms (the index itself stays whole, so its
 * digest is the CLI's).
 */
function keep(store, descriptor, platforms, kept) {
  const file = path.join(store, 'blobs', 'sha256', descriptor.digest.slice(7));
  const bytes = fs.readFileSync(file);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (digest !== descriptor.digest) throw new Error(`${file}: digest mismatch`);
  kept.add(digest);
  const isIndex = /image\.index|manifest\.list/.test(descriptor.mediaType);
  const isManifest = /image\.manifest|distribution\.manifest\.v2/.test(
    descriptor.mediaType,
  );
  if (!isIndex && !isManifest) return;
  const json = JSON.parse(bytes);
  if (json.manifests) {
    for (const m of json.manifests) {
      const wanted = platforms.some(
        (p) =>
          p.os === m.platform?.os &&
          p.architecture === m.platform?.architecture &&
          (p.variant ?? '') === (m.platform?.variant ?? ''),
      );
      if (wanted) keep(store, m, platforms, kept);
    }
  }
  if (json.config) keep(store, json.config, platforms, kept);
  for (const layer of json.layers ?? []) keep(store, layer, platforms, kept);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

main();
