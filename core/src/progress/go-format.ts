// Number formatting that matches Go's `%.Nf`: values exactly halfway between
// two results round to even, where JavaScript's toFixed rounds them up; and
// byte counts as BuildKit's progress rows print them (`435B`, `2.10kB`).

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Formats `value` with `digits` decimals the way Go's `%.*f` does. */
export function formatFixed(value: number, digits: number): string {
  const tie = exactTie(value, digits);
  if (tie === undefined) return value.toFixed(digits);

  // tie = 2 * |value| * 10^digits, an odd integer: pick the even neighbour.
  const below = (tie - 1n) / 2n;
  const rounded = below % 2n === 0n ? below : below + 1n;
  const text = rounded.toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const sign = value < 0 ? '-' : '';
  return digits === 0 ? sign + whole : `${sign}${whole}.${text.slice(-digits)}`;
}

/** Formats a byte count with `%.2f` of decimal units: `435B`, `2.10kB`, `1.50MB`. */
export function formatUnitBytes(bytes: number): string {
  const whole = Math.trunc(bytes);
  let unit = 0;
  let base = 1;
  while (unit < DECIMAL_UNITS.length - 1 && Math.abs(whole) >= base * 1000) {
    base *= 1000;
    unit++;
  }
  // Below a kilobyte the count is printed as whole bytes.
  if (unit === 0) return `${whole}B`;
  return `${formatFixed(whole / base, 2)}${DECIMAL_UNITS[unit]}`;
}

/** Returns 2·|value|·10^digits when it is an odd integer (an exact tie). */
function exactTie(value: number, digits: number): bigint | undefined {
  if (!Number.isFinite(value) || value === 0) return undefined;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const shift = (exponent === 0 ? -1074 : exponent - 1075) + 1;

  let n = mantissa * 10n ** BigInt(digits);
  if (shift >= 0) {
    n <<= BigInt(shift);
  } else {
    const divisor = 1n << BigInt(-shift);
    if (n % divisor !== 0n) return undefined;
    n /= divisor;
  }
  return n % 2n === 1n ? n : undefined;
}
