// Every `--output` type on a host: `local` (folders), `tar` (the files in a
// tarball), `oci` and `docker` (image layouts as a tarball or folder), and
// `image` through a handler the registry side provides.

import fs from 'node:fs';
import path from 'node:path';

import type {
  ExportResult,
  Exporter,
  OutputSpec,
} from '../../../core/src/index.ts';
import { buildImage, type BuiltImage } from '../image/build-image.ts';
import type { MediaVariant } from '../image/media-types.ts';
import { copyEntries, type LayerEntry } from '../layer/layer-entries.ts';
import type { LayerStore } from '../layer/layer-store.ts';
import { packEntries } from '../layer/tar-writer.ts';
import { readXattrs } from '../layer/xattrs.ts';
import type { DirSnapshotter } from '../snapshot/dir-snapshotter.ts';
import {
  packLayout,
  writeLayoutDir,
  writeTarOutput,
  type OutputStream,
} from './atomic-output.ts';
import {
  DOCKER_MULTI_PLATFORM_ERROR,
  imageNames,
  layoutFiles,
} from './image-layout.ts';
import { checkConflicts, LocalExporter, parseBool } from './local-exporter.ts';

/** Pushes or stores built images for `type=image`. */
export type ImageOutputHandler = (
  output: OutputSpec,
  images: BuiltImage[],
  multiPlatform: boolean,
) => Promise<void>;

/** What the host exporter reads and where it writes. */
export interface HostExporterOptions {
  snapshots: DirSnapshotter;
  layers: LayerStore;
  /** Finds a base image blob by digest. */
  findBlob: (digest: string) => string | undefined;
  /** Resolves relative `dest` values. */
  cwd?: string;
  /** Receives `dest=-` tarballs. */
  stdout?: OutputStream;
  /** SOURCE_DATE_EPOCH of the build, if set. */
  sourceDateEpoch?: string;
  /** The clock for image creation times. */
  now?: () => Date;
  /** No `--platform` was given (see ImageBuildContext.implicitTarget). */
  implicitTarget?: boolean;
  /** Changes built images before they are written (the inline cache). */
  amendImages?: (
    results: ExportResult[],
    images: BuiltImage[],
  ) => Promise<BuiltImage[]>;
  image?: ImageOutputHandler;
}

/** Exports results as BuildKit's exporters do. */
export class HostExporter implements Exporter {
  private readonly local: LocalExporter;
  private readonly cwd: string;

  constructor(private readonly options: HostExporterOptions) {
    this.cwd = options.cwd ?? process.cwd();
    this.local = new LocalExporter(
      (key) => options.snapshots.locate(key),
      this.cwd,
    );
  }

  describe(output: OutputSpec): string {
    switch (output.type) {
      case 'local':
        return 'exporting to client directory';
      case 'tar':
        return 'exporting to client tarball';
      case 'oci':
      case 'docker':
        return `exporting to ${output.type} image format`;
      default:
        return 'exporting to image';
    }
  }

  async export(
    output: OutputSpec,
    results: ExportResult[],
    multiPlatform: boolean,
  ): Promise<void> {
    switch (output.type) {
      case 'local':
        return this.local.export(output, results, multiPlatform);
      case 'tar':
        return this.exportTar(output, results, multiPlatform);
      case 'oci':
      case 'docker':
        return this.exportLayout(output, results, multiPlatform);
      case 'image':
      case 'registry':
        return this.exportImage(output, results, multiPlatform);
      default:
        throw new Error(`exporter "${output.type}" could not be found`);
    }
  }

