// Builds the test fixture images and, given a registry, pushes them there:
// debian:bookworm-slim from debootstrap, and busybox-based stand-ins for the
// other names the shared cases use, labelled as test fixtures. Run as root.
// Usage: node scripts/seed-test-registry.mjs [--registry HOST:PORT]
//        [--debian-arch amd64,arm64] [--no-debian]
// Debian is amd64 only unless --debian-arch names arm64 (or it is cached).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};
const FIXTURE_LABEL = 'org.slipway.test-fixture';
const LACKS_LABEL = 'org.slipway.test-fixture.lacks';
const LACKS_TEXT_LABEL = 'org.slipway.test-fixture.lacks-description';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const DEBIAN_ARCHES = {
  amd64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64', variant: 'v8' },
};
const PATH_ENV =
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The stand-ins: name, tag, and the tool a real image has that busybox lacks. */
const STAND_INS = [
  { name: 'alpine', tag: '3.19' },
  { name: 'alpine', tag: 'latest' },
  { name: 'ubuntu', tag: 'latest' },
  { name: 'ubuntu', tag: '24.04' },
  { name: 'golang', tag: 'alpine', lacks: 'go', lacksText: 'Go toolchain' },
  { name: 'rust', tag: 'alpine', lacks: 'rustc', lacksText: 'Rust toolchain' },
];

const home = slipwayHome();
const builtin = path.join(home, 'images');
const fixtures = path.join(home, 'fixtures');
const layout = path.join(fixtures, 'layout');
const args = parseArgs(process.argv.slice(2));

function main() {
  if (process.getuid?.() !== 0) fail('must run as root (debootstrap, chroot)');
  if (!fs.existsSync(path.join(builtin, 'index.json'))) {
    fail(`no built-in store at ${builtin}: run scripts/setup-images.sh first`);
  }
  fs.mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFile(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');

  const refs = [];
  for (const standIn of STAND_INS) refs.push(writeStandIn(standIn));
  if (args.debian) refs.push(writeDebian(args.debianArches));
  writeTopIndex(refs);

  if (args.registry) {
    for (const ref of refs) push(ref.name, args.registry);
  }
}

/** A busybox image (every built-in platform) relabelled under another name. */
function writeStandIn({ name, tag, lacks, lacksText }) {
  const busybox = readBuiltinIndex('docker.io/library/busybox:latest');
  const manifests = busybox.manifests.map((entry) => {
    const manifest = readJson(builtin, entry.digest);
    const config = readJson(builtin, manifest.config.digest);
    for (const layer of manifest.layers) copyBlob(layer.digest);
    const labels = {
      [FIXTURE_LABEL]: 'true',
      'org.opencontainers.image.title': `${name}:${tag} test stand-in (busybox)`,
      'org.opencontainers.image.description':
        'busybox labelled as a stand-in for tests; not the real image',
    };
    if (lacks) {
      labels[LACKS_LABEL] = lacks;
      labels[LACKS_TEXT_LABEL] = lacksText;
    }
    const ownConfig = {
      ...config,
      config: {
        ...config.config,
        Labels: { ...config.config.Labels, ...labels },
      },
    };
    const configDesc = writeJson(ownConfig);
    const manifestDesc = writeJson({
      ...manifest,
      config: { mediaType: MEDIA.config, ...configDesc },
      annotations: { [FIXTURE_LABEL]: 'true' },
    });
    return {
      mediaType: MEDIA.manifest,
      ...manifestDesc,
      platform: entry.platform,
    };
  });
  const index = writeJson({
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests,
  });
  log(
    `${name}:${tag} stand-in ${index.digest} (${manifests.length} platforms)`,
  );
  return { name: `docker.io/library/${name}:${tag}`, index };
}

/** debian:bookworm-slim from debootstrap, one cached root filesystem per architecture. */
function writeDebian(arches) {
  const manifests = [];
  for (const arch of arches) {
    const layer = debianLayer(arch);
    const platform = { os: 'linux', ...DEBIAN_ARCHES[arch] };
    const config = writeJson({
      created: '1970-01-01T00:00:00Z',
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      os: 'linux',
      config: {
        Env: [PATH_ENV],
        Cmd: ['bash'],
        Labels: {
          [FIXTURE_LABEL]: 'true',
          'org.opencontainers.image.title':
            'debian:bookworm-slim test fixture (debootstrap --variant=minbase)',
        },
      },
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [
        {
          created: '1970-01-01T00:00:00Z',
          created_by: `debootstrap --variant=minbase --arch=${arch} bookworm`,
        },
      ],
    });
    const manifest = writeJson({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, ...config },
      layers: [{ mediaType: MEDIA.layer, ...layer.blob }],
      annotations: { [FIXTURE_LABEL]: 'true' },
    });
    manifests.push({ mediaType: MEDIA.manifest, ...manifest, platform });
  }
  const index = writeJson({
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests,
  });
  log(`debian:bookworm-slim ${index.digest} (${arches.join(', ')})`);
  return { name: 'docker.io/library/debian:bookworm-slim', index };
}

