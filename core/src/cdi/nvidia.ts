// Assembles the spec `nvidia-ctk cdi generate` writes from facts the executor
// discovered on the host (core does no I/O): spec-wide driver edits, one
// device per GPU and naming strategy, the merged `all` device, and the
// toolkit's clean-up (de-duplication, shared edits lifted, sorting).

import type {
  CdiContainerEdits,
  CdiDevice,
  CdiDeviceNode,
  CdiHook,
  CdiMount,
  CdiSpec,
} from '../model/cdi.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import { validateClassName, validateVendorName } from './names.ts';
import { cleanPath } from '../util/posix-path.ts';
import { addMergedDevice, copy, prune, simplify } from './nvidia-transforms.ts';
import { minimumRequiredVersion } from './version.ts';

/** A file to bind into the container: where it is on the host and inside. */
export interface NvidiaMountFact {
  hostPath: string;
  path: string;
}

/** A driver library, with what its symlink hook needs to know. */
export interface NvidiaLibraryFact extends NvidiaMountFact {
  /** The ELF DT_SONAME (the file name when it has none); unset when unreadable. */
  soname?: string;
  /** Of `soname` and its `.so` link name, those present as symlinks beside it. */
  hostSymlinks?: string[];
}

/** A device node found on the host; numbers are set for a real char device. */
export interface NvidiaDeviceNodeFact {
  path: string;
  hostPath: string;
  major?: number;
  minor?: number;
  /** Permission bits of the host node. */
  fileMode?: number;
  gid?: number;
}

/** One full GPU. */
export interface NvidiaGpuFact {
  index: number;
  uuid?: string;
  /** `/dev/nvidiaN` first, then its DRM nodes. */
  nodes: NvidiaDeviceNodeFact[];
  /** `/dev/dri/by-path` links of its DRM nodes, as `target::link`. */
  byPathLinks?: string[];
}

/** Everything discovery found under the driver root. */
export interface NvidiaHostFacts {
  driverVersion: string;
  /** Directories (inside the container) holding `libcuda.so.<version>`. */
  libcudaDirs: string[];
  /** Version-suffixed driver libraries, then `libnvidia-nvvm70.so.*`. */
  libraries: NvidiaLibraryFact[];
  ipcSockets: NvidiaMountFact[];
  firmware: NvidiaMountFact[];
  binaries: NvidiaMountFact[];
  /** `/dev/nvidia-modeset`, `-uvm-tools`, `-uvm`, `/dev/nvidiactl` that exist. */
  controlNodes: NvidiaDeviceNodeFact[];
  /** Every node the management mode exposes. */
  managementNodes: NvidiaDeviceNodeFact[];
  gpus: NvidiaGpuFact[];
}

/** The `nvidia-ctk cdi generate` options that shape the spec. */
export interface NvidiaSpecOptions {
  vendor?: string;
  class?: string;
  mode?: 'nvml' | 'management';
  hookPath?: string;
  ldconfigPath?: string;
  disabledHooks?: string[];
  enabledHooks?: string[];
  /** `index`, `uuid`, `type-index`; default index and uuid. */
  deviceNameStrategies?: string[];
  /** Adds the merged `all` device; default true. */
  allDevice?: boolean;
  debugLogging?: boolean;
}

/** The generated spec, or the problems that prevented it. */
export interface NvidiaSpecResult {
  spec?: CdiSpec;
  diagnostics: Diagnostic[];
}

const DEFAULT_HOOK_PATH = '/usr/bin/nvidia-cdi-hook';
const HOOK_NAMES = [
  'all',
  'update-application-profile',
  'chmod',
  'create-symlinks',
  'disable-device-node-modification',
  'enable-cuda-compat',
  'update-ldcache',
];
const LIBRARY_MOUNT_OPTIONS = ['ro', 'nosuid', 'nodev', 'rbind', 'rprivate'];
const IPC_MOUNT_OPTIONS = ['nosuid', 'nodev', 'rbind', 'rprivate', 'noexec'];

