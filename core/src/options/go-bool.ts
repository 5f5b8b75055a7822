// Booleans as Go's strconv.ParseBool reads them, for flag and option values.

/** Reads `1 t T TRUE true True` or `0 f F FALSE false False`; undefined otherwise. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}
