// The small backends of a browser build: a cache in memory, a build context
// held as a file tree, and an exporter that keeps each platform's result.

import {
  contentHash,
  type Cache,
  type CacheRecord,
  type ContextSource,
  type CopyRequest,
  type ActiveSnapshot,
  type ExportResult,
  type Exporter,
  type OutputSpec,
} from '../../../core/src/index.ts';
import { walkTree, type DirNode } from './file-tree.ts';
import type { MemorySnapshotter } from './memory-snapshotter.ts';
import { copyTree } from './tree-copy.ts';

/** Remembers finished steps for as long as the page lives. */
export class MemoryCache implements Cache {
  private readonly records = new Map<string, CacheRecord>();

  async get(key: string): Promise<CacheRecord | undefined> {
    return this.records.get(key);
  }

  async put(record: CacheRecord): Promise<void> {
    this.records.set(record.key, record);
  }

  /** Forgets every record. */
  clear(): void {
    this.records.clear();
  }
}

/** A build context given as a file tree (empty by default). */
export class TreeContext implements ContextSource {
  constructor(
    private readonly snapshots: MemorySnapshotter,
    private readonly tree: DirNode,
  ) {}

  async digest(request: CopyRequest): Promise<string> {
    const listing: unknown[] = [];
    const files: { path: string; data: Uint8Array }[] = [];
    walkTree(this.tree, (path, node) => {
      listing.push([path, node.type, node.mode]);
      if (node.type === 'file') files.push({ path, data: node.data });
    });
    for (const file of files) {
      const hash = await crypto.subtle.digest(
        'SHA-256',
        file.data as BufferSource,
      );
      listing.push([file.path, Array.from(new Uint8Array(hash))]);
    }
    return contentHash({ sources: request.sources, listing });
  }

  async copy(into: ActiveSnapshot, request: CopyRequest): Promise<void> {
    copyTree(this.tree, this.snapshots.tree(into), request, false);
  }
}

/** One platform's exported files, as the export step left them. */
export interface ExportedTree {
  output: OutputSpec;
  platform: string;
  tree: DirNode;
}

/** Keeps each export's trees in memory for the page to show or download. */
export class MemoryExporter implements Exporter {
  readonly exports: ExportedTree[] = [];

  constructor(private readonly snapshots: MemorySnapshotter) {}

  describe(output: OutputSpec): string {
    if (output.type === 'local') return 'exporting to client directory';
    if (output.type === 'tar') return 'exporting to client tarball';
    return `exporting to ${output.type} (kept in the page)`;
  }

  async export(output: OutputSpec, results: ExportResult[]): Promise<void> {
    for (const result of results) {
      this.exports.push({
        output,
        platform: result.platform,
        tree: this.snapshots.committedTree(result.snapshot),
      });
    }
  }
}
