// `RUN --security=insecure`: the step gets every capability this process
// holds, no masked or read-only /proc paths, a writable /sys, every device
// allowed, and the usual privileged device nodes (as BuildKit does).

import fs from 'node:fs';

import type { OciLinuxDevice, OciSpec } from '../../../core/src/index.ts';

/** Capability names by bit number (linux/capability.h). */
const CAPABILITY_BITS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

/** Device nodes a privileged step gets outside a user namespace. */
const PRIVILEGED_DEVICES: OciLinuxDevice[] = [
  { path: '/dev/kmsg', type: 'c', major: 1, minor: 11 },
  { path: '/dev/cuse', type: 'c', major: 10, minor: 203 },
  { path: '/dev/fuse', type: 'c', major: 10, minor: 229 },
  { path: '/dev/kvm', type: 'c', major: 10, minor: 232 },
  { path: '/dev/net/tun', type: 'c', major: 10, minor: 200 },
  { path: '/dev/loop-control', type: 'c', major: 10, minor: 237 },
  ...Array.from({ length: 8 }, (_, i) => ({
    path: `/dev/loop${i}`,
    type: 'b',
    major: 7,
    minor: i,
  })),
];

/** Returns the capability names set in a CapEff-style hex mask. */
export function capabilitiesOf(mask: string): string[] {
  const bits = BigInt(`0x${mask.trim() || '0'}`);
  return CAPABILITY_BITS.filter((_, i) => (bits >> BigInt(i)) & 1n);
}

/** Reads this process's effective capabilities (what a step may be given). */
export function currentCapabilities(): string[] {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const mask = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    if (mask) return capabilitiesOf(mask);
  } catch {
    // No /proc: keep the default set.
  }
  return [];
}

/** Turns a default spec into the privileged one `--security=insecure` asks for. */
export function makeInsecure(
  spec: OciSpec,
  caps = currentCapabilities(),
  inUserNamespace = runningInUserNamespace(),
): OciSpec {
  const process = (spec.process ??= {});
  const old = (process.capabilities ?? {}) as Record<string, string[]>;
  const merged = (set: string[] | undefined) => [
    ...new Set([...(set ?? []), ...caps]),
  ];
  process.capabilities = {
    bounding: merged(old.bounding),
    effective: merged(old.effective),
    permitted: merged(old.permitted),
    inheritable: merged(old.inheritable),
    ambient: merged(old.ambient),
  };
  delete process.apparmorProfile;
  const linux = (spec.linux ??= {});
  linux.maskedPaths = [];
  linux.readonlyPaths = [];
  delete linux.seccomp;
  linux.resources = {
    ...linux.resources,
    devices: [
      { allow: true, type: 'c', access: 'rwm' },
      { allow: true, type: 'b', access: 'rwm' },
    ],
  };
  if (!inUserNamespace) {
    const taken = new Set((linux.devices ?? []).map((d) => d.path));
    linux.devices = [
      ...(linux.devices ?? []),
      ...PRIVILEGED_DEVICES.filter((d) => !taken.has(d.path)).map((d) => ({
        ...d,
      })),
    ];
  }
  for (const mount of spec.mounts ?? []) {
    if (mount.type === 'sysfs' || mount.type === 'cgroup') {
      mount.options = (mount.options ?? []).filter((o) => o !== 'ro');
    }
  }
  return spec;
}

/** Tells whether this process runs in a user namespace (uid_map is not the full range). */
function runningInUserNamespace(): boolean {
  try {
    const map = fs.readFileSync('/proc/self/uid_map', 'utf8').trim();
    return !/^0\s+0\s+4294967295$/.test(map);
  } catch {
    return false;
  }
}