/** Builds the spec nvidia-ctk would write for these host facts. */
export function buildNvidiaSpec(
  facts: NvidiaHostFacts,
  options: NvidiaSpecOptions = {},
): NvidiaSpecResult {
  const problem = checkOptions(options);
  if (problem) return fail(problem);
  const hooks = createHookFactory(options);
  const mode = options.mode ?? 'nvml';

  const common = commonEdits(facts, hooks, mode);
  common.env = [...(common.env ?? []), 'NVIDIA_VISIBLE_DEVICES=void'];
  const devices =
    mode === 'management'
      ? managementDevices(facts, hooks)
      : gpuDevices(facts, hooks, options);
  if (typeof devices === 'string') return fail(devices);

  const vendor = options.vendor ?? 'nvidia.com';
  const cls = options.class ?? 'gpu';
  const spec: CdiSpec = {
    cdiVersion: '1.1.0',
    kind: `${vendor}/${cls}`,
    devices,
    containerEdits: common,
  };
  simplify(spec);
  if (options.allDevice ?? true) addMergedDevice(spec, 'all');
  spec.cdiVersion = minimumRequiredVersion(spec);
  return { spec: prune(spec), diagnostics: [] };
}

/** Returns the `.so` link name of a library name (`libcuda.so.1` gives `libcuda.so`), or `''`. */
export function soLinkName(name: string): string {
  let current = name;
  for (;;) {
    const dot = current.lastIndexOf('.');
    if (dot <= 0 || current.slice(dot).includes('/')) return '';
    if (current.slice(dot) === '.so') return current;
    current = current.slice(0, dot);
  }
}

type HookFactory = (name: string, args?: string[]) => CdiHook | undefined;

function checkOptions(o: NvidiaSpecOptions): string | undefined {
  const vendorErr = validateVendorName(o.vendor ?? 'nvidia.com');
  if (vendorErr) return `invalid CDI vendor name: ${vendorErr}`;
  const classErr = validateClassName(o.class ?? 'gpu');
  if (classErr) return `invalid CDI class name: ${classErr}`;
  for (const s of o.deviceNameStrategies ?? []) {
    if (!['index', 'uuid', 'type-index'].includes(s))
      return `invalid device name strategy: ${s}`;
  }
  for (const h of [...(o.disabledHooks ?? []), ...(o.enabledHooks ?? [])]) {
    if (!HOOK_NAMES.includes(h)) return `invalid hook name: ${h}`;
  }
  if ((o.enabledHooks ?? []).includes('all'))
    return 'enabling all hooks is not supported';
  return undefined;
}

// nvidia-ctk's hook creator: chmod is off unless enabled, `all` turns every
// hook off unless some are enabled, and link hooks with no links vanish.
function createHookFactory(o: NvidiaSpecOptions): HookFactory {
  const disabled = new Map<string, boolean>();
  for (const h of [...(o.disabledHooks ?? []), 'chmod']) disabled.set(h, true);
  const enabled = o.enabledHooks ?? [];
  if (disabled.get('all') && enabled.length === 0) return () => undefined;
  for (const h of enabled) disabled.set(h, false);

  const path = o.hookPath ?? DEFAULT_HOOK_PATH;
  const base = path.slice(path.lastIndexOf('/') + 1);
  const fixed = base === 'nvidia-ctk' ? [base, 'hook'] : [base];
  return (name, args = []) => {
    const off = disabled.has(name)
      ? disabled.get(name)
      : disabled.get('all') ||
        ((name === 'create-symlinks' || name === 'chmod') && args.length === 0);
    if (off) return undefined;
    return {
      hookName: 'createContainer',
      path,
      args: [...fixed, name, ...hookArgs(name, args, o.ldconfigPath)],
      env: [`NVIDIA_CTK_DEBUG=${o.debugLogging ?? false}`],
    };
  };
}

function hookArgs(name: string, args: string[], ldconfig?: string): string[] {
  switch (name) {
    case 'create-symlinks':
      return args.flatMap((a) => ['--link', a]);
    case 'chmod':
      return ['--mode', '755', ...args.flatMap((a) => ['--path', a])];
    case 'update-ldcache':
      return [
        ...(ldconfig ? ['--ldconfig-path', ldconfig] : []),
        ...args.flatMap((a) => ['--folder', a]),
      ];
    default:
      return args;
  }
}

