// The CDI data model (JSON field names as the specification spells them) and
// the part of the OCI runtime spec that CDI edits touch.

import type { Diagnostic } from './diagnostic.ts';

export interface CdiDeviceNode {
  path: string;
  hostPath?: string;
  type?: string;
  major?: number;
  minor?: number;
  fileMode?: number;
  permissions?: string;
  uid?: number;
  gid?: number;
}

export interface CdiMount {
  hostPath: string;
  containerPath: string;
  type?: string;
  options?: string[];
}

export interface CdiHook {
  hookName: string;
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export interface CdiIntelRdt {
  closID?: string;
  l3CacheSchema?: string;
  memBwSchema?: string;
  schemata?: string[];
  enableMonitoring?: boolean;
}

export interface CdiContainerEdits {
  env?: string[];
  deviceNodes?: CdiDeviceNode[];
  hooks?: CdiHook[];
  mounts?: CdiMount[];
  intelRdt?: CdiIntelRdt;
  additionalGids?: number[];
  netDevices?: { hostInterfaceName: string; name: string }[];
}

export interface CdiDevice {
  name: string;
  annotations?: Record<string, string>;
  containerEdits: CdiContainerEdits;
}

export interface CdiSpec {
  cdiVersion: string;
  kind: string;
  annotations?: Record<string, string>;
  devices: CdiDevice[];
  containerEdits?: CdiContainerEdits;
}

/** A spec file handed to core as text; the caller did the reading. */
export interface CdiSpecFile {
  /** The path as shown to users, e.g. `/etc/cdi/vendor.yaml`. */
  path: string;
  /** Index of its directory in the ordered list; higher wins. */
  priority: number;
  text: string;
}

/** One device known to the registry. */
export interface RegisteredDevice {
  /** `vendor.com/class=name`. */
  qualifiedName: string;
  kind: string;
  name: string;
  specPath: string;
  /** True when the spec carries BuildKit's autoallow annotation. */
  autoAllow: boolean;
  /** Class annotation BuildKit matches bare words against, if any. */
  annotations: Record<string, string>;
  /**
   * Set for a kind the daemon can install on demand (BuildKit's nvidia
   * installer): `qualifiedName` is the bare kind and no spec defines it yet.
   */
  onDemand?: boolean;
}

/** The devices known from a set of spec files, with every problem found. */
export interface CdiRegistry {
  specs: { path: string; priority: number; spec: CdiSpec }[];
  devices: RegisteredDevice[];
  /**
   * Spec files that did not load, with the kind and device names they
   * declare when readable.
   */
  rejected?: {
    path: string;
    kind?: string;
    devices?: string[];
    reason: string;
  }[];
  diagnostics: Diagnostic[];
}

/** What the build is entitled to, from `--allow device[=NAME]`. */
export interface DeviceEntitlement {
  /** `--allow device` with no name: every device. */
  all: boolean;
  /** `--allow device=NAME`: these names (qualified or kind). */
  names: string[];
  /** `--allow device=NAME,alias=ALIAS`: a request for ALIAS uses NAME. */
  aliases?: Record<string, string>;
}

/** The result of one `RUN --device` request. */
export interface DeviceResolution {
  request: string;
  required: boolean;
  /** Qualified names injected, sorted. Empty for an optional request that matched nothing. */
  devices: string[];
  allowed: boolean;
  /** Why it is allowed or not, in words. */
  reason: string;
  /** Spec-level edits first, then each device's, in the order they apply. */
  edits: CdiContainerEdits[];
  /** Set when the request fails the build; text as BuildKit prints it. */
  error?: string;
  /** Set when BuildKit only warns (an optional device that is not registered). */
  warning?: string;
}

/** The slice of an OCI runtime spec that CDI edits read and write. */
export interface OciSpec {
  ociVersion?: string;
  process?: {
    terminal?: boolean;
    user?: { uid: number; gid: number; additionalGids?: number[] };
    args?: string[];
    env?: string[];
    cwd?: string;
    rlimits?: { type: string; hard: number; soft: number }[];
    [key: string]: unknown;
  };
  root?: { path: string; readonly?: boolean };
  hostname?: string;
  mounts?: OciMount[];
  hooks?: Partial<Record<OciHookName, OciHook[]>>;
  linux?: {
    devices?: OciLinuxDevice[];
    resources?: {
      devices?: OciDeviceCgroupRule[];
      [key: string]: unknown;
    };
    intelRdt?: Record<string, unknown>;
    namespaces?: { type: string; path?: string }[];
    personality?: { domain: string };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type OciHookName =
  | 'prestart'
  | 'createRuntime'
  | 'createContainer'
  | 'startContainer'
  | 'poststart'
  | 'poststop';

export interface OciHook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciLinuxDevice {
  path: string;
  type: string;
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface OciDeviceCgroupRule {
  allow: boolean;
  type?: string;
  major?: number;
  minor?: number;
  access?: string;
}

/** Facts about a host device node, supplied by the executor (core does no I/O). */
export interface HostDeviceInfo {
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

/** Looks up a host path; `undefined` when it does not exist or is no device. */
export type HostDeviceLookup = (path: string) => HostDeviceInfo | undefined;
