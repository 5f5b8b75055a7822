// Writes a CDI spec as the reference library saves one: YAML the way go-yaml
// v3 emits it (a `---` line, 4-space indents, quotes only where a plain
// scalar would read as something else), or compact JSON in Go's field order.

import type {
  CdiContainerEdits,
  CdiDevice,
  CdiDeviceNode,
  CdiHook,
  CdiMount,
  CdiSpec,
} from '../model/cdi.ts';
import { resolvePlainScalar } from './go-yaml.ts';

type Value = string | number | boolean | Value[] | Mapping;
type Entry = [string, Value];
/** An ordered mapping, kept apart from sequences. */
interface Mapping {
  entries: Entry[];
  /** Written even when empty (a Go struct field without omitempty). */
  keep?: boolean;
}

/** Formats `spec` as `yaml` (with the leading `---`) or compact `json`. */
export function formatCdiSpec(spec: CdiSpec, format: 'yaml' | 'json'): string {
  const tree = specEntries(spec, format);
  if (format === 'json') return toJson(tree);
  return '---\n' + mappingLines(tree.entries, 0).join('\n') + '\n';
}

// Field order and omit-empty rules of the reference's Go structs. Go's JSON
// encoder writes struct fields even with omitempty; go-yaml v3 drops them
// when empty unless the tag has no omitempty (a device's edits).
function specEntries(s: CdiSpec, format: 'yaml' | 'json'): Mapping {
  const edits = editsEntries(s.containerEdits ?? {});
  edits.keep = format === 'json';
  return compact([
    ['cdiVersion', s.cdiVersion],
    ['kind', s.kind],
    ['annotations', mapEntries(s.annotations)],
    ['devices', s.devices.map(deviceEntries)],
    ['containerEdits', edits],
  ]);
}

function deviceEntries(d: CdiDevice): Mapping {
  const edits = editsEntries(d.containerEdits ?? {});
  edits.keep = true;
  return compact([
    ['name', d.name],
    ['annotations', mapEntries(d.annotations)],
    ['containerEdits', edits],
  ]);
}

function editsEntries(e: CdiContainerEdits): Mapping {
  return compact([
    ['env', e.env],
    ['deviceNodes', e.deviceNodes?.map(nodeEntries)],
    [
      'netDevices',
      e.netDevices?.map((n) =>
        compact([
          ['hostInterfaceName', n.hostInterfaceName],
          ['name', n.name],
        ]),
      ),
    ],
    ['hooks', e.hooks?.map(hookEntries)],
    ['mounts', e.mounts?.map(mountEntries)],
    [
      'intelRdt',
      e.intelRdt &&
        compact([
          ['closID', e.intelRdt.closID],
          ['l3CacheSchema', e.intelRdt.l3CacheSchema],
          ['memBwSchema', e.intelRdt.memBwSchema],
          ['schemata', e.intelRdt.schemata],
          ['enableMonitoring', e.intelRdt.enableMonitoring || undefined],
        ]),
    ],
    ['additionalGids', e.additionalGids],
  ]);
}

function nodeEntries(n: CdiDeviceNode): Mapping {
  return compact([
    ['path', n.path],
    ['hostPath', n.hostPath],
    ['type', n.type],
    ['major', n.major || undefined],
    ['minor', n.minor || undefined],
    ['fileMode', n.fileMode],
    ['permissions', n.permissions],
    ['uid', n.uid],
    ['gid', n.gid],
  ]);
}

function hookEntries(h: CdiHook): Mapping {
  return compact([
    ['hookName', h.hookName],
    ['path', h.path],
    ['args', h.args],
    ['env', h.env],
    ['timeout', h.timeout],
  ]);
}

function mountEntries(m: CdiMount): Mapping {
  return compact([
    ['hostPath', m.hostPath],
    ['containerPath', m.containerPath],
    ['options', m.options],
    ['type', m.type],
  ]);
}

function mapEntries(m: Record<string, string> | undefined): Mapping {
  const keys = Object.keys(m ?? {}).sort();
  return { entries: keys.map((k): Entry => [k, m![k]!]) };
}

// Go's omitempty: empty strings, lists and maps and unset values vanish.
function compact(entries: [string, Value | undefined | null][]): Mapping {
  const kept = entries.filter(
    (e): e is Entry =>
      e[1] !== undefined &&
      e[1] !== null &&
      e[1] !== '' &&
      !(Array.isArray(e[1]) && e[1].length === 0) &&
      !(isMapping(e[1]) && e[1].entries.length === 0 && !e[1].keep),
  );
  return { entries: kept };
}

function isMapping(v: Value): v is Mapping {
  return typeof v === 'object' && !Array.isArray(v);
}

// go-yaml v3: a block under a key goes to the next multiple of 4 past the
// key's indent; a mapping in a sequence item starts right after `- `.
function mappingLines(entries: Entry[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const child = 4 * Math.floor((indent + 4) / 4);
  const out: string[] = [];
  for (const [name, value] of entries) {
    const key = scalar(name);
    if (isMapping(value) && value.entries.length === 0) {
      out.push(`${pad}${key}: {}`);
    } else if (isMapping(value)) {
      out.push(`${pad}${key}:`, ...mappingLines(value.entries, child));
    } else if (!Array.isArray(value)) {
      out.push(`${pad}${key}: ${scalar(value)}`);
    } else {
      out.push(`${pad}${key}:`, ...sequenceLines(value, child));
    }
  }
  return out;
}

function sequenceLines(items: Value[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const item of items) {
    if (isMapping(item)) {
      const lines = mappingLines(item.entries, indent + 2);
      out.push(`${pad}- ${lines[0]!.trimStart()}`, ...lines.slice(1));
    } else {
      out.push(`${pad}- ${scalar(item as string | number | boolean)}`);
    }
  }
  return out;
}

function scalar(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  if (needsDoubleQuotes(v)) return JSON.stringify(v);
  if (!isPlainSafe(v)) return `'${v.replaceAll("'", "''")}'`;
  return v;
}

// A string that would read back as another type is double-quoted, as are
// YAML 1.1 booleans (`yes`, `on`) and text with control characters.
function needsDoubleQuotes(s: string): boolean {
  if (s === '' || /[\u0000-\u001f\u007f]/.test(s)) return true;
  if (/^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(s))
    return true;
  return resolvePlainScalar(s).t !== 'str';
}

function isPlainSafe(s: string): boolean {
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^[-?:][^\s]/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  return !/: |:$| #/.test(s);
}

function toJson(tree: Mapping): string {
  const encode = (v: Value): string => {
    if (isMapping(v)) {
      const fields = v.entries.map(
        ([k, x]) => `${goJsonString(k)}:${encode(x)}`,
      );
      return `{${fields.join(',')}}`;
    }
    if (!Array.isArray(v)) return goJsonString(v);
    return `[${v.map(encode).join(',')}]`;
  };
  return encode(tree);
}

// Go's encoding/json escapes <, > and & in strings.
function goJsonString(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  return JSON.stringify(v)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026');
}
