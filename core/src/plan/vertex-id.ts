// Vertex ids: SHA-256 over a compact binary form of an operation's parts,
// written into one reused buffer and hashed by one reused hasher state.

import { sha256 } from '@noble/hashes/sha2';

import type { VertexIdMemo } from './vertex-id-memo.ts';

// Each value starts with a tag; text and lists carry their length first,
// so the form is unambiguous: distinct parts never share bytes.
const STRING = 1;
const DIGEST = 2;
const NUMBER = 3;
const TRUE = 4;
const FALSE = 5;
const NULL = 6;
const ARRAY = 7;
const OBJECT = 8;

const DIGEST_PREFIX = 'sha256:';
const DIGEST_LENGTH = DIGEST_PREFIX.length + 64;
const HEX_CODES = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const KEEP_BYTES = 1 << 16;

const initial = sha256.create();
const hasher = sha256.create();
const digestBytes = new Uint8Array(32);
const idCodes = [...DIGEST_PREFIX.padEnd(DIGEST_LENGTH, '0')].map((c) =>
  c.charCodeAt(0),
);
let buffer = new Uint8Array(KEEP_BYTES);
let at = 0;

/**
 * Hashes an operation given as a fixed-order list of parts (strings,
 * numbers, booleans, null, and arrays or plain records of them) to a
 * `sha256:<hex>` id. Record keys are taken in sorted order and undefined
 * members left out; a part that is itself an id is hashed as its 32 bytes.
 * With a memo, bytes hashed before give their earlier id without hashing.
 */
export function hashParts(
  parts: readonly unknown[],
  memo?: VertexIdMemo,
): string {
  at = 0;
  writeValue(parts);
  const bytes = buffer.subarray(0, at);
  // One large step must not keep its buffer for the rest of the session.
  if (buffer.length > KEEP_BYTES && at < KEEP_BYTES / 2) {
    buffer = new Uint8Array(KEEP_BYTES);
  }
  if (memo === undefined) return hashBytes(bytes);
  return memo.idOf(bytes, hashBytes);
}

function hashBytes(bytes: Uint8Array): string {
  initial._cloneInto(hasher);
  hasher.update(bytes);
  hasher.digestInto(digestBytes);
  return formatId(digestBytes);
}

function writeValue(value: unknown) {
  if (typeof value === 'string') {
    writeString(value);
  } else if (typeof value === 'number') {
    writeTag(NUMBER);
    writeText(JSON.stringify(value));
  } else if (typeof value === 'boolean') {
    writeTag(value ? TRUE : FALSE);
  } else if (Array.isArray(value)) {
    writeTag(ARRAY);
    writeLength(value.length);
    for (const item of value) writeValue(item);
  } else if (value !== null && typeof value === 'object') {
    writeRecord(value as Record<string, unknown>);
  } else {
    writeTag(NULL);
  }
}

function writeRecord(record: Record<string, unknown>) {
  const keys = Object.keys(record);
  sortKeys(keys);
  let count = 0;
  for (const key of keys) if (record[key] !== undefined) count++;
  writeTag(OBJECT);
  writeLength(count);
  for (const key of keys) {
    if (record[key] === undefined) continue;
    writeText(key);
    writeValue(record[key]);
  }
}

// Sorts by UTF-16 code units, as Array.prototype.sort does; records here
// have a handful of keys, where insertion sort allocates nothing.
function sortKeys(keys: string[]) {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
}

function writeString(text: string) {
  if (text.length === DIGEST_LENGTH && text.startsWith(DIGEST_PREFIX)) {
    const start = at;
    writeTag(DIGEST);
    if (writeDigest(text)) return;
    at = start;
  }
  writeTag(STRING);
  writeText(text);
}

// Writes the 32 bytes a lower-case hex digest spells; false if it is not one.
function writeDigest(text: string): boolean {
  reserve(32);
  const bytes = buffer;
  let end = at;
  for (let i = DIGEST_PREFIX.length; i < DIGEST_LENGTH; i += 2) {
    const high = hexValue(text.charCodeAt(i));
    const low = hexValue(text.charCodeAt(i + 1));
    if (high < 0 || low < 0) return false;
    bytes[end++] = (high << 4) | low;
  }
  at = end;
  return true;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * Writes the length in UTF-16 units, then the text as UTF-8, with a lone
 * surrogate written as its own 3-byte form (as WTF-8 does), so that no two
 * strings give the same bytes.
 */
function writeText(text: string) {
  const length = text.length;
  writeLength(length);
  reserve(length * 3);
  // Locals, not the module's variables, inside the loop: this is the hot path.
  const bytes = buffer;
  let end = at;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes[end++] = code;
      continue;
    }
    if (code < 0x800) {
      bytes[end++] = 0xc0 | (code >> 6);
      bytes[end++] = 0x80 | (code & 0x3f);
      continue;
    }
    const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
    if (code >= 0xd800 && code < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
      i++;
      bytes[end++] = 0xf0 | (code >> 18);
      bytes[end++] = 0x80 | ((code >> 12) & 0x3f);
    } else {
      bytes[end++] = 0xe0 | (code >> 12);
    }
    bytes[end++] = 0x80 | ((code >> 6) & 0x3f);
    bytes[end++] = 0x80 | (code & 0x3f);
  }
  at = end;
}

function writeTag(tag: number) {
  reserve(1);
  buffer[at++] = tag;
}

function writeLength(length: number) {
  reserve(5);
  let rest = length;
  while (rest >= 0x80) {
    buffer[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buffer[at++] = rest;
}

function reserve(bytes: number) {
  if (at + bytes <= buffer.length) return;
  let size = buffer.length * 2;
  while (size < at + bytes) size *= 2;
  const grown = new Uint8Array(size);
  grown.set(buffer.subarray(0, at));
  buffer = grown;
}

function formatId(bytes: Uint8Array): string {
  let i = DIGEST_PREFIX.length;
  for (let j = 0; j < bytes.length; j++) {
    idCodes[i++] = HEX_CODES[bytes[j] >> 4];
    idCodes[i++] = HEX_CODES[bytes[j] & 15];
  }
  return String.fromCharCode.apply(null, idCodes);
}
