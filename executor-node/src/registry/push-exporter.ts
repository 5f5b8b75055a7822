// The `type=image` exporter (and `type=registry`, which is `type=image` with
// push=true): writes the results as an image into the content store and, when
// asked, pushes it under every name given; other types go to the next exporter.

import type {
  ExportResult,
  Exporter,
  OutputSpec,
} from '../../../core/src/index.ts';
import type { ContentStore } from './content-store.ts';
import { parseRegistryReference } from './image-ref.ts';
import { writeImage } from './image-writer.ts';
import { pushImage } from './push-image.ts';
import type { RegistryClient } from './registry-client.ts';

/** What the image exporter writes with. */
export interface ImageExporterOptions {
  locate: (snapshot: string) => string;
  content: ContentStore;
  client: RegistryClient;
  /** Receives progress rows (pushed blobs, the manifest). */
  log?: (line: string) => void;
}

/** Handles `type=image` outputs itself and hands every other type to `next`. */
export class ImageExporter implements Exporter {
  constructor(
    private readonly next: Exporter,
    private readonly options: ImageExporterOptions,
  ) {}

  describe(output: OutputSpec): string {
    return output.type === 'image'
      ? 'exporting to image'
      : this.next.describe(output);
  }

  async export(
    output: OutputSpec,
    results: ExportResult[],
    multiPlatform: boolean,
  ): Promise<void> {
    if (output.type !== 'image') {
      return this.next.export(output, results, multiPlatform);
    }
    const names = splitNames(output.attrs.name ?? '');
    const push = parseBool(output.attrs.push);
    if (push && names.length === 0) {
      throw new Error('push requires a name for the image (name=REF)');
    }
    const refs = names.map(parseRegistryReference);
    const log = this.options.log ?? (() => {});

    const root = await writeImage(
      results,
      this.options.locate,
      this.options.content,
      { multiPlatform },
    );
    log(`writing image ${root.digest} done`);
    for (const ref of refs) log(`naming to ${ref.full} done`);
    if (!push) return;

    for (const ref of refs) {
      const pushed = await pushImage(
        this.options.client,
        ref,
        root,
        this.options.content,
      );
      log(
        `pushing layers: ${pushed.uploaded} uploaded, ${pushed.skipped} already there done`,
      );
      log(`pushing manifest for ${ref.full}@${root.digest} done`);
    }
  }
}

/** Splits `name=a,b` values (buildx passes several names comma-separated). */
function splitNames(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function parseBool(value: string | undefined): boolean {
  return (
    value !== undefined && ['1', 't', 'true'].includes(value.toLowerCase())
  );
}
