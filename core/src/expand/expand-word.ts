// The two entry points the rest of Slipway uses: expand one word (BuildKit's
// ProcessWord) or expand and split into words (ProcessWords).

import { lexShellWord } from './shell-lexer.ts';
import type { LexOptions, Lookup } from './shell-lexer.ts';

/** The outcome of expanding one word. */
export interface ExpandedWord {
  value: string;
  /** Variables referenced but unset, in order of first use. */
  unmatched: string[];
  /** Variables referenced and set, in order of first use. */
  matched: string[];
  /** BuildKit's error text (`failed to process "...": ...`) on failure. */
  error?: string;
}

/** The outcome of expanding and splitting. */
export interface ExpandedWords {
  words: string[];
  unmatched: string[];
  error?: string;
}

// Shared by every plain word; nobody changes these lists.
const NOTHING: string[] = [];

/** Expands variables and removes quotes in one word, without splitting. */
export function expandWord(
  word: string,
  lookup: Lookup,
  escapeToken = '\\',
  options?: LexOptions,
): ExpandedWord {
  if (isPlain(word, escapeToken, options)) {
    return { value: word, unmatched: NOTHING, matched: NOTHING };
  }
  const result = lexShellWord(word, lookup, escapeToken, options, false);
  if (result.error !== undefined) {
    return {
      value: '',
      unmatched: result.unmatched,
      matched: result.matched,
      error: result.error,
    };
  }
  return {
    value: result.value,
    unmatched: result.unmatched,
    matched: result.matched,
  };
}

/** Expands variables, then splits on unquoted whitespace and removes quotes. */
export function expandWords(
  text: string,
  lookup: Lookup,
  escapeToken = '\\',
  options?: LexOptions,
): ExpandedWords {
  const result = lexShellWord(text, lookup, escapeToken, options);
  if (result.error !== undefined) {
    return { words: [], unmatched: result.unmatched, error: result.error };
  }
  return { words: result.words, unmatched: result.unmatched };
}

// A word with no `$` and no escape character comes out of the lexer as it
// went in when it has no quotes either, or when quotes are kept (rawQuotes)
// and every one is closed; most paths, names and RUN lines are such words.
function isPlain(
  word: string,
  escapeToken: string,
  options: LexOptions | undefined,
): boolean {
  const escape = escapeToken.charCodeAt(0);
  const quotes = options?.skipProcessQuotes !== true;
  const keepQuotes = options?.rawQuotes === true;
  let open = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code === 0x24 || code === escape || code === 0xfeff) return false;
    if (!quotes) continue;
    if (open !== 0) {
      if (code === open) open = 0;
    } else if (code === 0x22 || code === 0x27) {
      if (!keepQuotes) return false;
      open = code;
    }
  }
  return open === 0;
}
