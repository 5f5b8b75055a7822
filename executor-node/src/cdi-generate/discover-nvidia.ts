// Finds what `nvidia-ctk cdi generate` puts in a spec, under a driver root:
// the driver version and libraries, IPC sockets, GSP firmware, binaries,
// control and per-GPU device nodes. GPUs come from /proc/driver/nvidia (the
// facts NVML would give), else from the /dev/nvidiaN nodes.

import {
  lstatSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type {
  NvidiaDeviceNodeFact,
  NvidiaGpuFact,
  NvidiaHostFacts,
  NvidiaLibraryFact,
  NvidiaMountFact,
} from '../../../core/src/index.ts';
import { soLinkName } from '../../../core/src/index.ts';
import { deviceMajor, deviceMinor } from '../runtime/oci-spec.ts';
import { readSoname } from './elf-soname.ts';
import { glob, matchName } from './glob.ts';
import { readLdCache } from './ld-cache.ts';

/** Where to look; everything defaults to this host. */
export interface NvidiaDiscoveryOptions {
  driverRoot?: string;
  /** Root of `/dev`; default the driver root. */
  devRoot?: string;
  /** Where `driver/nvidia/gpus` lives; default `/proc`. */
  procRoot?: string;
  /** Where `bus/pci/devices` lives; default `/sys`. */
  sysRoot?: string;
  /** The PATH binaries are searched in; default the process's. */
  pathEnv?: string;
}

/** The facts found, and what was looked for but not found. */
export interface NvidiaDiscovery {
  facts: NvidiaHostFacts;
  warnings: string[];
}

const LIBRARY_DIRS = [
  '/',
  '/usr/lib64',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu/nvidia/current',
  '/usr/lib/aarch64-linux-gnu/nvidia/current',
  '/lib64',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/lib/x86_64-linux-gnu/nvidia/current',
  '/lib/aarch64-linux-gnu/nvidia/current',
];
const DEFAULT_PATH = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
];
const BINARIES = [
  'nvidia-smi',
  'nvidia-debugdump',
  'nvidia-persistenced',
  'nvidia-cuda-mps-control',
  'nvidia-cuda-mps-server',
  'nvidia-imex',
  'nvidia-imex-ctl',
];
const CONTROL_NODES = [
  '/dev/nvidia-modeset',
  '/dev/nvidia-uvm-tools',
  '/dev/nvidia-uvm',
  '/dev/nvidiactl',
];
const MANAGEMENT_NODES = [
  '/dev/nvidia*',
  '/dev/nvidia-caps/nvidia-cap*',
  '/dev/nvidia-modeset',
  '/dev/nvidia-uvm-tools',
  '/dev/nvidia-uvm',
  '/dev/nvidiactl',
  '/dev/nvidia-caps-imex-channels/channel*',
];

/** Discovers the NVIDIA driver files and devices under the driver root. */
export function discoverNvidia(
  options: NvidiaDiscoveryOptions = {},
): NvidiaDiscovery {
  const root = realRoot(options.driverRoot ?? '/');
  const devRoot = realRoot(options.devRoot ?? options.driverRoot ?? '/');
  const warnings: string[] = [];
  const rel = (p: string) => relativeTo(root, p);

  const version = driverVersion(root);
  if (version === undefined) {
    throw new Error(
      `failed to determine driver version: no libcuda.so.*.* or libnvidia-ml.so.*.* under ${root}`,
    );
  }
  const libcudaDirs = unique(
    libraryLocate(root, `lib*.so.${version}`).map((p) => rel(path.dirname(p))),
  );
  const driverLibs = (pattern: string, extra: string[] = []) =>
    symlinkLocate(
      root,
      [
        ...libcudaDirs,
        ...extra.flatMap((d) => libcudaDirs.map((l) => path.join(l, d))),
      ],
      pattern,
    );

  const versioned = driverLibs(`*.so.${version}`, ['vdpau']).map(rel);
  const libraries: NvidiaLibraryFact[] = [
    ...versioned.flatMap((p) =>
      fileLocate(root, ['/'], p).map((h) => library(root, h)),
    ),
    ...driverLibs('libnvidia-nvvm70.so.*').map((h) => library(root, h)),
  ];
  if (libraries.length === 0)
    warnings.push(`no libraries for driver ${version}`);

  const mountsFound = (paths: string[], label: string): NvidiaMountFact[] => {
    if (paths.length === 0) warnings.push(`could not locate ${label}`);
    return paths.map((h) => ({ hostPath: h, path: rel(h) }));
  };
  const ipcSockets = [
    ...mountsFound(
      fileLocate(root, ['/run', '/var/run'], '/nvidia-persistenced/socket', 1),
      'nvidia-persistenced socket',
    ),
    ...mountsFound(
      fileLocate(root, ['/run', '/var/run'], '/nvidia-fabricmanager/socket', 1),
      'nvidia-fabricmanager socket',
    ),
    ...mountsFound(
      fileLocate(root, ['/'], '/tmp/nvidia-mps', 1),
      '/tmp/nvidia-mps',
    ),
  ];
  const firmware = mountsFound(
    fileLocate(root, firmwareDirs(), `nvidia/${version}/gsp*.bin`),
    'GSP firmware',
  );
  const binaries = BINARIES.flatMap((name) =>
    mountsFound(
      executableLocate(root, options.pathEnv ?? process.env.PATH ?? '', name),
      name,
    ),
  );

  const nodes = (patterns: string[]) => charDevices(devRoot, patterns);
  const controlNodes = nodes(CONTROL_NODES);
  const managementNodes = nodes(MANAGEMENT_NODES).filter(
    (n) => !/^nvidia-(fs|nvswitch|nvlink)/.test(path.basename(n.hostPath)),
  );
  const gpus = findGpus(devRoot, options, warnings);

  return {
    facts: {
      driverVersion: version,
      libcudaDirs,
      libraries,
      ipcSockets,
      firmware,
      binaries,
      controlNodes,
      managementNodes,
      gpus,
    },
    warnings,
  };
}

