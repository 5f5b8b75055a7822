// Decodes a loaded YAML tree into a CdiSpec the way the reference's strict
// YAML-to-JSON-to-struct path does: scalars coerced into string fields, field
// names matched without regard to case, unknown fields and type errors fatal.

import type { CdiSpec } from '../model/cdi.ts';
import { formatFloat32, goQuote, scalarToGoString } from './go-format.ts';
import type { GoScalar, GoValue } from './go-yaml.ts';

/** Where decoded values came from: a dotted path (`devices.0.name`) to a line. */
export type SpecLines = Map<string, number>;

export interface DecodeResult {
  spec?: CdiSpec;
  /** Go's error text after `error unmarshaling JSON: while decoding JSON: `. */
  error?: string;
  errorLine?: number;
  /** Set when the YAML-to-JSON step itself fails (unsupported key or value). */
  convertError?: string;
  lines: SpecLines;
}

type GoType =
  | { k: 'string' }
  | { k: 'int'; name: 'int64' | 'int' | 'uint32' | 'fs.FileMode' }
  | { k: 'bool' }
  | { k: 'slice'; elem: GoType; name: string }
  | { k: 'map'; name: string }
  | { k: 'struct'; name: string; fields: [string, GoType][] };

const STR: GoType = { k: 'string' };
const STRS: GoType = { k: 'slice', elem: STR, name: '[]string' };
const ANNOTATIONS: GoType = { k: 'map', name: 'map[string]string' };
const u32: GoType = { k: 'int', name: 'uint32' };

const DEVICE_NODE: GoType = {
  k: 'struct',
  name: 'DeviceNode',
  fields: [
    ['path', STR],
    ['hostPath', STR],
    ['type', STR],
    ['major', { k: 'int', name: 'int64' }],
    ['minor', { k: 'int', name: 'int64' }],
    ['fileMode', { k: 'int', name: 'fs.FileMode' }],
    ['permissions', STR],
    ['uid', u32],
    ['gid', u32],
  ],
};
const MOUNT: GoType = {
  k: 'struct',
  name: 'Mount',
  fields: [
    ['hostPath', STR],
    ['containerPath', STR],
    ['options', STRS],
    ['type', STR],
  ],
};
const HOOK: GoType = {
  k: 'struct',
  name: 'Hook',
  fields: [
    ['hookName', STR],
    ['path', STR],
    ['args', STRS],
    ['env', STRS],
    ['timeout', { k: 'int', name: 'int' }],
  ],
};
const INTEL_RDT: GoType = {
  k: 'struct',
  name: 'IntelRdt',
  fields: [
    ['closID', STR],
    ['l3CacheSchema', STR],
    ['memBwSchema', STR],
    ['schemata', STRS],
    ['enableMonitoring', { k: 'bool' }],
  ],
};
const NET_DEVICE: GoType = {
  k: 'struct',
  name: 'LinuxNetDevice',
  fields: [
    ['hostInterfaceName', STR],
    ['name', STR],
  ],
};
const EDITS: GoType = {
  k: 'struct',
  name: 'ContainerEdits',
  fields: [
    ['env', STRS],
    [
      'deviceNodes',
      { k: 'slice', elem: DEVICE_NODE, name: '[]*specs.DeviceNode' },
    ],
    [
      'netDevices',
      { k: 'slice', elem: NET_DEVICE, name: '[]*specs.LinuxNetDevice' },
    ],
    ['hooks', { k: 'slice', elem: HOOK, name: '[]*specs.Hook' }],
    ['mounts', { k: 'slice', elem: MOUNT, name: '[]*specs.Mount' }],
    ['intelRdt', INTEL_RDT],
    ['additionalGids', { k: 'slice', elem: u32, name: '[]uint32' }],
  ],
};
const DEVICE: GoType = {
  k: 'struct',
  name: 'Device',
  fields: [
    ['name', STR],
    ['annotations', ANNOTATIONS],
    ['containerEdits', EDITS],
  ],
};
const SPEC: GoType = {
  k: 'struct',
  name: 'Spec',
  fields: [
    ['cdiVersion', STR],
    ['kind', STR],
    ['annotations', ANNOTATIONS],
    ['devices', { k: 'slice', elem: DEVICE, name: '[]specs.Device' }],
    ['containerEdits', EDITS],
  ],
};

