// Whitespace rules of Go's standard library, which BuildKit's parser relies
// on: `unicode.IsSpace`, `strings.TrimSpace` and the `[\t\v\f\r ]` class.

/** Reports whether a UTF-16 code unit is a space for Go's `unicode.IsSpace`. */
export function isGoSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Reports whether a code unit is in BuildKit's `[\t\v\f\r ]` class. */
export function isBlank(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x09 ||
    code === 0x0b ||
    code === 0x0c ||
    code === 0x0d
  );
}

/** Returns the index of the first character that is not a Go space. */
export function skipGoSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isGoSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Trims Go spaces from both ends, as `strings.TrimSpace` does. */
export function goTrimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Trims Go spaces from the start only. */
export function goTrimLeft(text: string): string {
  const start = skipGoSpace(text, 0);
  return start === 0 ? text : text.slice(start);
}

/** Splits on runs of `[\t\v\f\r ]`, like Go's `regexp.Split(s, -1)`. */
export function splitBlank(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    if (!isBlank(text.charCodeAt(i))) {
      i++;
      continue;
    }
    out.push(text.slice(start, i));
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    start = i;
  }
  out.push(text.slice(start));
  return out;
}

/**
 * Splits at the first run of `[\t\v\f\r ]`, like Go's `regexp.Split(s, 2)`:
 * one part when there is no such run.
 */
export function splitBlankOnce(text: string): [string] | [string, string] {
  let i = 0;
  while (i < text.length && !isBlank(text.charCodeAt(i))) i++;
  if (i === text.length) return [text];
  let j = i;
  while (j < text.length && isBlank(text.charCodeAt(j))) j++;
  return [text.slice(0, i), text.slice(j)];
}

/** Reports whether a string has any character outside ASCII. */
export function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return true;
  }
  return false;
}

/**
 * Encodes text as UTF-8, one character per byte. Parts of BuildKit walk
 * lines byte by byte; running our scan over this form reproduces that.
 */
export function toByteString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    let code = text.codePointAt(i) as number;
    if (code > 0xffff) i++;
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) {
      out += String.fromCharCode(code);
    } else if (code < 0x800) {
      out += String.fromCharCode(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      out += String.fromCharCode(
        0xe0 | (code >> 12),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
    } else {
      out += String.fromCharCode(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
    }
  }
  return out;
}

/** Decodes a byte string made by `toByteString`; bad bytes become U+FFFD. */
export function fromByteString(bytes: string): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes.charCodeAt(i);
    if (lead < 0x80) {
      out += bytes[i];
      i++;
      continue;
    }
    const need =
      lead >= 0xc2 && lead <= 0xdf
        ? 1
        : lead >= 0xe0 && lead <= 0xef
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : 0;
    let code = lead & (0x3f >> need);
    let k = 1;
    for (; k <= need && i + k < bytes.length; k++) {
      const next = bytes.charCodeAt(i + k);
      if ((next & 0xc0) !== 0x80) break;
      code = (code << 6) | (next & 0x3f);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    const valid =
      need > 0 &&
      k === need + 1 &&
      code >= min &&
      code <= 0x10ffff &&
      (code < 0xd800 || code > 0xdfff);
    if (valid) {
      out += String.fromCodePoint(code);
      i += need + 1;
    } else {
      out += '\ufffd';
      i++;
    }
  }
  return out;
}
