// Seeds Slipway's built-in image store with a multi-platform busybox image
// made from Debian's busybox-static packages. Idempotent and cached; run as root.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian architecture to OCI platform. */
const ARCHES = {
  amd64: { architecture: 'amd64' },
  arm64: { architecture: 'arm64', variant: 'v8' },
  i386: { architecture: '386' },
  armhf: { architecture: 'arm', variant: 'v7' },
};
const PACKAGE = 'busybox-static';
const TAGS = ['latest', '1.36'];
const REPOSITORY = 'docker.io/library/busybox';
const PATH_ENV =
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const EPOCH = '1970-01-01T00:00:00Z';
const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

const home = slipwayHome();
const storeDir = path.join(home, 'images');
const cacheDir = path.join(home, 'cache', 'setup-images');
const wanted = parseArches(process.argv.slice(2));

function main() {
  if (process.getuid?.() !== 0) {
    fail('setup-images must run as root (apt-get download, file ownership)');
  }
  log(`store: ${storeDir}`);
  fs.mkdirSync(path.join(storeDir, 'blobs', 'sha256'), { recursive: true });

  const platforms = [];
  const applets = appletList();
  for (const arch of wanted) {
    const deb = fetchDeb(arch);
    if (!deb) continue;
    platforms.push(buildPlatform(arch, deb, applets));
  }
  if (platforms.length === 0) fail('no platform could be built');

  const index = writeJsonBlob({
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: platforms,
  });
  updateTopIndex(index);
  log(`busybox index ${index.digest} (${platforms.length} platforms)`);
  registerBinfmt();
}

function slipwayHome() {
  if (process.env.SLIPWAY_HOME) return path.resolve(process.env.SLIPWAY_HOME);
  const data =
    process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'slipway');
}

function parseArches(args) {
  const i = args.indexOf('--arch');
  const list = i >= 0 ? (args[i + 1]?.split(',') ?? []) : Object.keys(ARCHES);
  for (const arch of list) {
    if (!(arch in ARCHES)) fail(`unknown Debian architecture "${arch}"`);
  }
  return list;
}

