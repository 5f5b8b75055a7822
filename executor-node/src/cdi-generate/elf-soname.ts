// Reads a shared library's DT_SONAME from its ELF dynamic section, as Go's
// debug/elf DynString does: the file name when it has none, undefined when
// the file is no ELF.

import { readFileSync } from 'node:fs';
import path from 'node:path';

const SHT_DYNAMIC = 6;
const DT_SONAME = 14;

/** Returns the SONAME of the library at `file`, or undefined when unreadable. */
export function readSoname(file: string): string | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  try {
    const names = dynamicStrings(buf, is64, le);
    if (names === undefined || names.length === 0) return path.basename(file);
    return names.length > 1 ? undefined : names[0];
  } catch {
    return undefined;
  }
}

function dynamicStrings(
  buf: Buffer,
  is64: boolean,
  le: boolean,
): string[] | undefined {
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const word = (o: number) =>
    is64
      ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o))
      : u32(o);

  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      type: u32(at + 4),
      offset: word(at + (is64 ? 0x18 : 0x10)),
      size: word(at + (is64 ? 0x20 : 0x14)),
      link: u32(at + (is64 ? 0x28 : 0x18)),
    };
  };
  let dynamic: ReturnType<typeof section> | undefined;
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type === SHT_DYNAMIC) dynamic = s;
  }
  if (!dynamic) return undefined;

  const strtab = section(dynamic.link);
  const entry = is64 ? 16 : 8;
  const out: string[] = [];
  for (
    let at = dynamic.offset;
    at + entry <= dynamic.offset + dynamic.size;
    at += entry
  ) {
    const tag = word(at);
    if (tag === 0) break;
    if (tag !== DT_SONAME) continue;
    const start = strtab.offset + word(at + entry / 2);
    const end = buf.indexOf(0, start);
    out.push(buf.toString('utf8', start, end < 0 ? undefined : end));
  }
  return out;
}
