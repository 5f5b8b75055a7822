// The glob patterns of `${v#p}`, `${v%p}` and `${v/p/r}`: `*` and `?`
// wildcards, `\` escapes, no bracket expressions; matched as BuildKit does.

/** Thrown inside the lexer for an invalid pattern; caught by the caller. */
export class PatternError extends Error {}

/**
 * Converts a shell pattern to a regular expression source (Go semantics:
 * `.` never matches a newline). Throws PatternError on a bad escape.
 */
export function patternToRegex(
  pattern: string,
  greedy: boolean,
  anchored: boolean,
): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? '^' : '';
  const star = greedy ? '[^\\n]*' : '[^\\n]*?';
  for (let i = 0; i < chars.length; i++) {
    let char = chars[i];
    switch (char) {
      case '*':
        out += star;
        continue;
      case '?':
        out += '[^\\n]';
        continue;
      case '\\': {
        const next = chars[i + 1];
        // `}` and `/` are escaped to keep them out of the `${}` syntax only.
        if (next === '}' || next === '/') continue;
        i++;
        if (next !== '*' && next !== '?' && next !== '\\') {
          throw new PatternError(`invalid escape '\\${next ?? '\ufffd'}'`);
        }
        out += '\\' + next;
        continue;
      }
      case '[':
      case ']':
      case '{':
      case '}':
      case '.':
      case '+':
      case '(':
      case ')':
      case '|':
      case '^':
      case '$':
        out += '\\' + char;
        continue;
    }
    out += char;
  }
  return new RegExp(out, 'gu');
}

/** Removes the shortest (or longest, when greedy) prefix matching `pattern`. */
export function trimPrefix(
  pattern: string,
  value: string,
  greedy: boolean,
): string {
  const re = compile(pattern, greedy, true);
  re.lastIndex = 0;
  const match = re.exec(value);
  return match === null ? value : value.slice(match[0].length);
}

/** Removes the shortest (or longest, when greedy) suffix matching `pattern`. */
export function trimSuffix(
  pattern: string,
  value: string,
  greedy: boolean,
): string {
  const reversed = trimPrefix(reversePattern(pattern), reverse(value), greedy);
  return reverse(reversed);
}

/**
 * Replaces the first (or every) match of `pattern` in `value`. Replacing all
 * follows Go's `ReplaceAllString`: `$` in the replacement is a template and
 * an empty match right after a match is skipped.
 */
export function replacePattern(
  pattern: string,
  value: string,
  replacement: string,
  all: boolean,
): string {
  const re = compile(pattern, true, false);
  if (!all) {
    re.lastIndex = 0;
    const match = re.exec(value);
    if (match === null) return value;
    const end = match.index + match[0].length;
    return value.slice(0, match.index) + replacement + value.slice(end);
  }
  let out = '';
  let lastEnd = 0;
  let search = 0;
  while (search <= value.length) {
    re.lastIndex = search;
    const match = re.exec(value);
    if (match === null) break;
    const start = match.index;
    const end = start + match[0].length;
    out += value.slice(lastEnd, start);
    if (end > lastEnd || start === 0) {
      out += expandTemplate(replacement, match[0]);
    }
    lastEnd = end;
    const width = (value.codePointAt(search) ?? 0) > 0xffff ? 2 : 1;
    if (search + width > end) search += width;
    else if (search + 1 > end) search++;
    else search = end;
  }
  return out + value.slice(lastEnd);
}

function compile(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  try {
    return patternToRegex(pattern, greedy, anchored);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PatternError(
      `invalid pattern (${pattern}) in substitution: ${reason}`,
    );
  }
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

// Go's regexp template: `$0`/`${0}` is the match, `$$` a dollar, other
// names refer to groups that do not exist and expand to nothing.
function expandTemplate(template: string, match: string): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const char = template[i];
    if (char !== '$') {
      out += char;
      i++;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    let name = '';
    let next = i + 1;
    const braced = template[next] === '{';
    if (braced) next++;
    while (next < template.length && NAME_CHAR.test(template[next])) {
      name += template[next];
      next++;
    }
    if (name === '' || (braced && template[next] !== '}')) {
      out += '$';
      i++;
      continue;
    }
    if (braced) next++;
    if (name === '0') out += match;
    i = next;
  }
  return out;
}

function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last;) {
    const outIndex = last - i;
    if (chars[i] === '\\' && i !== last) {
      out[outIndex - 1] = chars[i];
      out[outIndex] = chars[i + 1];
      i += 2;
    } else {
      out[outIndex] = chars[i];
      i++;
    }
  }
  return out.join('');
}

function reverse(text: string): string {
  return Array.from(text).reverse().join('');
}
