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

/**
 * Formats nanoseconds as Go's Duration.String does: `1m30s`, `1.5s`,
 * `250ms`, `0s`.
 */
export function formatGoDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  const sign = nanoseconds < 0 ? '-' : '';
  let ns = Math.abs(Math.round(nanoseconds));
  if (ns < 1e9) {
    const [unit, size] =
      ns < 1e3 ? ['ns', 1] : ns < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${decimal(ns, size)}${unit}`;
  }
  const hours = Math.floor(ns / 3600e9);
  ns -= hours * 3600e9;
  const minutes = Math.floor(ns / 60e9);
  ns -= minutes * 60e9;
  let text = `${decimal(ns, 1e9)}s`;
  if (hours > 0 || minutes > 0) text = `${minutes}m${text}`;
  if (hours > 0) text = `${hours}h${text}`;
  return `${sign}${text}`;
}

// `value / size` without trailing zeros in the fraction, as Go prints it.
function decimal(value: number, size: number): string {
  const whole = Math.floor(value / size);
  const fraction = value - whole * size;
  if (fraction === 0) return String(whole);
  const digits = String(size).length - 1;
  const text = String(fraction).padStart(digits, '0').replace(/0+$/, '');
  return `${whole}.${text}`;
}
