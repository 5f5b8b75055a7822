// A CSV field splitter for flag values such as `type=local,dest=out` and
// `--mount=type=cache,target=/x`: quotes group, `""` is a literal quote.

/** The fields of one CSV record, or the reason it could not be read. */
export type CsvResult =
  { ok: true; values: string[] } | { ok: false; error: string };

const QUOTE = 0x22;
const COMMA = 0x2c;

/** Splits one CSV record into its fields, as Go's encoding/csv reads a line. */
export function splitCsv(text: string): CsvResult {
  const values: string[] = [];
  const length = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      const end = readQuoted(text, i + 1);
      if (end.error) return { ok: false, error: end.error };
      i = end.next;
      if (i < length && text.charCodeAt(i) !== COMMA) {
        return {
          ok: false,
          error: `parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`,
        };
      }
      values.push(end.value);
    } else {
      // An unquoted field runs to the next comma, as one slice.
      let end = i;
      for (; end < length; end++) {
        const code = text.charCodeAt(end);
        if (code === COMMA) break;
        if (code === QUOTE) {
          return {
            ok: false,
            error: `parse error on line 1, column ${end + 1}: bare " in non-quoted-field`,
          };
        }
      }
      values.push(text.slice(i, end));
      i = end;
    }
    if (i >= length) return { ok: true, values };
    i++;
  }
}

// Reads a quoted field's text after its opening quote, `""` as one quote.
function readQuoted(
  text: string,
  start: number,
): { value: string; next: number; error?: string } {
  let value = '';
  let from = start;
  for (
    let at = text.indexOf('"', from);
    at >= 0;
    at = text.indexOf('"', from)
  ) {
    if (text.charCodeAt(at + 1) !== QUOTE) {
      return { value: value + text.slice(from, at), next: at + 1 };
    }
    value += text.slice(from, at + 1);
    from = at + 2;
  }
  return {
    value: value + text.slice(from),
    next: text.length,
    error: `parse error on line 1, column ${text.length + 1}: extraneous or missing " in quoted-field`,
  };
}