/** Downloads the package for one architecture, reusing a cached copy. */
function fetchDeb(arch) {
  const debDir = path.join(cacheDir, 'debs', arch);
  const cached = findDeb(debDir);
  if (cached) {
    log(`${arch}: cached ${path.basename(cached)}`);
    return cached;
  }

  const lists = path.join(cacheDir, 'apt', arch, 'lists');
  const aptCache = path.join(cacheDir, 'apt', arch, 'cache');
  fs.mkdirSync(path.join(lists, 'partial'), { recursive: true });
  fs.mkdirSync(path.join(aptCache, 'archives', 'partial'), { recursive: true });
  fs.mkdirSync(debDir, { recursive: true });
  const aptOptions = [
    '-q',
    `-oAPT::Architecture=${arch}`,
    `-oAPT::Architectures=${arch}`,
    `-oDir::State::Lists=${lists}`,
    `-oDir::Cache=${aptCache}`,
    '-oAPT::Sandbox::User=root',
  ];
  try {
    log(`${arch}: apt-get update (separate lists)`);
    execFileSync('apt-get', [...aptOptions, 'update'], { stdio: 'ignore' });
    log(`${arch}: apt-get download ${PACKAGE}`);
    execFileSync('apt-get', [...aptOptions, 'download', PACKAGE], {
      cwd: debDir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch (error) {
    warn(`${arch}: download failed, skipping this platform (${error.message})`);
    return undefined;
  } finally {
    // The package lists are large and only needed for this one download.
    fs.rmSync(path.join(cacheDir, 'apt', arch), {
      recursive: true,
      force: true,
    });
  }
  return findDeb(debDir);
}

function findDeb(dir) {
  if (!fs.existsSync(dir)) return undefined;
  const name = fs.readdirSync(dir).find((n) => n.endsWith('.deb'));
  return name ? path.join(dir, name) : undefined;
}

/**
 * Lists the applets from the host's busybox-static package: foreign binaries
 * may not run here, and Debian builds every architecture from one config.
 */
function appletList() {
  const deb = fetchDeb(hostDebianArch());
  if (!deb) fail('cannot get the host busybox-static to list its applets');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-applets-'));
  try {
    execFileSync('dpkg-deb', ['-x', deb, dir]);
    const out = execFileSync(path.join(dir, 'bin', 'busybox'), ['--list']);
    return out
      .toString()
      .split('\n')
      .filter((name) => name && name !== 'busybox')
      .sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function hostDebianArch() {
  return execFileSync('dpkg', ['--print-architecture']).toString().trim();
}

/** Builds rootfs, layer, config and manifest for one architecture. */
function buildPlatform(arch, deb, applets) {
  const version = debField(deb, 'Version');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `slipway-${arch}-`));
  try {
    const rootfs = path.join(work, 'rootfs');
    makeRootfs(deb, path.join(work, 'unpacked'), rootfs, applets);
    const layer = makeLayer(rootfs, path.join(work, 'layer.tar'));
    const platform = { os: 'linux', ...ARCHES[arch] };
    const labels = {
      'org.opencontainers.image.title': 'busybox',
      'org.opencontainers.image.source': `debian:${PACKAGE}`,
      'org.opencontainers.image.version': version,
      'dev.slipway.debian.package': `${PACKAGE}=${version}`,
      'dev.slipway.debian.architecture': arch,
    };
    const config = writeJsonBlob({
      created: EPOCH,
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      os: 'linux',
      config: { Env: [PATH_ENV], Cmd: ['sh'], Labels: labels },
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
      history: [
        {
          created: EPOCH,
          created_by: `dpkg-deb -x ${PACKAGE}_${version}_${arch}.deb`,
        },
      ],
    });
    const manifest = writeJsonBlob({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, ...config },
      layers: [{ mediaType: MEDIA.layer, ...layer.blob }],
      annotations: {
        'org.opencontainers.image.version': version,
        'dev.slipway.debian.package': `${PACKAGE}=${version}`,
      },
    });
    log(`${arch}: ${PACKAGE} ${version} -> manifest ${manifest.digest}`);
    return { mediaType: MEDIA.manifest, ...manifest, platform };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function debField(deb, field) {
  return execFileSync('dpkg-deb', ['-f', deb, field]).toString().trim();
}

function makeRootfs(deb, unpacked, rootfs, applets) {
  execFileSync('dpkg-deb', ['-x', deb, unpacked]);
  for (const dir of ['bin', 'dev', 'etc', 'home', 'proc', 'root', 'sys']) {
    fs.mkdirSync(path.join(rootfs, dir), { recursive: true });
  }
  for (const dir of ['tmp', 'var/tmp', 'usr/bin', 'usr/sbin', 'sbin']) {
    fs.mkdirSync(path.join(rootfs, dir), { recursive: true });
  }
  fs.mkdirSync(path.join(rootfs, 'usr/share/doc/busybox-static'), {
    recursive: true,
  });

  fs.copyFileSync(
    path.join(unpacked, 'bin', 'busybox'),
    path.join(rootfs, 'bin', 'busybox'),
  );
  fs.copyFileSync(
    path.join(unpacked, 'usr/share/doc/busybox-static/copyright'),
    path.join(rootfs, 'usr/share/doc/busybox-static/copyright'),
  );
  for (const name of applets) {
    fs.symlinkSync('busybox', path.join(rootfs, 'bin', name));
  }

  writeFile(rootfs, 'etc/passwd', PASSWD, 0o644);
  writeFile(rootfs, 'etc/group', GROUP, 0o644);
  writeFile(rootfs, 'etc/shadow', SHADOW, 0o640);
  execFileSync('chmod', ['-R', 'u=rwX,go=rX', rootfs]);
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  fs.chmodSync(path.join(rootfs, 'etc', 'shadow'), 0o640);
  fs.chmodSync(path.join(rootfs, 'root'), 0o700);
  fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
  fs.chmodSync(path.join(rootfs, 'var', 'tmp'), 0o1777);
}

function writeFile(root, rel, text, mode) {
  fs.writeFileSync(path.join(root, rel), text, { mode });
}

/** Writes a reproducible tar and gzip of the rootfs into the store. */
function makeLayer(rootfs, tarPath) {
  const entries = fs.readdirSync(rootfs).sort();
  execFileSync(
    'tar',
    [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--format=gnu',
      '-C',
      rootfs,
      '-cf',
      tarPath,
      ...entries,
    ],
    { env: { ...process.env, LC_ALL: 'C' } },
  );
  const diffId = sha256(fs.readFileSync(tarPath));
  execFileSync('gzip', ['-n', '-9', tarPath]);
  const blob = writeBlob(fs.readFileSync(`${tarPath}.gz`));
  return { diffId, blob };
}

function sha256(bytes) {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Stores bytes under their digest; returns the descriptor's digest and size. */
function writeBlob(bytes) {
  const digest = sha256(bytes);
  const file = path.join(storeDir, 'blobs', 'sha256', digest.slice(7));
  if (!fs.existsSync(file)) atomicWrite(file, bytes);
  return { digest, size: bytes.length };
}

function writeJsonBlob(value) {
  return writeBlob(Buffer.from(JSON.stringify(value)));
}

function atomicWrite(file, bytes) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

/** Points this image's tags at the new index, keeping other images. */
function updateTopIndex(index) {
  const file = path.join(storeDir, 'index.json');
  const names = new Set(TAGS.map((tag) => `${REPOSITORY}:${tag}`));
  const current = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf8'))
    : { schemaVersion: 2, mediaType: MEDIA.index, manifests: [] };
  const kept = current.manifests.filter(
    (m) => !names.has(m.annotations?.['org.opencontainers.image.ref.name']),
  );
  const ours = [...names].map((name) => ({
    mediaType: MEDIA.index,
    ...index,
    annotations: {
      'io.containerd.image.name': name,
      'org.opencontainers.image.ref.name': name,
    },
  }));
  atomicWrite(
    path.join(storeDir, 'oci-layout'),
    JSON.stringify({ imageLayoutVersion: '1.0.0' }),
  );
  atomicWrite(
    file,
    JSON.stringify({ ...current, manifests: [...kept, ...ours] }, null, 2),
  );
}

/** Registers QEMU user emulation when binfmt_misc can be used; never fatal. */
function registerBinfmt() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  try {
    execFileSync('sh', [path.join(here, 'setup-binfmt.sh')], {
      stdio: 'inherit',
    });
  } catch {
    warn('binfmt registration failed; foreign-platform RUN steps will fail');
  }
}

function log(message) {
  process.stdout.write(`setup-images: ${message}\n`);
}

function warn(message) {
  process.stderr.write(`setup-images: warning: ${message}\n`);
}

function fail(message) {
  process.stderr.write(`setup-images: error: ${message}\n`);
  process.exit(1);
}

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;
const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
tty:x:5:
wheel:x:10:root
www-data:x:33:
users:x:100:
nogroup:x:65534:
`;
const SHADOW = `root:*::0:::::
daemon:*::0:::::
bin:*::0:::::
sys:*::0:::::
www-data:*::0:::::
nobody:*::0:::::
`;

main();
