// The OCI runtime config a RUN step starts from: namespaces, the usual /proc
// and /dev mounts, Docker's default capabilities and device rules, and
// rlimits no higher than this process may grant.

import fs from 'node:fs';

import type {
  HostDeviceInfo,
  HostDeviceLookup,
  OciSpec,
} from '../../../core/src/index.ts';

const CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** Returns a fresh default spec for a process in `rootfs`. */
export function createDefaultSpec(rootfs: string): OciSpec {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ['/bin/sh'],
      env: [],
      cwd: '/',
      capabilities: {
        bounding: CAPABILITIES,
        effective: CAPABILITIES,
        permitted: CAPABILITIES,
      },
      rlimits: clampRlimits([
        { type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 },
      ]),
      noNewPrivileges: false,
    },
    root: { path: rootfs, readonly: false },
    hostname: 'buildkitsandbox',
    mounts: [
      {
        destination: '/proc',
        type: 'proc',
        source: 'proc',
        options: ['nosuid', 'noexec', 'nodev'],
      },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: [
          'nosuid',
          'noexec',
          'newinstance',
          'ptmxmode=0666',
          'mode=0620',
          'gid=5',
        ],
      },
      {
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
      },
      {
        destination: '/dev/mqueue',
        type: 'mqueue',
        source: 'mqueue',
        options: ['nosuid', 'noexec', 'nodev'],
      },
      {
        destination: '/sys',
        type: 'sysfs',
        source: 'sysfs',
        options: ['nosuid', 'noexec', 'nodev', 'ro'],
      },
    ],
    linux: {
      namespaces: [
        { type: 'pid' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'mount' },
        { type: 'network' },
      ],
      resources: { devices: DEFAULT_DEVICE_RULES.map((r) => ({ ...r })) },
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/proc/scsi',
        '/sys/firmware',
      ],
      readonlyPaths: [
        '/proc/bus',
        '/proc/fs',
        '/proc/irq',
        '/proc/sys',
        '/proc/sysrq-trigger',
      ],
    },
  };
}

/** Deny everything, then allow the nodes every container gets (as runc does). */
const DEFAULT_DEVICE_RULES = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
  { allow: true, type: 'c', major: 136, access: 'rwm' },
];

const LIMIT_NAMES: Record<string, string> = {
  RLIMIT_NOFILE: 'Max open files',
  RLIMIT_NPROC: 'Max processes',
  RLIMIT_CORE: 'Max core file size',
  RLIMIT_MEMLOCK: 'Max locked memory',
  RLIMIT_STACK: 'Max stack size',
};

/**
 * Lowers each rlimit to this process's hard limit: without CAP_SYS_RESOURCE
 * the runtime cannot raise it, and the container fails to start.
 */
export function clampRlimits(
  limits: { type: string; soft: number; hard: number }[],
  procLimits = readProcLimits(),
): { type: string; soft: number; hard: number }[] {
  return limits.map((limit) => {
    const max = procLimits.get(LIMIT_NAMES[limit.type] ?? '');
    if (max === undefined) return limit;
    const hard = Math.min(limit.hard, max);
    return { type: limit.type, hard, soft: Math.min(limit.soft, hard) };
  });
}

let procLimits: Map<string, number> | undefined;

/** Reads hard limits from /proc/self/limits once; `unlimited` is left out. */
function readProcLimits(): Map<string, number> {
  procLimits ??= readLimitsFile();
  return procLimits;
}

function readLimitsFile(): Map<string, number> {
  const limits = new Map<string, number>();
  let text = '';
  try {
    text = fs.readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return limits;
  }
  for (const line of text.split('\n').slice(1)) {
    const [name, , hard] = line.trim().split(/\s{2,}/);
    if (name && hard && /^[0-9]+$/.test(hard)) limits.set(name, Number(hard));
  }
  return limits;
}

/** Looks up a host device node's numbers for CDI edits. */
export const hostDeviceLookup: HostDeviceLookup = (path) => {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    return undefined;
  }
  const type = st.isCharacterDevice()
    ? 'c'
    : st.isBlockDevice()
      ? 'b'
      : st.isFIFO()
        ? 'p'
        : undefined;
  if (!type) return undefined;
  const info: HostDeviceInfo = {
    type,
    major: deviceMajor(st.rdev),
    minor: deviceMinor(st.rdev),
    fileMode: st.mode & 0o777,
    uid: st.uid,
    gid: st.gid,
  };
  return info;
};

/** Returns the major number of a Linux `dev_t`. */
export function deviceMajor(dev: number): number {
  const d = BigInt(dev);
  return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & 0xfffff000n));
}

/** Returns the minor number of a Linux `dev_t`. */
export function deviceMinor(dev: number): number {
  const d = BigInt(dev);
  return Number((d & 0xffn) | ((d >> 12n) & 0xffffff00n));
}
