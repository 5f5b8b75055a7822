// Tiny static Linux executables, one per architecture, that only call
// exit(0). Running one tells whether this host can execute that architecture
// (natively or through a binfmt_misc handler), as BuildKit's worker does.

/** An architecture a probe exists for, as OCI platforms name it. */
export type ProbeArch =
  'amd64' | '386' | 'arm64' | 'arm' | 'riscv64' | 'ppc64le' | 's390x';

interface ProbeSpec {
  bits: 32 | 64;
  littleEndian: boolean;
  machine: number;
  flags: number;
  /** Machine code of `exit(0)`. */
  code: number[];
}

const LE32 = (...words: number[]) =>
  words.flatMap((w) => [
    w & 0xff,
    (w >>> 8) & 0xff,
    (w >>> 16) & 0xff,
    w >>> 24,
  ]);

const PROBES: Record<ProbeArch, ProbeSpec> = {
  // mov eax, 60; xor edi, edi; syscall
  amd64: {
    bits: 64,
    littleEndian: true,
    machine: 62,
    flags: 0,
    code: [0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05],
  },
  // xor ebx, ebx; mov eax, 1; int 0x80
  '386': {
    bits: 32,
    littleEndian: true,
    machine: 3,
    flags: 0,
    code: [0x31, 0xdb, 0xb8, 1, 0, 0, 0, 0xcd, 0x80],
  },
  // mov x0, #0; mov x8, #93; svc #0
  arm64: {
    bits: 64,
    littleEndian: true,
    machine: 183,
    flags: 0,
    code: LE32(0xd2800000, 0xd2800ba8, 0xd4000001),
  },
  // mov r0, #0; mov r7, #1; svc #0 (EABI version 5)
  arm: {
    bits: 32,
    littleEndian: true,
    machine: 40,
    flags: 0x05000000,
    code: LE32(0xe3a00000, 0xe3a07001, 0xef000000),
  },
  // li a0, 0; li a7, 93; ecall
  riscv64: {
    bits: 64,
    littleEndian: true,
    machine: 243,
    flags: 0,
    code: LE32(0x00000513, 0x05d00893, 0x00000073),
  },
  // li r0, 1; li r3, 0; sc (ELF ABI v2)
  ppc64le: {
    bits: 64,
    littleEndian: true,
    machine: 21,
    flags: 2,
    code: LE32(0x38000001, 0x38600000, 0x44000002),
  },
  // lghi %r2, 0; svc 1
  s390x: {
    bits: 64,
    littleEndian: false,
    machine: 22,
    flags: 0,
    code: [0xa7, 0x29, 0, 0, 0x0a, 0x01],
  },
};

const BASE = 0x400000;

/** Returns the probe executable for `arch`: an ELF file that exits with 0. */
export function probeBinary(arch: ProbeArch): Uint8Array {
  const p = PROBES[arch];
  const ehSize = p.bits === 64 ? 64 : 52;
  const phSize = p.bits === 64 ? 56 : 32;
  const codeAt = ehSize + phSize;
  const size = codeAt + p.code.length;
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  const le = p.littleEndian;
  const u16 = (at: number, v: number) => view.setUint16(at, v, le);
  const u32 = (at: number, v: number) => view.setUint32(at, v, le);
  const word = (at: number, v: number) =>
    p.bits === 64 ? view.setBigUint64(at, BigInt(v), le) : u32(at, v);
  const w = p.bits === 64 ? 8 : 4;

  // ELF identification, then the header fields in their fixed order.
  buf.set([0x7f, 0x45, 0x4c, 0x46, p.bits === 64 ? 2 : 1, le ? 1 : 2, 1]);
  u16(16, 2); // ET_EXEC
  u16(18, p.machine);
  u32(20, 1);
  word(24, BASE + codeAt); // entry
  word(24 + w, ehSize); // program headers
  word(24 + 2 * w, 0); // no section headers
  u32(24 + 3 * w, p.flags);
  u16(28 + 3 * w, ehSize);
  u16(30 + 3 * w, phSize);
  u16(32 + 3 * w, 1);
  u16(34 + 3 * w, p.bits === 64 ? 64 : 40);

  // One PT_LOAD of the whole file, readable and executable.
  const ph = ehSize;
  u32(ph, 1);
  if (p.bits === 64) {
    u32(ph + 4, 5);
    word(ph + 8, 0);
    word(ph + 16, BASE);
    word(ph + 24, BASE);
    word(ph + 32, size);
    word(ph + 40, size);
    word(ph + 48, 0x1000);
  } else {
    u32(ph + 4, 0);
    u32(ph + 8, BASE);
    u32(ph + 12, BASE);
    u32(ph + 16, size);
    u32(ph + 20, size);
    u32(ph + 24, 5);
    u32(ph + 28, 0x1000);
  }
  buf.set(p.code, codeAt);
  return buf;
}
