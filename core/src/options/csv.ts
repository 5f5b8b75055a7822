// A CSV field splitter for flag values such as `type=local,dest=out` and
// `--mount=type=cache,target=/x`: quotes group, `""` is a literal quote.

/** The fields of one CSV record, or the reason it could not be read. */
export type CsvResult =
  { ok: true; values: string[] } | { ok: false; error: string };

/** Splits one CSV record into its fields, as Go's encoding/csv reads a line. */
export function splitCsv(text: string): CsvResult {
  const values: string[] = [];
  let field = '';
  let i = 0;
  let atFieldStart = true;
  while (i <= text.length) {
    if (i === text.length) {
      values.push(field);
      break;
    }
    const ch = text[i];
    if (atFieldStart && ch === '"') {
      const end = readQuoted(text, i + 1);
      if (end.error) return { ok: false, error: end.error };
      field = end.value;
      i = end.next;
      atFieldStart = false;
      if (i < text.length && text[i] !== ',') {
        return {
          ok: false,
          error: `parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`,
        };
      }
      continue;
    }
    if (ch === ',') {
      values.push(field);
      field = '';
      atFieldStart = true;
      i++;
      continue;
    }
    if (ch === '"') {
      return {
        ok: false,
        error: `parse error on line 1, column ${i + 1}: bare " in non-quoted-field`,
      };
    }
    field += ch;
    atFieldStart = false;
    i++;
  }
  return { ok: true, values };
}

function readQuoted(
  text: string,
  start: number,
): { value: string; next: number; error?: string } {
  let value = '';
  let i = start;
  while (i < text.length) {
    if (text[i] === '"') {
      if (text[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      return { value, next: i + 1 };
    }
    value += text[i];
    i++;
  }
  return {
    value,
    next: i,
    error: `parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`,
  };
}