function driverVersion(root: string): string | undefined {
  for (const prefix of ['libcuda.so.', 'libnvidia-ml.so.']) {
    const found = libraryLocate(root, `${prefix}*.*`)[0];
    if (found) return path.basename(found).slice(prefix.length) || undefined;
  }
  return undefined;
}

// Standard directories first; the root's ld.so.cache only when they hold
// nothing that matches.
function libraryLocate(root: string, pattern: string): string[] {
  const direct = symlinkLocate(root, LIBRARY_DIRS, pattern);
  if (direct.length > 0) return direct;
  const cached = readLdCache(root).flatMap(resolveChain);
  const matched = cached.filter((p) => matchName(pattern, path.basename(p)));
  return unique(matched.flatMap((p) => realpath(p) ?? []));
}

function symlinkLocate(
  root: string,
  dirs: string[],
  pattern: string,
): string[] {
  return unique(
    fileLocate(root, dirs, pattern).flatMap((p) => realpath(p) ?? []),
  );
}

// Go's file locator: each search prefix under the root in turn, regular
// files (or what they link to) only, up to `count` when given.
function fileLocate(
  root: string,
  dirs: string[],
  pattern: string,
  count = 0,
  accept: (p: string) => boolean = isFile,
): string[] {
  const out: string[] = [];
  for (const prefix of unique(dirs).map((d) => path.join(root, d))) {
    for (const candidate of glob(path.join(prefix, pattern))) {
      if (!accept(candidate)) continue;
      out.push(candidate);
      if (count > 0 && out.length === count) return out;
    }
  }
  return out;
}

// nvidia-ctk looks in the root's PATH directories, then the host's own.
function executableLocate(
  root: string,
  pathEnv: string,
  name: string,
): string[] {
  const dirs = unique([...pathEnv.split(':').filter(Boolean), ...DEFAULT_PATH]);
  const all =
    root === '/' ? dirs : [...dirs.map((d) => path.join(root, d)), ...dirs];
  return fileLocate('/', all, name, 1, isExecutable);
}

function charDevices(
  devRoot: string,
  patterns: string[],
): NvidiaDeviceNodeFact[] {
  const seen = new Set<string>();
  const out: NvidiaDeviceNodeFact[] = [];
  for (const pattern of patterns) {
    for (const hostPath of fileLocate(
      devRoot,
      ['/', '/dev'],
      pattern,
      0,
      isCharDevice,
    )) {
      if (seen.has(hostPath)) continue;
      seen.add(hostPath);
      out.push(deviceNode(hostPath, relativeTo(devRoot, hostPath)));
    }
  }
  return out;
}

function deviceNode(
  hostPath: string,
  containerPath: string,
): NvidiaDeviceNodeFact {
  const st = lstatSync(hostPath);
  return {
    path: containerPath,
    hostPath,
    major: deviceMajor(st.rdev),
    minor: deviceMinor(st.rdev),
    fileMode: st.mode & 0o7777,
    gid: st.gid,
  };
}

