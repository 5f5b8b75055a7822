// Go's `strconv.Quote` and `%q`, which BuildKit uses in its AST dump and in
// several error texts; matching them keeps our output byte for byte equal.

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

/** Quotes a string as Go's `strconv.Quote` does. */
export function goQuote(text: string): string {
  let out = '"';
  let plainStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code < 0x7f && code !== 0x22 && code !== 0x5c) {
      continue;
    }
    out += text.slice(plainStart, i);
    const point = text.codePointAt(i) as number;
    const width = point > 0xffff ? 2 : 1;
    out += quoteRune(point, text.slice(i, i + width));
    i += width - 1;
    plainStart = i + 1;
  }
  return out + text.slice(plainStart) + '"';
}

/** Renders a string list as Go's `%q` verb does: `["a" "b"]`. */
export function goQuoteList(items: readonly string[]): string {
  return '[' + items.map(goQuote).join(' ') + ']';
}

function quoteRune(point: number, char: string): string {
  if (point === 0x22) return '\\"';
  if (point === 0x5c) return '\\\\';
  if (point >= 0xd800 && point <= 0xdfff) return '\\ufffd';
  if (point >= 0x80 && PRINTABLE.test(char)) return char;
  switch (point) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (point < 0x20 || point === 0x7f) return '\\x' + hex(point, 2);
  if (point < 0x10000) return '\\u' + hex(point, 4);
  return '\\U' + hex(point, 8);
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
