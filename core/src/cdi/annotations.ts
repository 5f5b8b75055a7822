// The container-annotation protocol some runtimes use to carry CDI requests
// (`cdi.k8s.io/<plugin>_<deviceID>: vendor/class=name,...`). BuildKit does not
// use it; it is here for the reference's checks and for inspecting specs.

import { goQuote } from './go-format.ts';
import { validateQualifiedName } from './names.ts';

/** The prefix of annotation keys that carry CDI device requests. */
export const CDI_ANNOTATION_PREFIX = 'cdi.k8s.io/';

/** Builds an annotation key for a plugin and device ID, or the reference's error text. */
export function cdiAnnotationKey(
  plugin: string,
  deviceId: string,
): { key: string } | { error: string } {
  if (plugin === '') return { error: 'invalid plugin name, empty' };
  if (deviceId === '') return { error: 'invalid deviceID, empty' };
  const name = `${plugin}_${deviceId.replaceAll('/', '_')}`;
  if (byteLength(name) > 63)
    return { error: `invalid plugin+deviceID ${goQuote(name)}, too long` };
  const chars = [...name];
  const first = chars[0]!;
  if (!isAlphaNumeric(first)) {
    return {
      error: `invalid name ${goQuote(name)}, first '${first}' should be alphanumeric`,
    };
  }
  for (const c of chars.slice(1, -1)) {
    if (!isAlphaNumeric(c) && !'_-.'.includes(c)) {
      return {
        error: `invalid name ${goQuote(name)}, invalid character '${c}'`,
      };
    }
  }
  const last = chars[chars.length - 1]!;
  if (!isAlphaNumeric(last)) {
    return {
      error: `invalid name ${goQuote(name)}, last '${last}' should be alphanumeric`,
    };
  }
  return { key: CDI_ANNOTATION_PREFIX + name };
}

/** Joins qualified device names into an annotation value, or the first name's error. */
export function cdiAnnotationValue(
  devices: string[],
): { value: string } | { error: string } {
  for (const d of devices) {
    const err = validateQualifiedName(d);
    if (err) return { error: err };
  }
  return { value: devices.join(',') };
}

/** Reads the CDI devices requested by container annotations, or the first bad name. */
export function parseCdiAnnotations(
  annotations: Record<string, string>,
): { keys: string[]; devices: string[] } | { error: string } {
  const keys: string[] = [];
  const devices: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(CDI_ANNOTATION_PREFIX)) continue;
    for (const d of value.split(',')) {
      if (validateQualifiedName(d) !== undefined) {
        return { error: `invalid CDI device name ${goQuote(d)}` };
      }
      devices.push(d);
    }
    keys.push(key);
  }
  return { keys, devices };
}

function isAlphaNumeric(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c);
}

function byteLength(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
