// Checks made on `--output` values before a build starts, as buildx makes
// them: where each exporter writes, and exporter options Slipway cannot
// honour (BuildKit knows them, so ignoring them would give a wrong result).

import fs from 'node:fs';
import path from 'node:path';

import type { OutputSpec } from '../../../core/src/index.ts';

/** The text for a `type=docker` output with nowhere to load the image. */
export const NO_DOCKER_ENGINE =
  'docker exporter needs dest=FILE: there is no Docker engine here to load into';

/**
 * Options BuildKit's image exporters know that Slipway does not carry out,
 * with the values it can honour.
 */
const UNSUPPORTED_IMAGE_OPTIONS: Record<string, (value: string) => boolean> = {
  compression: (value) => value.toLowerCase() === 'gzip',
  'compression-level': () => false,
  'force-compression': isFalse,
  'push-by-digest': isFalse,
  'oci-artifact': isFalse,
  'name-canonical': isFalse,
  'dangling-name-prefix': (value) => value === '',
  'attestation-inline': () => true,
};

/** Image exporter options Slipway reads, or that change nothing here. */
const KNOWN_IMAGE_OPTIONS = new Set([
  'name',
  'push',
  'tar',
  'unpack',
  'store',
  'oci-mediatypes',
  'rewrite-timestamp',
  'source-date-epoch',
  'registry.insecure',
  'danging-name-empty-only',
  'prefer-nondist-layers',
  'context',
]);

/**
 * Returns buildx's error for an output whose destination cannot be used,
 * or for an exporter option Slipway cannot carry out; `stdoutIsTTY` tells
 * whether a tarball without `dest` would go to a terminal.
 */
export function checkOutputDestination(
  output: OutputSpec,
  cwd: string,
  stdoutIsTTY: boolean,
): string | undefined {
  const tar = (output.attrs.tar ?? 'true').toLowerCase() !== 'false';
  const layout = output.type === 'oci' || output.type === 'docker';
  const wantsDir = output.type === 'local' || (layout && !tar);
  const wantsFile = output.type === 'tar' || (layout && tar);
  const dest = output.dest;
  if (wantsDir && dest && dest !== '-') {
    if (statOf(path.resolve(cwd, dest))?.isDirectory() === false) {
      return `destination directory ${dest} is a file`;
    }
  }
  if (output.type === 'docker' && dest === undefined) return NO_DOCKER_ENGINE;
  if (wantsFile && (dest === undefined || dest === '-') && stdoutIsTTY) {
    return `dest file is required for ${output.type} exporter. refusing to write to console`;
  }
  if (wantsFile && dest && dest !== '-') {
    if (statOf(path.resolve(cwd, dest))?.isDirectory()) {
      return `destination file ${dest} is a directory`;
    }
  }
  return layout || output.type === 'image'
    ? checkImageOptions(output.attrs)
    : undefined;
}

/** Lists the options of an image output that BuildKit's exporters do not know either. */
export function unknownImageOptions(output: OutputSpec): string[] {
  if (!['image', 'oci', 'docker'].includes(output.type)) return [];
  return Object.keys(output.attrs).filter(
    (key) =>
      !KNOWN_IMAGE_OPTIONS.has(key) &&
      !Object.hasOwn(UNSUPPORTED_IMAGE_OPTIONS, key) &&
      !key.startsWith('annotation'),
  );
}

function checkImageOptions(attrs: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith('annotation')) {
      return `exporter option "${key}" is not supported by slipway`;
    }
    const honoured = UNSUPPORTED_IMAGE_OPTIONS[key];
    if (honoured && Object.hasOwn(UNSUPPORTED_IMAGE_OPTIONS, key)) {
      if (!honoured(value)) {
        return `exporter option "${key}=${value}" is not supported by slipway`;
      }
    }
  }
  return undefined;
}

function isFalse(value: string): boolean {
  return value === '' || value.toLowerCase() === 'false';
}

function statOf(file: string): fs.Stats | undefined {
  return fs.statSync(file, { throwIfNoEntry: false });
}
