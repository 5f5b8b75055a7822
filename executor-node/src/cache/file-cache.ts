// The step cache on disk: one small JSON record per cache key, written
// atomically after its snapshot is committed.

import fs from 'node:fs';
import path from 'node:path';

import type { Cache, CacheRecord } from '../../../core/src/index.ts';
import { keyFileName } from '../paths.ts';

/** Keeps cache records as `<dir>/<key>.json`. */
export class FileCache implements Cache {
  /** Answers for keys this folder lacks (an imported cache). */
  fallback?: (key: string) => CacheRecord | undefined;

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    try {
      const text = fs.readFileSync(this.file(key), 'utf8');
      const record = JSON.parse(text) as CacheRecord;
      if (record.key === key) return record;
    } catch {
      // Not cached here.
    }
    return this.fallback?.(key);
  }

  /** Lists the keys of the records kept here. */
  keys(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((name) => /^[0-9a-f]{64}\.json$/.test(name))
      .map((name) => `sha256:${name.slice(0, 64)}`);
  }

  async put(record: CacheRecord): Promise<void> {
    const file = this.file(record.key);
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(record));
    fs.renameSync(tmp, file);
  }

  private file(key: string): string {
    return path.join(this.dir, `${keyFileName(key)}.json`);
  }
}
