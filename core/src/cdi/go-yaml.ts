// Loads YAML (and JSON, which is read as YAML) into a tree of resolved values
// the way the reference's YAML 1.1 decoder does: plain scalars become bools,
// ints, floats or null by its rules, and duplicate keys are an error.

import {
  LineCounter,
  parseDocument,
  isAlias,
  isMap,
  isScalar,
  isSeq,
} from 'yaml';
import type { Node as YamlNode, Document } from 'yaml';

/** A scalar after YAML 1.1 resolution. */
export type GoScalar =
  | { t: 'str'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'null' };

/** A loaded YAML value with the 1-based line it starts on. */
export type GoValue =
  | { kind: 'scalar'; value: GoScalar; line: number }
  | { kind: 'seq'; items: GoValue[]; line: number }
  | { kind: 'map'; entries: GoMapEntry[]; line: number };

export interface GoMapEntry {
  key: GoScalar;
  value: GoValue;
  line: number;
}

/** The result of loading: the first document's value, or an error text. */
export interface GoYamlResult {
  value?: GoValue;
  /** Text after `yaml: ` as the reference prints it, e.g. `line 3: ...`. */
  error?: string;
  errorLine?: number;
}

const TRUE_WORDS = [
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
];
const FALSE_WORDS = [
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
];
const NULL_WORDS = ['', '~', 'null', 'Null', 'NULL'];
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Loads the first YAML document of `text` with YAML 1.1 scalar resolution. */
export function loadGoYaml(text: string): GoYamlResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'failsafe',
    uniqueKeys: false,
    lineCounter: lines,
    prettyErrors: false,
  });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = lines.linePos(err.pos[0]).line;
    return { error: syntaxError(err.code, err.message, line), errorLine: line };
  }
  if (doc.contents === null) return {};
  const state: LoadState = { doc, lines, errors: [] };
  const value = convert(doc.contents as YamlNode, state);
  if (state.errors.length > 0) {
    const first = state.errors[0]!;
    return {
      error: `unmarshal errors:\n  ${state.errors.map((e) => e.text).join('\n  ')}`,
      errorLine: first.line,
    };
  }
  return { value };
}

/** Resolves a plain scalar's text the way YAML 1.1 in the reference does. */
export function resolvePlainScalar(text: string): GoScalar {
  if (TRUE_WORDS.includes(text)) return { t: 'bool', v: true };
  if (FALSE_WORDS.includes(text)) return { t: 'bool', v: false };
  if (NULL_WORDS.includes(text)) return { t: 'null' };
  const c = text[0]!;
  if (c === '.' || c === '+' || c === '-') {
    const special = resolveSpecialFloat(text);
    if (special !== undefined) return { t: 'float', v: special };
  }
  if (c === '.') {
    const f = parseGoFloat(text);
    return f === undefined ? { t: 'str', v: text } : { t: 'float', v: f };
  }
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (isTimestamp(text)) return { t: 'str', v: text };
    const plain = text.replaceAll('_', '');
    const int = parseGoInt(plain);
    if (int !== undefined) return { t: 'int', v: int };
    if (FLOAT_RE.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return { t: 'float', v: f };
    }
    const bin = /^(-?)0b([01]+)$/.exec(plain);
    if (bin) {
      const v = BigInt('0b' + bin[2]);
      return { t: 'int', v: bin[1] ? -v : v };
    }
  }
  return { t: 'str', v: text };
}

interface LoadState {
  doc: Document;
  lines: LineCounter;
  errors: { text: string; line: number }[];
}

function convert(node: YamlNode, state: LoadState, depth = 0): GoValue {
  const line = lineOf(node, state);
  if (depth > 1000) return { kind: 'scalar', value: { t: 'null' }, line };
  if (isAlias(node)) {
    const target = node.resolve(state.doc);
    if (!target) return { kind: 'scalar', value: { t: 'null' }, line };
    return convert(target as YamlNode, state, depth + 1);
  }
  if (isScalar(node)) return { kind: 'scalar', value: scalarOf(node), line };
  if (isSeq(node)) {
    const items = node.items.map((item) =>
      item === null
        ? ({ kind: 'scalar', value: { t: 'null' }, line } as GoValue)
        : convert(item as YamlNode, state, depth + 1),
    );
    return { kind: 'seq', items, line };
  }
  if (isMap(node)) return convertMap(node.items, line, state, depth);
  return { kind: 'scalar', value: { t: 'null' }, line };
}

function convertMap(
  pairs: { key: unknown; value: unknown }[],
  line: number,
  state: LoadState,
  depth: number,
): GoValue {
  const entries: GoMapEntry[] = [];
  for (const pair of pairs) {
    const keyNode = pair.key as YamlNode | null;
    const valueNode = pair.value as YamlNode | null;
    const keyLine = keyNode ? lineOf(keyNode, state) : line;
    const value: GoValue = valueNode
      ? convert(valueNode, state, depth + 1)
      : { kind: 'scalar', value: { t: 'null' }, line: keyLine };
    if (
      keyNode &&
      isScalar(keyNode) &&
      keyNode.type === 'PLAIN' &&
      keyNode.value === '<<' &&
      !keyNode.tag
    ) {
      mergeInto(entries, value, state);
      continue;
    }
    const keyValue = keyNode ? convert(keyNode, state, depth + 1) : undefined;
    const key: GoScalar =
      keyValue?.kind === 'scalar' ? keyValue.value : { t: 'null' };
    addEntry(entries, { key, value, line: keyLine }, state);
  }
  return { kind: 'map', entries, line };
}

