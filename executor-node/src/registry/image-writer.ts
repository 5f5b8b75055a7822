// Writes built results as an OCI image into the content store: per platform
// one gzip layer holding the whole root filesystem (GNU tar, so owners, device
// nodes and xattrs survive), the image config and a manifest; an index over
// them when several platforms were built.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

import type { ExportResult, ImageConfig } from '../../../core/src/index.ts';
import { splitPlatform } from '../store/platform-match.ts';
import type { ContentStore } from './content-store.ts';
import { MEDIA_TYPES, type Descriptor } from './media-types.ts';

const run = promisify(execFile);

/** Writes the results as an image; returns the root descriptor (index or manifest). */
export async function writeImage(
  results: ExportResult[],
  locate: (snapshot: string) => string,
  store: ContentStore,
  options: { multiPlatform: boolean; created?: Date },
): Promise<Descriptor> {
  const created = (options.created ?? new Date()).toISOString();
  const manifests: Descriptor[] = [];
  for (const result of results) {
    manifests.push(
      await writePlatform(result, locate(result.snapshot), store, created),
    );
  }
  if (manifests.length === 1 && !options.multiPlatform) return manifests[0]!;

  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests,
    }),
  );
  const digest = await store.put(index);
  return { mediaType: MEDIA_TYPES.ociIndex, digest, size: index.length };
}

async function writePlatform(
  result: ExportResult,
  rootfs: string,
  store: ContentStore,
  created: string,
): Promise<Descriptor> {
  const layer = await writeLayer(rootfs, store);
  const platform = splitPlatform(result.platform);
  const config = jsonBlob({
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: toOciConfig(result.config),
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, created_by: 'slipway build (one layer per image)' }],
  });
  const manifest = jsonBlob({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: {
      mediaType: MEDIA_TYPES.ociConfig,
      digest: await store.put(config),
      size: config.length,
    },
    layers: [layer.descriptor],
  });
  return {
    mediaType: MEDIA_TYPES.ociManifest,
    digest: await store.put(manifest),
    size: manifest.length,
    platform: platform.variant
      ? platform
      : { os: platform.os, architecture: platform.architecture },
  };
}

/** Tars and gzips a root filesystem into the store; returns its descriptor and diff id. */
async function writeLayer(
  rootfs: string,
  store: ContentStore,
): Promise<{ descriptor: Descriptor; diffId: string }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-layer-'));
  try {
    const tarFile = path.join(work, 'layer.tar');
    await run('tar', [
      '--sort=name',
      '--numeric-owner',
      '--xattrs',
      '--xattrs-include=*',
      '--format=posix',
      '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
      '-C',
      rootfs,
      '-cf',
      tarFile,
      '.',
    ]);
    const diffId = await fileDigest(tarFile);
    const gzFile = `${tarFile}.gz`;
    await pipeline(
      fs.createReadStream(tarFile),
      zlib.createGzip(),
      fs.createWriteStream(gzFile),
    );
    const writer = store.writer();
    try {
      for await (const chunk of fs.createReadStream(gzFile)) {
        await writer.write(chunk as Buffer);
      }
    } catch (error) {
      writer.discard();
      throw error;
    }
    const digest = await writer.commit();
    return {
      descriptor: {
        mediaType: MEDIA_TYPES.ociLayerGzip,
        digest,
        size: fs.statSync(gzFile).size,
      },
      diffId,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Converts core's image config to the OCI config's `config` member. */
export function toOciConfig(config: ImageConfig): Record<string, unknown> {
  const set = (names: string[]) =>
    names.length > 0
      ? Object.fromEntries(names.map((name) => [name, {}]))
      : undefined;
  const health = config.healthcheck;
  return prune({
    User: config.user,
    ExposedPorts: set(config.exposedPorts),
    Env: config.env,
    Entrypoint: config.entrypoint,
    Cmd: config.cmd,
    Volumes: set(config.volumes),
    WorkingDir: config.workingDir,
    Labels: Object.keys(config.labels).length > 0 ? config.labels : undefined,
    OnBuild: config.onBuild.length > 0 ? config.onBuild : undefined,
    StopSignal: config.stopSignal,
    Shell: config.shell.length > 0 ? config.shell : undefined,
    Healthcheck: health && {
      Test: health.test,
      Interval: durationNs(health.interval),
      Timeout: durationNs(health.timeout),
      StartPeriod: durationNs(health.startPeriod),
      StartInterval: durationNs(health.startInterval),
      Retries: health.retries,
    },
  });
}

/** Go durations such as `30s`, `1m30s` or `500ms` to nanoseconds. */
function durationNs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const units: Record<string, number> = {
    h: 3.6e12,
    m: 6e10,
    s: 1e9,
    ms: 1e6,
    us: 1e3,
    ns: 1,
  };
  let total = 0;
  for (const [, value, unit] of text.matchAll(/([\d.]+)(h|ms|us|ns|m|s)/g)) {
    total += Number(value) * (units[unit!] ?? 0);
  }
  return Math.round(total);
}

function prune(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [
        k,
        v && typeof v === 'object' && !Array.isArray(v)
          ? prune(v as Record<string, unknown>)
          : v,
      ]),
  );
}

function jsonBlob(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file))
    hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
