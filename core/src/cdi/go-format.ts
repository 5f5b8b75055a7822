// Small formatting helpers that reproduce how the Go reference turns values
// into text: scalars coerced to strings, quoted strings in error messages.

import type { GoScalar } from './go-yaml.ts';

/** Formats a resolved YAML scalar as the text a Go string field receives. */
export function scalarToGoString(s: GoScalar): string | undefined {
  switch (s.t) {
    case 'str':
      return s.v;
    case 'int':
      return s.v.toString();
    case 'bool':
      return s.v ? 'true' : 'false';
    case 'float':
      return formatFloat32(s.v);
    case 'null':
      return undefined;
  }
}

/** Formats a float like Go's strconv.FormatFloat(v, 'g', -1, 32). */
export function formatFloat32(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const f = Math.fround(v);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let text = '';
  for (let p = 1; p <= 9; p++) {
    text = Math.abs(f).toExponential(p - 1);
    if (Math.fround(Number(text)) === Math.abs(f)) break;
  }
  const [mantissa, expText] = text.split('e') as [string, string];
  const exp = Number(expText);
  const digits = mantissa.replace('.', '');
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) {
    return sign + digits + '0'.repeat(exp + 1 - digits.length);
  }
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Quotes a string the way Go's %q does for printable ASCII and common escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) {
      out += '\\x' + code.toString(16).padStart(2, '0');
    } else out += ch;
  }
  return out + '"';
}
