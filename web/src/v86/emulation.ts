// Which platforms the i386 guest runs, natively or under QEMU user mode
// (binfmt_misc), and the ELF header patterns that select the emulator.

import {
  formatPlatform,
  normalizePlatform,
  parsePlatform,
} from '../../../core/src/index.ts';

/** The only platform the guest runs natively. */
export const GUEST_PLATFORM = 'linux/386';

/** A binfmt_misc rule: which executables an interpreter runs. */
export interface EmulatorRule {
  /** Rule and interpreter name, e.g. `qemu-x86_64`. */
  name: string;
  /** ELF header bytes to match from offset 0, and the mask applied first. */
  magic: number[];
  mask: number[];
}

const ARM_MASK = [
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff,
];

/**
 * Emulators the guest can use, by normalised platform; public/guest's
 * manifest.json lists their binaries under the same keys.
 */
export const EMULATORS: Record<string, EmulatorRule> = {
  'linux/amd64': {
    name: 'qemu-x86_64',
    // ELF, 64-bit, little endian, version 1; e_type EXEC or DYN; x86-64.
    magic: [
      0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x3e, 0x00,
    ],
    mask: [
      0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xfe, 0x00, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff,
    ],
  },
  // The two ARM rules are those of the package's usr/lib/binfmt.d.
  'linux/arm64': {
    name: 'qemu-aarch64',
    // ELF, 64-bit, little endian, version 1; e_type EXEC or DYN; AArch64.
    magic: [
      0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0xb7, 0x00,
    ],
    mask: ARM_MASK,
  },
  'linux/arm/v7': {
    name: 'qemu-arm',
    // ELF, 32-bit, little endian, version 1; e_type EXEC or DYN; ARM.
    magic: [
      0x7f, 0x45, 0x4c, 0x46, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x28, 0x00,
    ],
    mask: ARM_MASK,
  },
};

/** How the guest runs a platform: natively, emulated, or not at all. */
export function guestSupport(
  platform: string,
): 'native' | 'emulated' | undefined {
  const name = normalizedPlatform(platform);
  if (name === GUEST_PLATFORM) return 'native';
  return name !== undefined && name in EMULATORS ? 'emulated' : undefined;
}

/** Returns the platform in its normalised form (`linux/386`), if valid. */
export function normalizedPlatform(platform: string): string | undefined {
  const parsed = parsePlatform(platform);
  return parsed.ok
    ? formatPlatform(normalizePlatform(parsed.platform))
    : undefined;
}

/**
 * Writes a rule as binfmt_misc's register line: F opens the interpreter now
 * (it works in any root), P keeps argv[0] (busybox applets need it).
 */
export function binfmtRule(rule: EmulatorRule, interpreter: string): string {
  const hex = (bytes: number[]) =>
    bytes.map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  return `:${rule.name}:M::${hex(rule.magic)}:${hex(rule.mask)}:${interpreter}:PF\n`;
}
