// Reads `WWW-Authenticate` headers: `Basic realm="..."` or `Bearer realm=...,
// service=...,scope=...,error=...`, possibly several challenges in one header.

/** One authentication challenge. */
export interface AuthChallenge {
  /** Lower-cased scheme, e.g. `bearer` or `basic`. */
  scheme: string;
  /** Parameters with lower-cased names. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parses a `WWW-Authenticate` header value into its challenges. */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let rest = header.trim();
  let current: AuthChallenge | undefined;

  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, '');
    const word = TOKEN.exec(rest)?.[0];
    if (!word) break;
    const after = rest.slice(word.length).replace(/^\s+/, '');

    if (after.startsWith('=') && current) {
      const { value, remaining } = readValue(after.slice(1).trimStart());
      current.params[word.toLowerCase()] = value;
      rest = remaining;
      continue;
    }
    // A word not followed by `=` starts a new challenge.
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
    rest = after;
  }
  return challenges;
}

function readValue(text: string): { value: string; remaining: string } {
  if (!text.startsWith('"')) {
    const end = text.search(/[\s,]/);
    return end < 0
      ? { value: text, remaining: '' }
      : { value: text.slice(0, end), remaining: text.slice(end) };
  }
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) value += text[++i];
    else if (c === '"') return { value, remaining: text.slice(i + 1) };
    else value += c;
  }
  return { value, remaining: '' };
}