/** Decodes a loaded YAML value into a spec, or Go's first decode error. */
export function decodeSpec(value: GoValue): DecodeResult {
  const r = decodeAs(value, 'spec');
  const { value: out, ...rest } = r;
  if (rest.error !== undefined || rest.convertError !== undefined) return rest;
  return { ...rest, spec: normalizeSpec((out ?? {}) as Partial<CdiSpec>) };
}

/** Decodes a loaded YAML value as one part of a spec (for checks on fragments). */
export function decodeAs(
  value: GoValue,
  what: 'spec' | 'device' | 'edits',
): Omit<DecodeResult, 'spec'> & { value?: unknown } {
  const type = what === 'spec' ? SPEC : what === 'device' ? DEVICE : EDITS;
  const state: DecodeState = { lines: new Map() };
  const out = decode(value, type, { struct: '', path: [], at: [] }, state);
  if (state.convertError) {
    return {
      convertError: state.convertError,
      errorLine: state.errorLine,
      lines: state.lines,
    };
  }
  if (state.error) {
    return {
      error: state.error,
      errorLine: state.errorLine,
      lines: state.lines,
    };
  }
  return { value: out, lines: state.lines };
}

interface DecodeState {
  lines: SpecLines;
  error?: string;
  convertError?: string;
  errorLine?: number;
}

interface Where {
  struct: string;
  /** Go's field path for errors (JSON names, no indices). */
  path: string[];
  /** The path with indices, for line lookups. */
  at: string[];
}

function decode(
  v: GoValue,
  type: GoType,
  where: Where,
  state: DecodeState,
): unknown {
  if (v.kind === 'scalar' && v.value.t === 'null') return undefined;
  switch (type.k) {
    case 'string':
      return decodeString(v, type, where, state);
    case 'int':
      return decodeInt(v, type, where, state);
    case 'bool':
      if (v.kind === 'scalar' && v.value.t === 'bool') return v.value.v;
      return typeError(v, type, where, state);
    case 'slice':
      return decodeSlice(v, type, where, state);
    case 'map':
      return decodeMap(v, type, where, state);
    case 'struct':
      return decodeStruct(v, type, where, state);
  }
}

function decodeString(
  v: GoValue,
  type: GoType,
  where: Where,
  state: DecodeState,
): unknown {
  if (v.kind !== 'scalar') return typeError(v, type, where, state);
  return scalarToGoString(v.value);
}

function decodeInt(
  v: GoValue,
  type: Extract<GoType, { k: 'int' }>,
  where: Where,
  state: DecodeState,
): unknown {
  if (v.kind !== 'scalar') return typeError(v, type, where, state);
  const s = v.value;
  if (s.t === 'float' && !Number.isFinite(s.v)) {
    convertFail(
      `json: unsupported value: ${formatFloat32(s.v)}`,
      v.line,
      state,
    );
    return undefined;
  }
  if (s.t !== 'int' && s.t !== 'float') return typeError(v, type, where, state);
  const literal = s.t === 'int' ? s.v.toString() : jsonFloat(s.v);
  const big =
    s.t === 'int'
      ? s.v
      : Number.isInteger(s.v) && /^-?\d+$/.test(literal)
        ? BigInt(literal)
        : undefined;
  const [min, max] = intRange(type.name);
  if (big === undefined || big < min || big > max) {
    return typeError(v, type, where, state, `number ${literal}`);
  }
  return Number(big);
}

function decodeSlice(
  v: GoValue,
  type: { k: 'slice'; elem: GoType; name: string },
  where: Where,
  state: DecodeState,
): unknown {
  if (v.kind !== 'seq') return typeError(v, type, where, state);
  return v.items.map((item, i) => {
    const at = [...where.at, String(i)];
    state.lines.set(at.join('.'), item.line);
    const out = decode(item, type.elem, { ...where, at }, state);
    return out === undefined ? zeroOf(type.elem) : out;
  });
}

function decodeMap(
  v: GoValue,
  type: GoType,
  where: Where,
  state: DecodeState,
): unknown {
  if (v.kind !== 'map') return typeError(v, type, where, state);
  const out: Record<string, string> = {};
  for (const e of sortedEntries(v, state)) {
    const value = decode(e.value, STR, where, state);
    out[e.name] = (value as string | undefined) ?? '';
  }
  return out;
}