/** Returns the layer of one architecture, running debootstrap only when not cached. */
function debianLayer(arch) {
  const cache = path.join(fixtures, 'debian', arch);
  const meta = path.join(cache, 'layer.json');
  if (fs.existsSync(meta)) {
    const cached = JSON.parse(fs.readFileSync(meta, 'utf8'));
    if (fs.existsSync(blobPath(layout, cached.blob.digest))) {
      log(`debian ${arch}: cached ${cached.blob.digest}`);
      return cached;
    }
  }

  const work = fs.mkdtempSync(
    path.join(os.tmpdir(), `slipway-debian-${arch}-`),
  );
  const rootfs = path.join(work, 'rootfs');
  try {
    const started = Date.now();
    debootstrap(arch, rootfs);
    slim(rootfs);
    const tar = path.join(work, 'layer.tar');
    execFileSync('tar', [
      '--sort=name',
      '--numeric-owner',
      '--xattrs',
      '--xattrs-include=*',
      '--format=posix',
      '-C',
      rootfs,
      '-cf',
      tar,
      '.',
    ]);
    const diffId = sha256File(tar);
    execFileSync('gzip', ['-n', '-6', tar]);
    const blob = storeFile(`${tar}.gz`);
    const layer = { diffId, blob };
    fs.mkdirSync(cache, { recursive: true });
    writeFile(meta, JSON.stringify(layer));
    log(
      `debian ${arch}: built in ${((Date.now() - started) / 1000).toFixed(0)} s, ${blob.digest}`,
    );
    return layer;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function debootstrap(arch, rootfs) {
  const native = hostDebianArch() === arch;
  const common = ['--variant=minbase', `--arch=${arch}`];
  log(
    `debian ${arch}: debootstrap${native ? '' : ' --foreign, then the second stage under QEMU'}`,
  );
  if (native) {
    execFileSync(
      'debootstrap',
      [...common, 'bookworm', rootfs, DEBIAN_MIRROR],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    return;
  }
  execFileSync(
    'debootstrap',
    [...common, '--foreign', 'bookworm', rootfs, DEBIAN_MIRROR],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  // binfmt_misc with the F flag runs the foreign second stage in the chroot.
  execFileSync(
    'chroot',
    [rootfs, '/debootstrap/debootstrap', '--second-stage'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

/** Removes what Docker's slim images leave out, and apt's caches. */
function slim(rootfs) {
  for (const dir of [
    'usr/share/doc',
    'usr/share/man',
    'usr/share/info',
    'var/cache/apt',
    'var/lib/apt/lists',
  ]) {
    const full = path.join(rootfs, dir);
    if (!fs.existsSync(full)) continue;
    for (const name of fs.readdirSync(full)) {
      fs.rmSync(path.join(full, name), { recursive: true, force: true });
    }
  }
  const locales = path.join(rootfs, 'usr/share/locale');
  if (fs.existsSync(locales)) {
    for (const name of fs.readdirSync(locales)) {
      if (name !== 'locale.alias')
        fs.rmSync(path.join(locales, name), { recursive: true, force: true });
    }
  }
  for (const file of ['etc/hostname', 'etc/resolv.conf']) {
    fs.rmSync(path.join(rootfs, file), { force: true });
  }
}

function readBuiltinIndex(name) {
  const top = JSON.parse(
    fs.readFileSync(path.join(builtin, 'index.json'), 'utf8'),
  );
  const entry = top.manifests.find(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] === name,
  );
  if (!entry) fail(`${name} is not in the built-in store`);
  return readJson(builtin, entry.digest);
}

/** Points each fixture name at its index in the layout's index.json. */
function writeTopIndex(refs) {
  const manifests = refs.map(({ name, index }) => ({
    mediaType: MEDIA.index,
    ...index,
    annotations: { 'org.opencontainers.image.ref.name': name },
  }));
  writeFile(
    path.join(layout, 'index.json'),
    JSON.stringify(
      { schemaVersion: 2, mediaType: MEDIA.index, manifests },
      null,
      2,
    ),
  );
}

function push(name, registry) {
  const repository = name.replace(/^docker\.io\//, '');
  const started = Date.now();
  execFileSync(
    'skopeo',
    [
      '--insecure-policy',
      'copy',
      '--all',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${layout}:${name}`,
      `docker://${registry}/${repository}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  log(`pushed ${registry}/${repository} in ${Date.now() - started} ms`);
}

function copyBlob(digest) {
  const to = blobPath(layout, digest);
  if (!fs.existsSync(to)) atomicCopy(blobPath(builtin, digest), to);
}

function storeFile(file) {
  const digest = sha256File(file);
  const to = blobPath(layout, digest);
  if (!fs.existsSync(to)) atomicCopy(file, to);
  return { digest, size: fs.statSync(file).size };
}

function writeJson(value) {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const to = blobPath(layout, digest);
  if (!fs.existsSync(to)) writeFile(to, bytes);
  return { digest, size: bytes.length };
}

function readJson(dir, digest) {
  return JSON.parse(fs.readFileSync(blobPath(dir, digest), 'utf8'));
}

function blobPath(dir, digest) {
  return path.join(dir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
}

function sha256File(file) {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let n;
  while ((n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) {
    hash.update(buffer.subarray(0, n));
  }
  fs.closeSync(fd);
  return `sha256:${hash.digest('hex')}`;
}

/** Writes through a temporary file and a rename, so readers never see half. */
function writeFile(file, bytes) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

function atomicCopy(from, to) {
  const tmp = `${to}.tmp-${process.pid}`;
  fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, to);
}

function hostDebianArch() {
  return execFileSync('dpkg', ['--print-architecture']).toString().trim();
}

function slipwayHome() {
  if (process.env.SLIPWAY_HOME) return path.resolve(process.env.SLIPWAY_HOME);
  const data =
    process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'slipway');
}

function parseArgs(list) {
  const value = (flag) => {
    const i = list.indexOf(flag);
    return i >= 0 ? list[i + 1] : undefined;
  };
  // arm64 takes about five minutes under QEMU, so it is built only when
  // asked for; once cached it is always included.
  const arches = value('--debian-arch')?.split(',') ?? [
    'amd64',
    ...(fs.existsSync(path.join(fixtures, 'debian', 'arm64', 'layer.json'))
      ? ['arm64']
      : []),
  ];
  for (const arch of arches) {
    if (!(arch in DEBIAN_ARCHES)) fail(`unknown Debian architecture "${arch}"`);
  }
  return {
    registry: value('--registry'),
    debian: !list.includes('--no-debian'),
    debianArches: arches,
  };
}

function log(message) {
  process.stdout.write(`seed-test-registry: ${message}\n`);
}

function fail(message) {
  process.stderr.write(`seed-test-registry: error: ${message}\n`);
  process.exit(1);
}

main();
