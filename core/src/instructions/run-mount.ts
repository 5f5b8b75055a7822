// RUN --mount=[type=]bind|cache|tmpfs|secret|ssh,... values, checked with
// BuildKit's rules. Values other than `from` are expanded by the planner.

import type { RunMount } from '../model/instructions.ts';
import { goQuote } from '../diagnostics/go-quote.ts';
import { withSuggestion } from '../diagnostics/suggest.ts';
import { splitCsv } from '../options/csv.ts';
import { parseGoBool } from '../options/go-bool.ts';

/** Expands one mount value; returns the text or BuildKit's error. */
export type MountExpander = (value: string) => {
  value: string;
  error?: string;
};

const MOUNT_TYPES = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'] as const;
const SHARING = ['shared', 'private', 'locked'] as const;
const ALL_KEYS = [
  'type',
  'from',
  'source',
  'target',
  'readonly',
  'id',
  'sharing',
  'required',
  'size',
  'mode',
  'uid',
  'gid',
  'src',
  'dst',
  'destination',
  'ro',
  'rw',
  'readwrite',
  'env',
];

/** Checks that `from=` holds no variable, as BuildKit does when it reads the Dockerfile. */
export function checkMountFrom(value: string): string | undefined {
  const fields = splitCsv(value);
  if (!fields.ok) return `failed to parse csv mounts: ${fields.error}`;
  for (const field of fields.values) {
    const eq = field.indexOf('=');
    if (eq < 0 || field.slice(0, eq).toLowerCase() !== 'from') continue;
    const from = field.slice(eq + 1);
    const dollar = from.indexOf('$');
    if (dollar !== -1 && dollar !== from.length - 1) {
      return "'from' doesn't support variable expansion, define alias stage instead";
    }
  }
  return undefined;
}

/** Parses one `--mount` value with every check BuildKit makes when it builds the step. */
export function parseMount(
  raw: string,
  expand: MountExpander = (value) => ({ value }),
): { mount: RunMount; error?: undefined } | { error: string } {
  const fields = splitCsv(raw);
  if (!fields.ok)
    return { error: `failed to parse csv mounts: ${fields.error}` };

  const mount: RunMount = { type: 'bind', raw };
  let roAuto = true;
  const has = { mode: false, uid: false, gid: false };
  for (const field of fields.values) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      const error = applyBareKey(mount, key, field);
      if (error) return { error };
      if (['readonly', 'ro', 'readwrite', 'rw'].includes(key)) roAuto = false;
      continue;
    }
    const expanded = expand(field.slice(eq + 1));
    if (expanded.error !== undefined) return { error: expanded.error };
    const error = applyKey(mount, key, expanded.value, field);
    if (error) return { error };
    if (['readonly', 'ro', 'readwrite', 'rw'].includes(key)) roAuto = false;
    if (key === 'mode' || key === 'uid' || key === 'gid') has[key] = true;
  }
  const error = checkMount(mount, has, roAuto);
  return error ? { error } : { mount };
}

function applyBareKey(
  mount: RunMount,
  key: string,
  field: string,
): string | undefined {
  switch (key) {
    case 'readonly':
    case 'ro':
      mount.readonly = true;
      return undefined;
    case 'readwrite':
    case 'rw':
      mount.readonly = false;
      return undefined;
    case 'required':
      if (mount.type === 'secret' || mount.type === 'ssh') {
        mount.required = true;
        return undefined;
      }
      return `unexpected key '${key}' for mount type '${mount.type}'`;
    default:
      return `invalid field '${field}' must be a key=value pair`;
  }
}

function applyKey(
  mount: RunMount,
  key: string,
  value: string,
  field: string,
): string | undefined {
  switch (key) {
    case 'type': {
      const type = value.toLowerCase();
      if (!(MOUNT_TYPES as readonly string[]).includes(type)) {
        return withSuggestion(
          `unsupported mount type ${goQuote(value)}`,
          value,
          MOUNT_TYPES,
          true,
        );
      }
      mount.type = type as RunMount['type'];
      return undefined;
    }
    case 'from':
      mount.from = value;
      return undefined;
    case 'source':
    case 'src':
      mount.source = value;
      return undefined;
    case 'target':
    case 'dst':
    case 'destination':
      mount.target = value;
      return undefined;
    case 'readonly':
    case 'ro':
    case 'readwrite':
    case 'rw': {
      const flag = parseGoBool(value);
      if (flag === undefined) return `invalid value for ${key}: ${value}`;
      const writable = key === 'rw' || key === 'readwrite';
      mount.readonly = writable ? !flag : flag;
      return undefined;
    }
    default:
      return applyOptionKey(mount, key, value, field);
  }
}

function applyOptionKey(
  mount: RunMount,
  key: string,
  value: string,
  field: string,
): string | undefined {
  switch (key) {
    case 'required': {
      if (mount.type !== 'secret' && mount.type !== 'ssh') {
        return `unexpected key '${key}' for mount type '${mount.type}'`;
      }
      const flag = parseGoBool(value);
      if (flag === undefined) return `invalid value for ${key}: ${value}`;
      mount.required = flag;
      return undefined;
    }
    case 'size':
      if (mount.type !== 'tmpfs') {
        return `unexpected key '${key}' for mount type '${mount.type}'`;
      }
      if (!/^\d+(\.\d+)?\s*([kKmMgGtTpP]([iI]?[bB])?|[bB])?$/.test(value)) {
        return `invalid value for ${key}: ${value}`;
      }
      mount.size = value;
      return undefined;
    case 'id':
      mount.id = value;
      return undefined;
    case 'sharing': {
      const sharing = value.toLowerCase();
      if (!(SHARING as readonly string[]).includes(sharing)) {
        return withSuggestion(
          `unsupported sharing value ${goQuote(value)}`,
          value,
          SHARING,
          true,
        );
      }
      mount.sharing = sharing as RunMount['sharing'];
      return undefined;
    }
    case 'mode':
      if (!/^[0-7]+$/.test(value) || parseInt(value, 8) > 0xffffffff) {
        return `invalid value ${value} for mode`;
      }
      mount.mode = value;
      return undefined;
    case 'uid':
    case 'gid':
      if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) {
        return `invalid value ${value} for ${key}`;
      }
      mount[key] = value;
      return undefined;
    case 'env':
      mount.env = value;
      return undefined;
    default:
      return withSuggestion(
        `unexpected key '${key}' in '${field}'`,
        key,
        ALL_KEYS,
        true,
      );
  }
}

function checkMount(
  mount: RunMount,
  has: { mode: boolean; uid: boolean; gid: boolean },
  roAuto: boolean,
): string | undefined {
  const fileInfoAllowed = ['secret', 'ssh', 'cache'].includes(mount.type);
  if (!fileInfoAllowed) {
    for (const key of ['mode', 'uid', 'gid'] as const) {
      if (has[key])
        return `${key} not allowed for ${goQuote(mount.type)} type mounts`;
    }
  }
  if (roAuto) mount.readonly = mount.type !== 'cache' && mount.type !== 'tmpfs';
  if (mount.type === 'secret') {
    if (mount.from !== undefined && mount.from !== '')
      return 'secret mount should not have a from';
    if (mount.sharing) return 'secret mount should not define sharing';
    if (!mount.source && !mount.target && !mount.id) {
      return 'invalid secret mount. one of source, target required';
    }
    if (mount.source && mount.id) return "both source and id can't be set";
  }
  if (mount.sharing && mount.type !== 'cache') {
    return `invalid cache sharing set for ${mount.type} mount`;
  }
  return undefined;
}
