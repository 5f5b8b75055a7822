// A content-addressed blob store on disk (`blobs/sha256/<hex>`): every write
// lands in a private temporary file, is checked against its digest, and is
// renamed into place, so readers never see a partial blob and two builds
// writing the same blob at once both succeed.

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A digest that did not match the content it names. */
export class DigestMismatchError extends Error {}

/** An open write of one blob: feed chunks, then commit or discard. */
export interface BlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Checks the digest (and size, when known) and moves the blob into place. */
  commit(): Promise<string>;
  discard(): void;
}

/** Keeps blobs under `dir/blobs/<algorithm>/<hex>`. */
export class ContentStore {
  constructor(readonly dir: string) {}

  /** Returns where a blob lives (whether or not it is there). */
  path(digest: string): string {
    const { algorithm, hex } = splitDigest(digest);
    return path.join(this.dir, 'blobs', algorithm, hex);
  }

  /** Reports whether the blob is stored. */
  has(digest: string): boolean {
    return fs.existsSync(this.path(digest));
  }

  /** Reads a stored blob. */
  read(digest: string): Buffer {
    return fs.readFileSync(this.path(digest));
  }

  /** Removes temporary files left by processes that are gone. */
  removeAbandoned(): void {
    const ingest = path.join(this.dir, 'ingest');
    let names: string[];
    try {
      names = fs.readdirSync(ingest);
    } catch {
      return;
    }
    for (const name of names) {
      const pid = Number(name.split('-')[0]);
      if (Number.isInteger(pid) && !isAlive(pid)) {
        fs.rmSync(path.join(ingest, name), { force: true });
      }
    }
  }

  /** Stores bytes under their digest, refusing them if `expected` differs. */
  async put(bytes: Uint8Array, expected?: string): Promise<string> {
    const writer = this.writer(expected);
    await writer.write(bytes);
    return writer.commit();
  }

  /** Starts writing a blob whose digest, if given, must come out as `expected`. */
  writer(expected?: string, size?: number): BlobWriter {
    if (expected !== undefined) splitDigest(expected);
    const ingest = path.join(this.dir, 'ingest');
    fs.mkdirSync(ingest, { recursive: true });
    const temp = path.join(
      ingest,
      `${process.pid}-${randomBytes(6).toString('hex')}`,
    );
    const fd = fs.openSync(temp, 'wx', 0o644);
    const hash = createHash('sha256');
    let written = 0;
    let open = true;

    const close = () => {
      if (open) fs.closeSync(fd);
      open = false;
    };
    return {
      write: async (chunk) => {
        hash.update(chunk);
        written += chunk.byteLength;
        await writeAll(fd, chunk);
      },
      commit: async () => {
        close();
        const digest = `sha256:${hash.digest('hex')}`;
        if (
          (expected !== undefined && digest !== expected) ||
          (size !== undefined && written !== size)
        ) {
          fs.rmSync(temp, { force: true });
          throw new DigestMismatchError(
            `digest mismatch: expected ${expected ?? digest} (${size ?? written} bytes), got ${digest} (${written} bytes)`,
          );
        }
        const final = this.path(digest);
        fs.mkdirSync(path.dirname(final), { recursive: true });
        fs.renameSync(temp, final);
        return digest;
      },
      discard: () => {
        close();
        fs.rmSync(temp, { force: true });
      },
    };
  }
}

/** Splits `sha256:<hex>`; throws for anything else. */
export function splitDigest(digest: string): {
  algorithm: string;
  hex: string;
} {
  const match = /^(sha256):([a-f0-9]{64})$/.exec(digest);
  if (!match) throw new Error(`unsupported digest "${digest}"`);
  return { algorithm: match[1]!, hex: match[2]! };
}

/** Returns the `sha256:<hex>` digest of bytes. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeAll(fd: number, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    let offset = 0;
    const next = () => {
      fs.write(
        fd,
        chunk,
        offset,
        chunk.byteLength - offset,
        null,
        (error, n) => {
          if (error) return reject(error);
          offset += n;
          if (offset < chunk.byteLength) next();
          else resolve();
        },
      );
    };
    next();
  });
}