// Spec-wide edits: control nodes (nvml mode), the driver's libraries,
// sockets, firmware and binaries, and the hooks that go with them.
function commonEdits(
  facts: NvidiaHostFacts,
  hook: HookFactory,
  mode: 'nvml' | 'management',
): CdiContainerEdits {
  const mounts: CdiMount[] = [
    ...mountsOf(facts.libraries, LIBRARY_MOUNT_OPTIONS),
    ...mountsOf(facts.ipcSockets, IPC_MOUNT_OPTIONS),
    ...mountsOf(facts.firmware, LIBRARY_MOUNT_OPTIONS),
    ...mountsOf(facts.binaries, LIBRARY_MOUNT_OPTIONS),
  ];
  const version = facts.driverVersion;
  const hooks = [
    hook('create-symlinks', libraryLinks(facts.libraries)),
    hook(
      'enable-cuda-compat',
      version && !version.includes('*')
        ? [`--host-driver-version=${version}`]
        : [],
    ),
    ldcacheHook(facts.libraries, hook),
    hook('disable-device-node-modification'),
    mode === 'nvml' ? hook('update-application-profile') : undefined,
  ];
  const nodes = mode === 'nvml' ? facts.controlNodes : [];
  const edits = editsFor(nodes, hooks);
  edits.env = [`NVIDIA_CTK_LIBCUDA_DIR=${facts.libcudaDirs.join(':')}`];
  edits.mounts = mounts;
  return edits;
}

function gpuDevices(
  facts: NvidiaHostFacts,
  hook: HookFactory,
  o: NvidiaSpecOptions,
): CdiDevice[] | string {
  const strategies = o.deviceNameStrategies ?? ['index', 'uuid'];
  const out: CdiDevice[] = [];
  for (const gpu of [...facts.gpus].sort((a, b) => a.index - b.index)) {
    const edits = editsFor(gpu.nodes, [
      hook('create-symlinks', gpu.byPathLinks ?? []),
      hook('chmod', permissionFolders(gpu.nodes)),
    ]);
    for (const strategy of strategies) {
      if (strategy === 'uuid' && !gpu.uuid)
        return `failed to get device names: failed to get device UUID: GPU ${gpu.index} has no UUID`;
      const name =
        strategy === 'uuid'
          ? gpu.uuid!
          : `${strategy === 'type-index' ? 'gpu' : ''}${gpu.index}`;
      out.push({ name, containerEdits: copy(edits) });
    }
  }
  if (out.length === 0) return 'no NVIDIA GPUs found';
  return out;
}

function managementDevices(
  facts: NvidiaHostFacts,
  hook: HookFactory,
): CdiDevice[] | string {
  const nodes = facts.managementNodes;
  if (nodes.length === 0) return 'no NVIDIA device nodes found';
  const edits = editsFor(nodes, [hook('chmod', permissionFolders(nodes))]);
  return [{ name: 'all', containerEdits: edits }];
}

// Device nodes as the toolkit writes them: host numbers when the node is a
// real char device, no hostPath when it equals the path, and the node's
// group as an additional GID when only that group may open it.
function editsFor(
  nodes: NvidiaDeviceNodeFact[],
  hooks: (CdiHook | undefined)[],
): CdiContainerEdits {
  const deviceNodes: CdiDeviceNode[] = [];
  const gids: number[] = [];
  for (const n of nodes) {
    const node: CdiDeviceNode = { path: n.path };
    if (n.hostPath !== n.path) node.hostPath = n.hostPath;
    if (n.major !== undefined) {
      if (n.major) node.major = n.major;
      if (n.minor) node.minor = n.minor;
      if (n.fileMode) node.fileMode = n.fileMode;
      node.permissions = 'rwm';
      if (n.gid) node.gid = n.gid;
    }
    deviceNodes.push(node);
    const mode = node.fileMode;
    if (
      node.gid &&
      mode !== undefined &&
      !((mode & 4) !== 0 && (mode & 2) !== 0)
    )
      gids.push(node.gid);
  }
  const edits: CdiContainerEdits = { deviceNodes, additionalGids: gids };
  edits.hooks = hooks.filter((h): h is CdiHook => h !== undefined);
  return edits;
}

