// The step cache on disk: one small JSON record per cache key, written
// atomically after its snapshot is committed.

import fs from 'node:fs';
import path from 'node:path';

import type { Cache, CacheRecord } from '../../../core/src/index.ts';
import { keyFileName } from '../paths.ts';

/** Keeps cache records as `<dir>/<key>.json`. */
export class FileCache implements Cache {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    try {
      const text = fs.readFileSync(this.file(key), 'utf8');
      const record = JSON.parse(text) as CacheRecord;
      return record.key === key ? record : undefined;
    } catch {
      return undefined;
    }
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