// NVML enumerates GPUs in PCI bus order; /proc/driver/nvidia/gpus has one
// folder per GPU named after its bus location.
function findGpus(
  devRoot: string,
  o: NvidiaDiscoveryOptions,
  warnings: string[],
): NvidiaGpuFact[] {
  const procGpus = path.join(o.procRoot ?? '/proc', 'driver/nvidia/gpus');
  const infos = glob(path.join(procGpus, '*/information')).flatMap((f) => {
    const text = readText(f) ?? '';
    const field = (k: string) =>
      new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
    const minor = Number(field('Device Minor'));
    if (!Number.isInteger(minor)) return [];
    const busId = (
      field('Bus Location') ?? path.basename(path.dirname(f))
    ).toLowerCase();
    return [{ minor, busId, uuid: field('GPU UUID') }];
  });
  infos.sort((a, b) => (a.busId < b.busId ? -1 : a.busId > b.busId ? 1 : 0));

  if (infos.length > 0) {
    return infos.map((g, index) =>
      gpu(devRoot, o, index, g.minor, g.uuid, g.busId),
    );
  }
  warnings.push(
    `no GPU information in ${procGpus}; using ${devRoot}/dev/nvidiaN nodes`,
  );
  const minors = glob(path.join(devRoot, 'dev/nvidia*'))
    .filter((p) => /^nvidia\d+$/.test(path.basename(p)) && isCharDevice(p))
    .map((p) => Number(path.basename(p).slice('nvidia'.length)))
    .sort((a, b) => a - b);
  return minors.map((minor, index) => gpu(devRoot, o, index, minor));
}

function gpu(
  devRoot: string,
  o: NvidiaDiscoveryOptions,
  index: number,
  minor: number,
  uuid?: string,
  busId?: string,
): NvidiaGpuFact {
  const drm = busId
    ? glob(
        path.join(o.sysRoot ?? '/sys', 'bus/pci/devices', busId, 'drm/*'),
      ).map((p) => `/dev/dri/${path.basename(p)}`)
    : [];
  const nodes = charDevices(devRoot, [`/dev/nvidia${minor}`, ...drm]);
  const fact: NvidiaGpuFact = { index, nodes };
  if (uuid) fact.uuid = uuid;
  if (busId) fact.byPathLinks = byPathLinks(devRoot, busId, nodes);
  return fact;
}

function byPathLinks(
  devRoot: string,
  busId: string,
  nodes: NvidiaDeviceNodeFact[],
): string[] {
  const selected = new Set(nodes.map((n) => n.hostPath));
  const links: string[] = [];
  for (const kind of ['card', 'render']) {
    const link = path.join(devRoot, `/dev/dri/by-path/pci-${busId}-${kind}`);
    let target: string;
    try {
      target = readlinkSync(link);
    } catch {
      continue;
    }
    const node = path.isAbsolute(target)
      ? target
      : path.join(path.dirname(link), target);
    if (selected.has(node)) links.push(`${target}::${link}`);
  }
  return links;
}

function library(root: string, hostPath: string): NvidiaLibraryFact {
  const fact: NvidiaLibraryFact = {
    hostPath,
    path: relativeTo(root, hostPath),
  };
  const soname = readSoname(hostPath);
  if (soname === undefined) return fact;
  fact.soname = soname;
  const dir = path.dirname(hostPath);
  fact.hostSymlinks = [soname, soLinkName(soname)].filter(
    (n) => n !== '' && isSymlink(path.join(dir, n)),
  );
  return fact;
}

function firmwareDirs(): string[] {
  const release = os.release();
  const custom = readText('/sys/module/firmware_class/parameters/path')?.trim();
  return [
    ...(custom ? [custom] : []),
    path.join('/lib/firmware/updates/', release),
    '/lib/firmware/updates/',
    path.join('/lib/firmware/', release),
    '/lib/firmware/',
  ];
}

function resolveChain(file: string): string[] {
  const chain: string[] = [];
  let current = file;
  while (!chain.includes(current) && chain.length < 64) {
    let target: string;
    try {
      target = lstatSync(current).isSymbolicLink()
        ? readlinkSync(current)
        : current;
    } catch {
      return chain;
    }
    chain.push(current);
    current = path.resolve(path.dirname(current), target);
  }
  return chain;
}

function relativeTo(root: string, p: string): string {
  if (root === '/') return p;
  return p.startsWith(root + '/') ? p.slice(root.length) : p;
}

function realRoot(dir: string): string {
  return realpath(path.resolve(dir)) ?? path.resolve(dir);
}

function realpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function isFile(p: string): boolean {
  try {
    return !statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(p: string): boolean {
  try {
    const st = statSync(p);
    return !st.isDirectory() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function isCharDevice(p: string): boolean {
  try {
    return lstatSync(p).isCharacterDevice();
  } catch {
    return false;
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function unique<T>(list: T[]): T[] {
  return [...new Set(list)];
}
