// Splits a command line into words the way a POSIX shell does for simple
// commands: quotes, backslash escapes and line continuations, no expansion.

/** The words of a command line, or why it could not be split. */
export type ShellWordsResult =
  { ok: true; words: string[] } | { ok: false; error: string };

/** Splits `line` into words honouring single quotes, double quotes and backslashes. */
export function splitShellWords(line: string): ShellWordsResult {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;

  for (let i = 0; i < line.length; i++) {
    const ch = line[i];

    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
      continue;
    }

    if (quote === '"') {
      if (ch === '"') {
        quote = undefined;
      } else if (ch === '\\' && i + 1 < line.length) {
        // Inside double quotes a backslash escapes only these characters.
        const next = line[i + 1];
        if (next === '\n') i++;
        else if ('"\\$`'.includes(next)) word += line[++i];
        else word += ch;
      } else {
        word += ch;
      }
      continue;
    }

    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= line.length)
        return { ok: false, error: 'trailing backslash' };
      const next = line[++i];
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }

  if (quote) return { ok: false, error: `unterminated ${quote} quote` };
  if (inWord) words.push(word);
  return { ok: true, words };
}
