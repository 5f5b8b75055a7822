// `-o/--output` values read the way buildx reads them: CSV `key=value`
// fields, a bare path for the local exporter, `-` for a tarball on stdout.

import type { OutputSpec } from '../model/options.ts';
import { splitCsv } from './csv.ts';

/** The result of reading one `--output` value. */
export type OutputResult =
  { ok: true; output: OutputSpec } | { ok: false; error: string };

const KNOWN_TYPES = new Set([
  'local',
  'tar',
  'oci',
  'docker',
  'image',
  'registry',
  'cacheonly',
]);

/** Parses one `--output` value into an exporter, applying buildx's defaults. */
export function parseOutput(value: string): OutputResult {
  const fields = splitCsv(value);
  if (!fields.ok) return { ok: false, error: fields.error };

  const bare =
    fields.values.length === 1 &&
    fields.values[0] === value &&
    !value.startsWith('type=');
  if (bare) {
    const type = value === '-' ? 'tar' : 'local';
    return { ok: true, output: { type, dest: value, attrs: {} } };
  }

  let type = '';
  let dest: string | undefined;
  const attrs: Record<string, string> = {};
  for (const field of fields.values) {
    const eq = field.indexOf('=');
    if (eq < 0) return { ok: false, error: `invalid value ${field}` };
    const key = field.slice(0, eq).trim().toLowerCase();
    const fieldValue = field.slice(eq + 1);
    if (key === 'type') type = fieldValue;
    else if (key === 'dest') dest = fieldValue;
    else attrs[key] = fieldValue;
  }
  return checkOutput(type, dest, attrs);
}

function checkOutput(
  type: string,
  dest: string | undefined,
  attrs: Record<string, string>,
): OutputResult {
  if (type === '') return { ok: false, error: 'type is required for output' };
  if (!KNOWN_TYPES.has(type)) {
    return { ok: false, error: `exporter "${type}" could not be found` };
  }

  if (type === 'registry') {
    const pushed: Record<string, string> = { ...attrs, push: 'true' };
    if (!Object.hasOwn(attrs, 'unpack')) pushed.unpack = 'false';
    return { ok: true, output: withDest('image', dest, pushed) };
  }

  const tarOutput = (attrs.tar ?? 'true').toLowerCase() !== 'false';
  const wantsDir =
    type === 'local' || ((type === 'oci' || type === 'docker') && !tarOutput);
  const wantsFile =
    type === 'tar' || ((type === 'oci' || type === 'docker') && tarOutput);
  if (wantsDir) {
    if (!dest)
      return { ok: false, error: `dest is required for ${type} exporter` };
    if (dest === '-') {
      return { ok: false, error: `dest cannot be stdout for ${type} exporter` };
    }
  }
  if (wantsFile && !dest && type !== 'docker') dest = '-';
  return {
    ok: true,
    output: withDest(type as OutputSpec['type'], dest, attrs),
  };
}

function withDest(
  type: OutputSpec['type'],
  dest: string | undefined,
  attrs: Record<string, string>,
): OutputSpec {
  return dest === undefined ? { type, attrs } : { type, dest, attrs };
}
