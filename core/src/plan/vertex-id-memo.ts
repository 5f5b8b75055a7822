// Ids of vertices hashed before, found by their encoded bytes: a re-plan
// after an edit meets most of its steps again and need not hash them.

// Two generations, each with the bytes of its entries in one block: a full
// current one becomes the previous one, so the ids the last plans used stay
// while older ones go.
const GENERATION_BYTES = 1 << 20;

interface Entry {
  start: number;
  length: number;
  id: string;
  next: Entry | undefined;
}

interface Generation {
  entries: Map<number, Entry>;
  bytes: Uint8Array;
  used: number;
}

/** Remembers the ids of encoded vertex parts (see hashParts). */
export class VertexIdMemo {
  private current = createGeneration();
  private previous = createGeneration();

  /** Returns the id remembered for these bytes, else hashes and remembers. */
  idOf(bytes: Uint8Array, hash: (bytes: Uint8Array) => string): string {
    const key = hashKey(bytes);
    const found = find(this.current, key, bytes);
    if (found !== undefined) return found.id;
    const id = find(this.previous, key, bytes)?.id ?? hash(bytes);
    // Larger than a generation: hashed each time, never remembered.
    if (bytes.length > GENERATION_BYTES / 4) return id;
    if (this.current.used + bytes.length > GENERATION_BYTES) {
      this.previous = this.current;
      this.current = createGeneration();
    }
    const generation = this.current;
    const start = generation.used;
    generation.bytes.set(bytes, start);
    generation.used += bytes.length;
    const next = generation.entries.get(key);
    generation.entries.set(key, { start, length: bytes.length, id, next });
    return id;
  }
}

function createGeneration(): Generation {
  return {
    entries: new Map(),
    bytes: new Uint8Array(GENERATION_BYTES),
    used: 0,
  };
}

function find(
  generation: Generation,
  key: number,
  bytes: Uint8Array,
): Entry | undefined {
  const stored = generation.bytes;
  const length = bytes.length;
  for (let e = generation.entries.get(key); e !== undefined; e = e.next) {
    if (e.length !== length) continue;
    let i = 0;
    const start = e.start;
    while (i < length && stored[start + i] === bytes[i]) i++;
    if (i === length) return e;
  }
  return undefined;
}

// FNV-1a over the bytes: a fast 32-bit key, checked in full by find.
function hashKey(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    hash = Math.imul(hash ^ bytes[i], 0x01000193);
  }
  return hash >>> 0;
}
