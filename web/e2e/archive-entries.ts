// Reads the entries of a downloaded result archive (tar or zip) in tests.

import fs from 'node:fs';
import { unzipSync } from 'fflate';
import tar from 'tar-stream';

/** One archived file: its path without a leading `./` or `/`, and bytes. */
export interface ArchiveEntry {
  name: string;
  type: string;
  data: Buffer;
}

/** Lists a tar file's entries with their contents. */
export async function readTarEntries(file: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk) => chunks.push(chunk as Buffer));
    stream.on('end', () => {
      const name = cleanName(header.name);
      const type = header.type ?? 'file';
      entries.push({ name, type, data: Buffer.concat(chunks) });
      next();
    });
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    extract.end(fs.readFileSync(file));
  });
  return entries;
}

/** Lists a zip file's entries with their contents (folders end in `/`). */
export function readZipEntries(file: string): ArchiveEntry[] {
  const files = unzipSync(new Uint8Array(fs.readFileSync(file)));
  return Object.entries(files).map(([name, data]) => ({
    name: cleanName(name),
    type: name.endsWith('/') ? 'directory' : 'file',
    data: Buffer.from(data),
  }));
}

function cleanName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '').replace(/\/$/, '');
}
