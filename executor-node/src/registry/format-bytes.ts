// Sizes and durations as BuildKit's progress rows print them: decimal units
// with two decimals (`772.79kB`, `2.10MB`, `0B`) and seconds with one (`0.3s`).

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Formats a byte count, e.g. `2.10MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.max(0, Math.round(bytes))}B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(2)}${UNITS[unit]}`;
}

/** Formats seconds with one decimal, e.g. `0.3s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(1)}s`;
}
