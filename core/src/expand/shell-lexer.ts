// BuildKit's shell-word lexer: quote removal, `$name` / `${name...}`
// expansion and word splitting, with `\` or `` ` `` as the escape character.

import { goQuote } from '../diagnostics/go-quote.ts';
import { isGoSpace } from '../parse/text.ts';
import {
  PatternError,
  replacePattern,
  trimPrefix,
  trimSuffix,
} from './shell-pattern.ts';

/** Looks a variable up; `undefined` means unset. */
export type Lookup = (name: string) => string | undefined;

/** Switches of BuildKit's lexer (all off by default). */
export interface LexOptions {
  /** Keep quote characters in the result. */
  rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written. */
  skipUnsetEnv?: boolean;
  /** Treat quotes as ordinary characters. */
  skipProcessQuotes?: boolean;
}

/** The outcome of lexing one word. */
export interface LexResult {
  /** The expanded word (quotes removed, no splitting). */
  value: string;
  /** The words after splitting on unquoted whitespace. */
  words: string[];
  /** Names looked up and found unset, in order of first use. */
  unmatched: string[];
  /** Names looked up and found set, in order of first use. */
  matched: string[];
  /** BuildKit's error text when the word is invalid. */
  error?: string;
}

const EOF = -1;

class LexError extends Error {}

/**
 * Runs BuildKit's lexer over `source`; never throws. With `split` false the
 * words are not collected (`words` comes back empty), which saves the work
 * when only the expanded value is wanted.
 */
export function lexShellWord(
  source: string,
  lookup: Lookup,
  escapeToken = '\\',
  options: LexOptions = {},
  split = true,
): LexResult {
  const lexer = new ShellLexer(source, lookup, escapeToken, options, split);
  try {
    const { text, words } = lexer.processStopOn(EOF, lexer.rawEscapes);
    return {
      value: text,
      words,
      unmatched: lexer.unmatchedList(),
      matched: lexer.matchedList(),
    };
  } catch (error) {
    const reason =
      error instanceof LexError || error instanceof PatternError
        ? error.message
        : String(error);
    return {
      value: '',
      words: [],
      unmatched: lexer.unmatchedList(),
      matched: lexer.matchedList(),
      error: `failed to process ${goQuote(source)}: ${reason}`,
    };
  }
}

class ShellLexer {
  private pos: number;
  private readonly escape: number;
  // Names in order of first use; a word names few, so arrays beat sets.
  private readonly unmatched: string[] = [];
  private readonly matched: string[] = [];
  private buf = '';
  rawEscapes: boolean;

  constructor(
    private readonly src: string,
    private readonly lookup: Lookup,
    escapeToken: string,
    private readonly options: LexOptions,
    private readonly split: boolean,
  ) {
    this.escape = escapeToken.charCodeAt(0);
    this.rawEscapes = options.rawEscapes === true;
    // Go's text/scanner skips a byte-order mark at the very start.
    this.pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  unmatchedList(): string[] {
    return this.unmatched;
  }

  matchedList(): string[] {
    return this.matched;
  }

  private peek(): number {
    if (this.pos >= this.src.length) return EOF;
    return this.src.codePointAt(this.pos) as number;
  }

  private next(): number {
    if (this.pos >= this.src.length) return EOF;
    const point = this.src.codePointAt(this.pos) as number;
    this.pos += point > 0xffff ? 2 : 1;
    return point;
  }

  processStopOn(
    stop: number,
    rawEscapes: boolean,
  ): { text: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.scan(stop);
    } finally {
      this.rawEscapes = saved;
    }
  }

