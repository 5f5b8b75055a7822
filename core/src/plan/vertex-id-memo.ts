// Ids of vertices hashed before, found by their encoded bytes: a re-plan
// after an edit meets most of its steps again and need not hash them.

// Two generations: a full current one becomes the previous one, so the ids
// the last plans used stay while older ones go.
const GENERATION_BYTES = 4 << 20;

interface Entry {
  bytes: Uint8Array;
  id: string;
  next: Entry | undefined;
}

/** Remembers the ids of encoded vertex parts (see hashParts). */
export class VertexIdMemo {
  private current = new Map<number, Entry>();
  private previous = new Map<number, Entry>();
  private size = 0;

  /** Returns the id remembered for these bytes, else hashes and remembers. */
  idOf(bytes: Uint8Array, hash: (bytes: Uint8Array) => string): string {
    const key = hashKey(bytes);
    const found = find(this.current.get(key), bytes);
    if (found !== undefined) return found.id;
    const old = find(this.previous.get(key), bytes);
    return this.remember(key, bytes, old?.id ?? hash(bytes));
  }

  private remember(key: number, bytes: Uint8Array, id: string): string {
    if (this.size + bytes.length > GENERATION_BYTES) {
      this.previous = this.current;
      this.current = new Map();
      this.size = 0;
    }
    const next = this.current.get(key);
    this.current.set(key, { bytes: bytes.slice(), id, next });
    this.size += bytes.length + 64;
    return id;
  }
}

function find(entry: Entry | undefined, bytes: Uint8Array): Entry | undefined {
  for (let e = entry; e !== undefined; e = e.next) {
    if (sameBytes(e.bytes, bytes)) return e;
  }
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// FNV-1a over the bytes: a fast 32-bit key, checked in full by sameBytes.
function hashKey(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    hash = Math.imul(hash ^ bytes[i], 0x01000193);
  }
  return hash >>> 0;
}