function decodeStruct(
  v: GoValue,
  type: { k: 'struct'; name: string; fields: [string, GoType][] },
  where: Where,
  state: DecodeState,
): unknown {
  if (v.kind !== 'map') return typeError(v, type, where, state);
  const out: Record<string, unknown> = {};
  for (const e of sortedEntries(v, state)) {
    const field =
      type.fields.find(([n]) => n === e.name) ??
      type.fields.find(([n]) => n.toLowerCase() === e.name.toLowerCase());
    if (!field) {
      saveError(`json: unknown field ${goQuote(e.name)}`, e.line, state);
      continue;
    }
    const [name, fieldType] = field;
    const at = [...where.at, name];
    state.lines.set(at.join('.'), e.line);
    const path = [...where.path, name];
    const value = decode(
      e.value,
      fieldType,
      { struct: type.name, path, at },
      state,
    );
    if (value !== undefined) out[name] = value;
  }
  return out;
}

interface NamedEntry {
  name: string;
  value: GoValue;
  line: number;
}

// json.Marshal sorts map keys, so Go meets fields (and errors) in this order.
function sortedEntries(
  v: { entries: { key: GoScalar; value: GoValue; line: number }[] },
  state: DecodeState,
): NamedEntry[] {
  const out: NamedEntry[] = [];
  for (const e of v.entries) {
    const name = keyString(e.key);
    if (name === undefined) {
      convertFail('unsupported map key of type: <nil>', e.line, state);
      continue;
    }
    out.push({ name, value: e.value, line: e.line });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function keyString(k: GoScalar): string | undefined {
  if (k.t === 'float') {
    const s = formatFloat32(k.v);
    return s === '+Inf'
      ? '.inf'
      : s === '-Inf'
        ? '-.inf'
        : s === 'NaN'
          ? '.nan'
          : s;
  }
  return scalarToGoString(k);
}

function typeError(
  v: GoValue,
  type: GoType,
  where: Where,
  state: DecodeState,
  value?: string,
): undefined {
  const what = value ?? jsonKind(v);
  const typeName = goTypeName(type);
  const text =
    where.path.length === 0
      ? `json: cannot unmarshal ${what} into Go value of type ${typeName}`
      : `json: cannot unmarshal ${what} into Go struct field ${where.struct}.${where.path.join('.')} of type ${typeName}`;
  saveError(text, v.line, state);
  return undefined;
}

function saveError(text: string, line: number, state: DecodeState): void {
  if (state.error || state.convertError) return;
  state.error = text;
  state.errorLine = line;
}

function convertFail(text: string, line: number, state: DecodeState): void {
  if (state.convertError) return;
  state.convertError = text;
  state.errorLine = line;
}

function jsonKind(v: GoValue): string {
  if (v.kind === 'seq') return 'array';
  if (v.kind === 'map') return 'object';
  switch (v.value.t) {
    case 'str':
      return 'string';
    case 'bool':
      return 'bool';
    default:
      return 'number';
  }
}

function goTypeName(type: GoType): string {
  switch (type.k) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int':
    case 'slice':
    case 'map':
      return type.name;
    case 'struct':
      return `specs.${type.name}`;
  }
}

function intRange(name: string): [bigint, bigint] {
  if (name === 'uint32' || name === 'fs.FileMode')
    return [0n, (1n << 32n) - 1n];
  return [-(1n << 63n), (1n << 63n) - 1n];
}

// encoding/json writes float64 values with %f for moderate exponents.
function jsonFloat(f: number): string {
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return f.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(f);
}

function zeroOf(type: GoType): unknown {
  switch (type.k) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'bool':
      return false;
    case 'slice':
      return [];
    case 'map':
    case 'struct':
      return {};
  }
}

function normalizeSpec(raw: Partial<CdiSpec>): CdiSpec {
  return {
    ...raw,
    cdiVersion: raw.cdiVersion ?? '',
    kind: raw.kind ?? '',
    devices: (raw.devices ?? []).map((d) => ({
      ...d,
      name: d.name ?? '',
      containerEdits: d.containerEdits ?? {},
    })),
  };
}