function mountsOf(facts: NvidiaMountFact[], options: string[]): CdiMount[] {
  const seen = new Set<string>();
  const out: CdiMount[] = [];
  for (const f of facts) {
    if (seen.has(f.hostPath)) continue;
    seen.add(f.hostPath);
    out.push({
      hostPath: f.hostPath,
      containerPath: f.path,
      options: [...options],
    });
  }
  return out;
}

// The links nvidia-ctk adds beside driver libraries: libcuda.so and friends,
// then SONAME and `.so` links that exist on the host.
function libraryLinks(libraries: NvidiaLibraryFact[]): string[] {
  const links: string[] = [];
  const seenPaths = new Set<string>();
  for (const lib of libraries) {
    if (seenPaths.has(lib.path)) continue;
    seenPaths.add(lib.path);
    const slash = lib.path.lastIndexOf('/');
    const dir = lib.path.slice(0, slash + 1);
    const name = lib.path.slice(slash + 1);
    const found = [...fixedLinks(dir, name), ...dotSoLinks(lib, dir, name)];
    for (const link of found) if (!links.includes(link)) links.push(link);
  }
  return links;
}

function fixedLinks(dir: string, name: string): string[] {
  const join = (f: string) => cleanPath(dir + f);
  if (/^libcuda\.so\.[^/]*\.[^/]*$/.test(name))
    return [`libcuda.so.1::${join('libcuda.so')}`];
  if (/^libGLX_nvidia\.so\.[^/]*\.[^/]*$/.test(name))
    return [`${name}::${join('libGLX_indirect.so.0')}`];
  if (/^libnvidia-opticalflow\.so\.[^/]*\.[^/]*$/.test(name))
    return [`libnvidia-opticalflow.so.1::${join('libnvidia-opticalflow.so')}`];
  return [];
}

function dotSoLinks(
  lib: NvidiaLibraryFact,
  dir: string,
  name: string,
): string[] {
  if (!/^[^/]*\.[^/]*\.[^/]*$/.test(name) || lib.soname === undefined)
    return [];
  const present = new Set(lib.hostSymlinks ?? []);
  const out: string[] = [];
  const soname = lib.soname;
  if (soname !== name && soname !== '' && present.has(soname))
    out.push(`${name}::${cleanPath(dir + soname)}`);
  const target = soname === '' ? name : soname;
  const soLink = soLinkName(target);
  if (soLink !== '' && soLink !== target && present.has(soLink))
    out.push(`${target}::${cleanPath(dir + soLink)}`);
  return out;
}

function ldcacheHook(
  libraries: NvidiaLibraryFact[],
  hook: HookFactory,
): CdiHook | undefined {
  const folders: string[] = [];
  for (const lib of libraries) {
    if (!isLibName(lib.path)) continue;
    const dir = cleanPath(lib.path.slice(0, lib.path.lastIndexOf('/') + 1));
    if (!folders.includes(dir)) folders.push(dir);
  }
  if (folders.length === 0) return undefined;
  return hook('update-ldcache', folders);
}

function isLibName(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!/^lib.+\.so/.test(base)) return false;
  const parts = base.split('.so');
  const last = parts[parts.length - 1]!;
  return parts.length === 1 || last === '' || last.startsWith('.');
}

function permissionFolders(nodes: NvidiaDeviceNodeFact[]): string[] {
  const allowed = ['/dev/dri', '/dev/nvidia-caps'];
  const out: string[] = [];
  for (const n of nodes) {
    const dir = n.path.slice(0, n.path.lastIndexOf('/'));
    if (allowed.includes(dir) && !out.includes(dir)) out.push(dir);
  }
  return out;
}

function fail(message: string): NvidiaSpecResult {
  return {
    diagnostics: [{ code: 'cdi-generate-failed', severity: 'error', message }],
  };
}
