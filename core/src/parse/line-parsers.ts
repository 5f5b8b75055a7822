// Argument shapes per instruction: BuildKit's line parsers, which turn the
// text after the flags into the node's argument list.

import { goQuote } from '../diagnostics/go-quote.ts';
import {
  fromByteString,
  goTrimLeft,
  hasNonAscii,
  isGoSpace,
  splitBlank,
  splitBlankOnce,
  toByteString,
} from './text.ts';

/** Arguments of one instruction, or why they could not be read. */
export interface LineArgs {
  args: string[];
  /** True when the arguments came from a JSON array. */
  json: boolean;
  error?: { code: string; message: string };
}

const NO_ARGS: LineArgs = { args: [], json: false };

const NOT_STRINGS =
  'when using JSON array syntax, arrays must be comprised of strings only';

/** Reads ENV-style `k=v ...` pairs, or the legacy `KEY value` form. */
export function parseNameVal(
  rest: string,
  keyword: string,
  escape: number,
): LineArgs {
  const words = parseWords(rest, escape);
  if (words.length === 0) return NO_ARGS;

  if (!words[0].includes('=')) {
    const parts = splitBlankOnce(rest);
    if (parts.length < 2) {
      return fail('missing-argument', `${keyword} must have two arguments`);
    }
    return { args: [parts[0], parts[1] as string, ''], json: false };
  }

  const args: string[] = [];
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq < 0) {
      return fail(
        'missing-equals',
        `Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`,
      );
    }
    args.push(word.slice(0, eq), word.slice(eq + 1), '=');
  }
  return { args, json: false };
}

/** Reads ARG's list of words (quotes kept). */
export function parseNameOrNameVal(rest: string, escape: number): LineArgs {
  return { args: parseWords(rest, escape), json: false };
}

/** Splits on runs of blanks; no quote handling. */
export function parseStringsWhitespaceDelimited(rest: string): LineArgs {
  if (rest === '') return NO_ARGS;
  return { args: splitBlank(rest), json: false };
}

/** Keeps the whole rest of the line as one argument. */
export function parseString(rest: string): LineArgs {
  if (rest === '') return NO_ARGS;
  return { args: [rest], json: false };
}

/** Reads a JSON array if there is one, else the rest as one argument. */
export function parseMaybeJSON(rest: string): LineArgs {
  if (rest === '') return NO_ARGS;
  const json = parseJSON(rest);
  if (json !== undefined) return json;
  return { args: [rest], json: false };
}

/** Reads a JSON array if there is one, else a blank-separated list. */
export function parseMaybeJSONToList(rest: string): LineArgs {
  const json = parseJSON(rest);
  if (json !== undefined) return json;
  return parseStringsWhitespaceDelimited(rest);
}

/** Reads HEALTHCHECK's type word, then the rest as for CMD. */
export function parseHealthConfig(rest: string): LineArgs {
  // BuildKit finds the type word byte by byte (see split-command.ts).
  const bytes = hasNonAscii(rest);
  const text = bytes ? toByteString(rest) : rest;
  let sep = 0;
  while (sep < text.length && !isGoSpace(text.charCodeAt(sep))) sep++;
  if (sep === 0) return NO_ARGS;
  let next = sep;
  while (next < text.length && isGoSpace(text.charCodeAt(next))) next++;
  const type = text.slice(0, sep);
  const tail = text.slice(next);
  const command = parseMaybeJSON(bytes ? fromByteString(tail) : tail);
  if (command.error !== undefined) return command;
  const typeText = bytes ? fromByteString(type) : type;
  return { args: [typeText, ...command.args], json: command.json };
}

/**
 * Splits on unquoted whitespace, keeping quotes and escape characters in the
 * words (they are removed later, by the shell lexer).
 */
export function parseWords(rest: string, escape: number): string[] {
  const words: string[] = [];
  const length = rest.length;
  let start = -1;
  let quote = 0;
  let blankOk = false;

  // Words are slices of the line: only an escape character that ends the
  // line is dropped, so no character-by-character copying is needed.
  for (let pos = 0; pos < length; pos++) {
    const ch = rest.charCodeAt(pos);
    if (start < 0) {
      if (isGoSpace(ch)) continue;
      start = pos;
      blankOk = false;
    }
    if (quote === 0) {
      if (isGoSpace(ch)) {
        if (blankOk || pos > start) words.push(rest.slice(start, pos));
        start = -1;
      } else if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOk = true;
      } else if (ch === escape) {
        if (pos + 1 === length) return finish(words, rest, start, pos, blankOk);
        pos++;
      }
      continue;
    }
    if (ch === quote) {
      quote = 0;
    } else if (ch === escape && quote !== 0x27) {
      if (pos + 1 === length) return finish(words, rest, start, pos, blankOk);
      pos++;
    }
  }
  return start < 0 ? words : finish(words, rest, start, length, blankOk);
}

function finish(
  words: string[],
  rest: string,
  start: number,
  end: number,
  blankOk: boolean,
): string[] {
  if (blankOk || end > start) words.push(rest.slice(start, end));
  return words;
}

function parseJSON(rest: string): LineArgs | undefined {
  const text = goTrimLeft(rest);
  if (text.charCodeAt(0) !== 0x5b) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const args: string[] = [];
  for (const item of value) {
    // Go fails to decode numbers out of float64 range and falls back.
    if (typeof item === 'number' && !Number.isFinite(item)) return undefined;
  }
  for (const item of value) {
    if (typeof item !== 'string') return fail('json-not-strings', NOT_STRINGS);
    args.push(wellFormed(item));
  }
  return { args, json: true };
}

// Go's JSON decoder turns lone surrogate escapes into U+FFFD.
function wellFormed(text: string): string {
  if (!/[\ud800-\udfff]/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += text[i] + text[i + 1];
        i++;
        continue;
      }
      out += '\ufffd';
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += text[i];
    }
  }
  return out;
}

function fail(code: string, message: string): LineArgs {
  return { args: [], json: false, error: { code, message } };
}