// The reference's strict decoder reports a key set twice at the line of the
// second value, merged (`<<`) keys included.
function addEntry(
  entries: GoMapEntry[],
  entry: GoMapEntry,
  state: LoadState,
): void {
  if (entries.some((e) => sameScalar(e.key, entry.key))) {
    const line = entry.value.line;
    state.errors.push({
      text: `line ${line}: key ${goQuote(entry.key)} already set in map`,
      line,
    });
    return;
  }
  entries.push(entry);
}

function mergeInto(
  entries: GoMapEntry[],
  value: GoValue,
  state: LoadState,
): void {
  const sources = value.kind === 'seq' ? value.items : [value];
  for (const src of sources) {
    if (src.kind !== 'map') continue;
    for (const e of src.entries) addEntry(entries, e, state);
  }
}

function scalarOf(node: {
  value: unknown;
  type?: string;
  tag?: string;
}): GoScalar {
  const text = String(node.value ?? '');
  const tag = node.tag;
  if (tag === 'tag:yaml.org,2002:str' || tag === '!!str')
    return { t: 'str', v: text };
  if (node.type !== 'PLAIN' && !tag) return { t: 'str', v: text };
  return resolvePlainScalar(text);
}

function lineOf(node: YamlNode, state: LoadState): number {
  const at = node.range?.[0] ?? 0;
  return state.lines.linePos(at).line;
}

function sameScalar(a: GoScalar, b: GoScalar): boolean {
  if (a.t !== b.t) return false;
  if (a.t === 'null') return true;
  return (a as { v: unknown }).v === (b as { v: unknown }).v;
}

function goQuote(s: GoScalar): string {
  switch (s.t) {
    case 'str':
      return JSON.stringify(s.v);
    case 'null':
      return 'interface {}(nil)';
    default:
      return String(s.v);
  }
}

function resolveSpecialFloat(text: string): number | undefined {
  if (['.nan', '.NaN', '.NAN'].includes(text)) return NaN;
  if (['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].includes(text))
    return Infinity;
  if (['-.inf', '-.Inf', '-.INF'].includes(text)) return -Infinity;
  return undefined;
}

// strconv.ParseInt(s, 0, 64), falling back to ParseUint for large values.
function parseGoInt(s: string): bigint | undefined {
  const m =
    /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(
      s,
    );
  if (!m) return undefined;
  const sign = m[1];
  const digits = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(digits)) v = BigInt('0o' + digits.slice(2));
  else if (/^0[xXbB]/.test(digits)) v = BigInt(digits.toLowerCase());
  else if (digits.length > 1 && digits.startsWith('0'))
    v = BigInt('0o' + digits.slice(1));
  else v = BigInt(digits);
  if (sign === '-') v = -v;
  const maxInt = (1n << 63n) - 1n;
  const maxUint = (1n << 64n) - 1n;
  if (v < -(1n << 63n)) return undefined;
  if (v > maxInt && (sign !== '' || v > maxUint)) return undefined;
  return v;
}

function parseGoFloat(s: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  const f = Number(s);
  return Number.isNaN(f) ? undefined : f;
}

// go-yaml keeps timestamp-looking plain scalars as strings for interface{}.
function isTimestamp(s: string): boolean {
  return /^\d{4}-\d{1,2}-\d{1,2}([Tt ]|$)/.test(s);
}

// The reference's messages for the syntax errors met most often. Its scanner
// errors carry the 1-based line; its parser errors carry the 0-based one and
// drop it on the first line.
const SCANNER_ERRORS: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: 'mapping values are not allowed in this context',
  TAB_AS_INDENT: 'found character that cannot start any token',
  BAD_SCALAR_START: 'found character that cannot start any token',
  BAD_DQ_ESCAPE: 'found unknown escape character',
};
const PARSER_ERRORS: Record<string, string> = {
  BAD_INDENT: 'did not find expected key',
  MULTILINE_IMPLICIT_KEY: 'did not find expected key',
  BLOCK_IN_FLOW: "did not find expected ',' or '}'",
};

function syntaxError(code: string, message: string, line: number): string {
  const scanner = SCANNER_ERRORS[code];
  if (scanner) return `line ${line}: ${scanner}`;
  const parser = PARSER_ERRORS[code];
  if (parser) return line > 1 ? `line ${line - 1}: ${parser}` : parser;
  if (code === 'MISSING_CHAR' && /quote/.test(message)) {
    return `line ${line}: found unexpected end of stream`;
  }
  const text = message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '');
  return `line ${line}: ${lowerFirst(text)}`;
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