  /** Builds one image per result, as `type=image` and the layouts need. */
  async buildImages(
    output: OutputSpec,
    results: ExportResult[],
    variant: MediaVariant,
  ): Promise<BuiltImage[]> {
    const epoch = this.epoch(output);
    const rewrite = parseBool(
      output.attrs['rewrite-timestamp'],
      'rewrite-timestamp',
    );
    const created =
      epoch === undefined
        ? (this.options.now?.() ?? new Date())
        : new Date(epoch * 1000);
    const images: BuiltImage[] = [];
    for (const result of results) {
      images.push(
        await buildImage(result, {
          snapshots: this.options.snapshots,
          layers: this.options.layers,
          findBlob: this.options.findBlob,
          variant,
          created,
          implicitTarget: this.options.implicitTarget ?? false,
          ...(rewrite && epoch !== undefined ? { epoch } : {}),
        }),
      );
    }
    return this.options.amendImages?.(results, images) ?? images;
  }

  private async exportTar(
    output: OutputSpec,
    results: ExportResult[],
    multiPlatform: boolean,
  ): Promise<void> {
    const split = parseBool(output.attrs['platform-split']) ?? multiPlatform;
    const roots = results.map((r) => ({
      ...r,
      dir: this.options.snapshots.locate(r.snapshot),
    }));
    if (!split) checkConflicts(roots);
    await writeTarOutput(this.dest(output), this.stdout(), async (pack) => {
      for (const root of roots) {
        const prefix = split ? `${root.platform.replaceAll('/', '_')}` : '';
        const entries = copyEntries(root.dir);
        if (prefix) {
          await packEntries(pack, [platformDir(prefix, root.dir)], new Map());
        }
        await packEntries(pack, entries, await readXattrs(root.dir), {
          prefix: prefix ? `${prefix}/` : '',
        });
      }
    });
  }

  private async exportLayout(
    output: OutputSpec,
    results: ExportResult[],
    multiPlatform: boolean,
  ): Promise<void> {
    const variant = output.type === 'docker' ? 'docker' : 'oci';
    if (variant === 'docker' && multiPlatform) {
      throw new Error(DOCKER_MULTI_PLATFORM_ERROR);
    }
    if (variant === 'docker' && output.dest === undefined) {
      throw new Error(
        'docker exporter needs dest=FILE: there is no Docker engine here to load into',
      );
    }
    const images = await this.buildImages(output, results, variant);
    const files = layoutFiles(images, {
      variant,
      names: imageNames(output.attrs),
      multiPlatform,
    });
    const asTar = parseBool(output.attrs.tar, 'tar') ?? true;
    if (!asTar) {
      writeLayoutDir(files, path.resolve(this.cwd, output.dest ?? ''));
      return;
    }
    await writeTarOutput(this.dest(output), this.stdout(), (pack) =>
      packLayout(pack, files),
    );
  }

  private async exportImage(
    output: OutputSpec,
    results: ExportResult[],
    multiPlatform: boolean,
  ): Promise<void> {
    const handler = this.options.image;
    if (!handler) {
      throw new Error(
        `exporter "${output.type}" is not supported by slipway yet`,
      );
    }
    const images = await this.buildImages(output, results, 'oci');
    await handler(output, images, multiPlatform);
  }

  private dest(output: OutputSpec): string {
    const dest = output.dest ?? '-';
    return dest === '-' ? dest : path.resolve(this.cwd, dest);
  }

  private stdout(): OutputStream {
    return this.options.stdout ?? process.stdout;
  }

  private epoch(output: OutputSpec): number | undefined {
    const text =
      output.attrs['source-date-epoch'] ?? this.options.sourceDateEpoch;
    if (text === undefined || text === '') return undefined;
    const seconds = Number(text);
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new Error(`invalid SOURCE_DATE_EPOCH: ${text}`);
    }
    return seconds;
  }
}

/** The folder entry of a platform's subfolder: 0755, owned by root. */
function platformDir(name: string, root: string): LayerEntry {
  const stat = fs.lstatSync(root, { bigint: true });
  stat.mode = (stat.mode & ~0o7777n) | 0o755n;
  stat.uid = 0n;
  stat.gid = 0n;
  return { kind: 'node', path: name, host: root, stat };
}