  private scan(stop: number): { text: string; words: string[] } {
    let result = '';
    const words: string[] = [];
    let inWord = false;
    const quotes = this.options.skipProcessQuotes !== true;
    const split = this.split;
    const src = this.src;
    // BuildKit shares one word buffer between nested scans and clears it on
    // entry, so `${v:-w}` drops the partial word before it when splitting.
    this.buf = '';

    const addChar = (ch: number): void => {
      if (isGoSpace(ch)) {
        if (inWord && this.buf.length !== 0) {
          words.push(this.buf);
          this.buf = '';
          inWord = false;
        }
        return;
      }
      this.buf += String.fromCodePoint(ch);
      inWord = true;
    };
    // Adds src[start, end), which holds no character the lexer treats
    // specially, as addChar would one character at a time.
    const addRun = (start: number, end: number): void => {
      let from = start;
      for (let i = start; i < end; i++) {
        if (!isGoSpace(src.charCodeAt(i))) continue;
        if (i > from) {
          this.buf += src.slice(from, i);
          inWord = true;
        }
        addChar(0x20);
        from = i + 1;
      }
      if (end > from) {
        this.buf += src.slice(from, end);
        inWord = true;
      }
    };
    const flush = (): string[] => {
      if (this.buf.length > 0) {
        words.push(this.buf);
        this.buf = '';
      }
      return words;
    };

    while (this.peek() !== EOF) {
      let ch = this.peek();
      if (stop !== EOF && ch === stop) {
        this.next();
        return { text: result, words: flush() };
      }
      if (
        ch === 0x24 ||
        ch === 0x3c ||
        (quotes && (ch === 0x27 || ch === 0x22))
      ) {
        let piece: string;
        if (ch === 0x24) piece = this.processDollar();
        else if (ch === 0x3c) piece = this.processPossibleHeredoc();
        else if (ch === 0x27) piece = this.processSingleQuote();
        else piece = this.processDoubleQuote();
        result += piece;
        if (!split) continue;
        if (ch === 0x24) {
          for (const char of piece) addChar(char.codePointAt(0) as number);
        } else {
          this.buf += piece;
          inWord = true;
        }
        continue;
      }
      if (ch !== this.escape) {
        // A run of ordinary characters is taken in one piece.
        const start = this.pos;
        const end = this.plainRunEnd(start, stop, quotes);
        result += src.slice(start, end);
        if (split) addRun(start, end);
        this.pos = end;
        continue;
      }
      this.next();
      if (this.rawEscapes) {
        if (split) {
          this.buf += String.fromCodePoint(ch);
          inWord = true;
        }
        result += String.fromCodePoint(ch);
      }
      ch = this.next();
      if (ch === EOF) break;
      if (split) {
        this.buf += String.fromCodePoint(ch);
        inWord = true;
      }
      result += String.fromCodePoint(ch);
    }
    if (stop !== EOF) {
      throw new LexError(
        `unexpected end of statement while looking for matching ${String.fromCodePoint(stop)}`,
      );
    }
    return { text: result, words: split ? flush() : words };
  }

  // Finds where the ordinary characters from `start` end. Every special
  // character is in the BMP, so code units can be compared one by one.
  private plainRunEnd(start: number, stop: number, quotes: boolean): number {
    const src = this.src;
    const escape = this.escape;
    let end = start + 1;
    for (; end < src.length; end++) {
      const code = src.charCodeAt(end);
      if (
        code === 0x24 ||
        code === 0x3c ||
        code === escape ||
        code === stop ||
        (quotes && (code === 0x27 || code === 0x22))
      ) {
        break;
      }
    }
    return end;
  }

  private processSingleQuote(): string {
    let result = '';
    const open = this.next();
    if (this.options.rawQuotes) result += String.fromCodePoint(open);
    for (;;) {
      const ch = this.next();
      if (ch === EOF) {
        throw new LexError(
          'unexpected end of statement while looking for matching single-quote',
        );
      }
      if (ch === 0x27) {
        if (this.options.rawQuotes) result += "'";
        return result;
      }
      result += String.fromCodePoint(ch);
    }
  }

  private processDoubleQuote(): string {
    let result = '';
    const open = this.next();
    if (this.options.rawQuotes) result += String.fromCodePoint(open);
    for (;;) {
      const peeked = this.peek();
      if (peeked === EOF) {
        throw new LexError(
          'unexpected end of statement while looking for matching double-quote',
        );
      }
      if (peeked === 0x22) {
        this.next();
        if (this.options.rawQuotes) result += '"';
        return result;
      }
      if (peeked === 0x24) {
        result += this.processDollar();
        continue;
      }
      let ch = this.next();
      if (ch === this.escape) {
        if (this.rawEscapes) result += String.fromCodePoint(ch);
        const after = this.peek();
        if (after === EOF) continue;
        if (after === 0x22 || after === 0x24 || after === this.escape) {
          ch = this.next();
        }
      }
      result += String.fromCodePoint(ch);
    }
  }

  private processDollar(): string {
    this.next();
    if (this.peek() !== 0x7b) {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.options.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }

    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === 0x7b || first === 0x7d || first === 0x3a) {
      throw new LexError('syntax error: bad substitution');
    }
    const name = this.processName();
    let ch = this.next();
    let chs = runeText(ch);

    if (ch === 0x7d) {
      const value = this.getEnv(name);
      if (value === undefined && this.options.skipUnsetEnv) {
        return '${' + name + '}';
      }
      return value ?? '';
    }
    if (ch === 0x2f) return this.processReplace(name);

