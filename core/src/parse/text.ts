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
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x0d;
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
