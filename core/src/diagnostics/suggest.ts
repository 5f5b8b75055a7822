// "Did you mean" suggestions with BuildKit's rule: the closest option at an
// edit distance below 3, in the user's casing when the match ignores case.

/**
 * Finds the option closest to `value` (distance < 3), or `undefined` when
 * none is close or `value` equals an option.
 */
export function suggestName(
  value: string,
  options: readonly string[],
  caseSensitive: boolean,
): string | undefined {
  const wanted = caseSensitive ? value : value.toLowerCase();
  let match: string | undefined;
  let best = 3;
  for (const raw of options) {
    const option = caseSensitive ? raw : raw.toLowerCase();
    if (option === wanted) return undefined;
    const distance = editDistance(wanted, option);
    if (distance < best) {
      best = distance;
      match = caseSensitive ? option : matchCase(option, value);
    }
  }
  return match;
}

/** Appends BuildKit's ` (did you mean X?)` to a message when one applies. */
export function withSuggestion(
  message: string,
  value: string,
  options: readonly string[],
  caseSensitive: boolean,
): string {
  const match = suggestName(value, options, caseSensitive);
  return match === undefined ? message : `${message} (did you mean ${match}?)`;
}

function matchCase(option: string, original: string): string {
  if (original === original.toLowerCase()) return option.toLowerCase();
  if (original === original.toUpperCase()) return option.toUpperCase();
  return option;
}

function editDistance(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  let previous = Array.from({ length: right.length + 1 }, (_, i) => i);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + cost,
      );
    }
    previous = current;
  }
  return previous[right.length];
}
