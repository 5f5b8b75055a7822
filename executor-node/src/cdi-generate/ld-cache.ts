// Lists the 64-bit libraries in a root's /etc/ld.so.cache (glibc's format,
// with or without the old header in front), the fallback nvidia-ctk uses
// when a library is not in the standard directories.

import { readFileSync } from 'node:fs';
import path from 'node:path';

const OLD_MAGIC = 'ld.so-1.7.0';
const NEW_MAGIC = 'glibc-ld.so.cache1.1';
const ARCH_64 = new Set([0x0300, 0x0a00, 0x0500]);

/** Returns the 64-bit library paths the cache lists, joined onto `root`. */
export function readLdCache(root: string): string[] {
  let buf: Buffer;
  try {
    buf = readFileSync(path.join(root, 'etc/ld.so.cache'));
  } catch {
    return [];
  }
  let start = 0;
  if (buf.toString('latin1', 0, OLD_MAGIC.length) === OLD_MAGIC) {
    const count = buf.readUInt32LE(12);
    start = 16 + count * 12;
    start += (8 - (start % 8)) % 8;
  }
  if (buf.toString('latin1', start, start + NEW_MAGIC.length) !== NEW_MAGIC)
    return [];
  const count = buf.readUInt32LE(start + 20);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = start + 48 + i * 24;
    if (at + 24 > buf.length) break;
    const flags = buf.readInt32LE(at);
    if ((flags & 0x00ff & 0x0001) === 0) continue;
    if (!ARCH_64.has(flags & 0xff00)) continue;
    const value = cString(buf, start + buf.readUInt32LE(at + 8));
    if (!value) continue;
    const full = path.join(root, value);
    if (!out.includes(full)) out.push(full);
  }
  return out;
}

function cString(buf: Buffer, at: number): string {
  if (at >= buf.length) return '';
  const end = buf.indexOf(0, at);
  return buf.toString('utf8', at, end < 0 ? buf.length : end);
}
