// RUN --device=<name>[,required[=<bool>]] or name=<name>: BuildKit's CSV
// form, optional unless `required` is given.

import { withSuggestion } from '../diagnostics/suggest.ts';
import { splitCsv } from '../options/csv.ts';
import { parseGoBool } from '../options/go-bool.ts';

/** Parses one `--device` value into a name and whether it is required. */
export function parseDevice(
  value: string,
): { name: string; required: boolean; error?: undefined } | { error: string } {
  const fields = splitCsv(value);
  if (!fields.ok)
    return { error: `failed to parse csv devices: ${fields.error}` };

  let name = '';
  let required = false;
  for (const field of fields.values) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const fieldValue = eq < 0 ? '' : field.slice(eq + 1);
    if (eq < 0) {
      if (key === 'required') required = true;
      else if (name === '') name = field;
      else
        return { error: `invalid field '${field}' must be a key=value pair` };
      continue;
    }
    if (key === 'name') {
      if (name !== '') return { error: `device name already set to ${name}` };
      name = fieldValue;
    } else if (key === 'required') {
      const flag = parseGoBool(fieldValue);
      if (flag === undefined) {
        return { error: `invalid value for ${key}: ${fieldValue}` };
      }
      required = flag;
    } else if (name === '') {
      name = field;
    } else {
      return {
        error: withSuggestion(
          `unexpected key '${key}' in '${field}'`,
          key,
          ['name', 'required'],
          true,
        ),
      };
    }
  }
  return { name, required };
}
