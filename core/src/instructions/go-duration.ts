// Go's time.ParseDuration, for HEALTHCHECK's --interval, --timeout,
// --start-period and --start-interval, with Go's error texts.

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Parses a Go duration such as `1m30s` into nanoseconds, or returns Go's error. */
export function parseGoDuration(
  text: string,
): { nanoseconds: number; error?: undefined } | { error: string } {
  const quoted = JSON.stringify(text);
  const invalid = { error: `time: invalid duration ${quoted}` };
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return { nanoseconds: 0 };
  if (rest === '') return invalid;

  let total = 0;
  while (rest !== '') {
    const number = /^(\d*)(\.(\d*))?/.exec(rest)!;
    if (number[0] === '' || number[0] === '.') return invalid;
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === '')
      return { error: `time: missing unit in duration ${quoted}` };
    if (!Object.hasOwn(UNITS, unit)) {
      return {
        error: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`,
      };
    }
    rest = rest.slice(unit.length);
    total +=
      Number(number[0].endsWith('.') ? number[0] + '0' : number[0]) *
      UNITS[unit];
  }
  return { nanoseconds: sign * total };
}
