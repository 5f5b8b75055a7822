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

/** Expands variables and removes quotes in one word, without splitting. */
export function expandWord(
  word: string,
  lookup: Lookup,
  escapeToken = '\\',
  options?: LexOptions,
): ExpandedWord {
  const result = lexShellWord(word, lookup, escapeToken, options);
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
