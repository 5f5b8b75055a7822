// SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, written for the planner's
// many short inputs: no intermediate byte arrays, one reused message block.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
  0x1f83d9ab, 0x5be0cd19,
];

const HEX_CODES = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const PREFIX = 'sha256:';
/** `sha256:` and the digest as character codes, made one flat string at the end. */
const digits = new Uint16Array(PREFIX.length + 64);
for (let i = 0; i < PREFIX.length; i++) digits[i] = PREFIX.charCodeAt(i);

const state = new Int32Array(8);
const w = new Int32Array(64);
/** The current 64-byte block, filled byte by byte. */
const block = new Uint8Array(64);

/** Returns the lower-case hex SHA-256 digest of `text` encoded as UTF-8. */
export function sha256Hex(text: string): string {
  return sha256Digest(text).slice(PREFIX.length);
}

/** Returns `sha256:<hex>` for `text` encoded as UTF-8, as one flat string. */
export function sha256Digest(text: string): string {
  state.set(INITIAL);
  let filled = 0;
  let total = 0;

  const push = (byte: number) => {
    block[filled++] = byte;
    if (filled === 64) {
      compress();
      filled = 0;
    }
  };

  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      block[filled++] = code;
      if (filled === 64) {
        compress();
        filled = 0;
      }
      total++;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    // A lone surrogate encodes as U+FFFD, as TextEncoder does.
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x800) {
      push(0xc0 | (code >> 6));
      push(0x80 | (code & 0x3f));
      total += 2;
    } else if (code < 0x10000) {
      push(0xe0 | (code >> 12));
      push(0x80 | ((code >> 6) & 0x3f));
      push(0x80 | (code & 0x3f));
      total += 3;
    } else {
      push(0xf0 | (code >> 18));
      push(0x80 | ((code >> 12) & 0x3f));
      push(0x80 | ((code >> 6) & 0x3f));
      push(0x80 | (code & 0x3f));
      total += 4;
    }
  }

  // Padding: 0x80, zeros, then the length in bits as a 64-bit big-endian number.
  push(0x80);
  while (filled !== 56) push(0);
  const bits = total * 8;
  const high = Math.floor(bits / 0x100000000);
  for (const word of [high, bits >>> 0]) {
    push(word >>> 24);
    push((word >>> 16) & 0xff);
    push((word >>> 8) & 0xff);
    push(word & 0xff);
  }

  for (let i = 0; i < 64; i++) {
    const nibble = (state[i >> 3] >>> (28 - (i & 7) * 4)) & 0xf;
    digits[PREFIX.length + i] = HEX_CODES[nibble];
  }
  return String.fromCharCode.apply(null, digits as unknown as number[]);
}

function compress(): void {
  for (let i = 0; i < 16; i++) {
    const j = i * 4;
    w[i] =
      (block[j] << 24) |
      (block[j + 1] << 16) |
      (block[j + 2] << 8) |
      block[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15];
    const b = w[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }

  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let f = state[5];
  let g = state[6];
  let h = state[7];
  for (let i = 0; i < 64; i++) {
    const s1 =
      ((e >>> 6) | (e << 26)) ^
      ((e >>> 11) | (e << 21)) ^
      ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + s1 + ch + K[i] + w[i]) | 0;
    const s0 =
      ((a >>> 2) | (a << 30)) ^
      ((a >>> 13) | (a << 19)) ^
      ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (s0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}