    let nullIsUnset = false;
    if (ch === 0x3a) {
      nullIsUnset = true;
      ch = this.next();
      chs += runeText(ch);
    } else if (!isModifier(ch)) {
      throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }

    const trims = ch === 0x23 || ch === 0x25;
    if (nullIsUnset && trims) {
      throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }
    const word = this.wordUntilBrace(trims);
    const value = this.getEnv(name);
    if (this.options.skipUnsetEnv && value === undefined) {
      return '${' + name + chs + word + '}';
    }
    return applyModifier(name, ch, chs, word, value, nullIsUnset);
  }

  private processReplace(name: string): string {
    const all = this.peek() === 0x2f;
    if (all) this.next();
    let pattern: string;
    try {
      pattern = this.processStopOn(0x2f, true).text;
    } catch (error) {
      if (this.peek() === EOF) {
        throw new LexError("syntax error: missing '/' in ${}");
      }
      throw error;
    }
    const replacement = this.wordUntilBrace(true);
    const value = this.getEnv(name);
    if (this.options.skipUnsetEnv && value === undefined) {
      return '${' + name + '/' + pattern + '/' + replacement + '}';
    }
    return replacePattern(pattern, value ?? '', replacement, all);
  }

  private wordUntilBrace(rawEscapes: boolean): string {
    try {
      return this.processStopOn(0x7d, rawEscapes).text;
    } catch (error) {
      if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
      throw error;
    }
  }

  private processName(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek();
      if (name.length === 0 && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek())) {
          name += String.fromCodePoint(this.next());
        }
        return name;
      }
      if (name.length === 0 && isSpecialParam(ch)) {
        return String.fromCodePoint(this.next());
      }
      if (!isLetter(ch) && !isDigit(ch) && ch !== 0x5f) break;
      name += String.fromCodePoint(this.next());
    }
    return name;
  }

  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== 0x3c) return '<';
    this.next();
    let space = '';
    for (;;) {
      const ch = this.peek();
      if (ch !== 0x09 && ch !== 0x0d && ch !== 0x20) break;
      space += String.fromCharCode(ch);
      this.next();
    }
    return '<<' + space;
  }

  private getEnv(name: string): string | undefined {
    const value = this.lookup(name);
    const names = value === undefined ? this.unmatched : this.matched;
    if (!names.includes(name)) names.push(name);
    return value;
  }
}

function applyModifier(
  name: string,
  op: number,
  chs: string,
  word: string,
  value: string | undefined,
  nullIsUnset: boolean,
): string {
  const unset = value === undefined;
  const empty = unset || (nullIsUnset && value === '');
  switch (op) {
    case 0x2d: // -
      return empty ? word : (value as string);
    case 0x2b: // +
      return empty ? '' : word;
    case 0x3f: {
      // ?
      if (unset) {
        throw new LexError(`${name}: ${word || 'is not allowed to be unset'}`);
      }
      if (nullIsUnset && value === '') {
        throw new LexError(`${name}: ${word || 'is not allowed to be empty'}`);
      }
      return value;
    }
    case 0x25: // %
    case 0x23: {
      // #
      let pattern = word;
      let greedy = false;
      if (pattern.length > 0 && pattern.charCodeAt(0) === op) {
        greedy = true;
        pattern = pattern.slice(1);
      }
      const subject = value ?? '';
      return op === 0x25
        ? trimSuffix(pattern, subject, greedy)
        : trimPrefix(pattern, subject, greedy);
    }
  }
  throw new LexError(`unsupported modifier (${chs}) in substitution`);
}

function isModifier(ch: number): boolean {
  return (
    ch === 0x2b || ch === 0x2d || ch === 0x3f || ch === 0x23 || ch === 0x25
  );
}

function isSpecialParam(ch: number): boolean {
  // @ * # ? - $ ! 0
  return (
    ch === 0x40 ||
    ch === 0x2a ||
    ch === 0x23 ||
    ch === 0x3f ||
    ch === 0x2d ||
    ch === 0x24 ||
    ch === 0x21 ||
    ch === 0x30
  );
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isLetter(ch: number): boolean {
  if (ch < 0x80) return (ch | 0x20) >= 0x61 && (ch | 0x20) <= 0x7a;
  return LETTER.test(String.fromCodePoint(ch));
}

function isDigit(ch: number): boolean {
  if (ch < 0x80) return ch >= 0x30 && ch <= 0x39;
  return DIGIT.test(String.fromCodePoint(ch));
}

// Go prints the end-of-input rune (-1) as U+FFFD.
function runeText(ch: number): string {
  return ch === EOF ? '\ufffd' : String.fromCodePoint(ch);
}
