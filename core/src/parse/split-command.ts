// Splits a joined instruction line into keyword, leading `--flags` and the
// rest, as BuildKit's command splitter does.

import {
  fromByteString,
  goTrimSpace,
  hasNonAscii,
  isGoSpace,
  splitBlankOnce,
  toByteString,
} from './text.ts';

/** An instruction line taken apart. */
export interface SplitCommand {
  /** The keyword as written. */
  command: string;
  /** Flag words with quotes and escapes removed; a bare `--` is dropped. */
  flags: string[];
  /** The text after the flags, trimmed. */
  rest: string;
}

/** Takes an instruction line apart into keyword, flags and arguments. */
export function splitCommand(line: string, escapeToken: string): SplitCommand {
  const parts = splitBlankOnce(goTrimSpace(line));
  if (parts.length === 1) return { command: parts[0], flags: [], rest: '' };
  const escape = escapeToken.charCodeAt(0);
  if (!hasNonAscii(parts[1])) {
    const { rest, flags } = extractFlags(parts[1], escape);
    return { command: parts[0], flags, rest: goTrimSpace(rest) };
  }
  // BuildKit scans flags byte by byte: a non-ASCII flag keeps its bytes as
  // Latin-1 characters, and UTF-8 bytes 0x85 and 0xA0 count as spaces.
  const { rest, flags } = extractFlags(toByteString(parts[1]), escape);
  return {
    command: parts[0],
    flags,
    rest: goTrimSpace(fromByteString(rest)),
  };
}

const IN_SPACES = 0;
const IN_WORD = 1;
const IN_QUOTE = 2;

function extractFlags(
  line: string,
  escape: number,
): { rest: string; flags: string[] } {
  const flags: string[] = [];
  let phase = IN_SPACES;
  let word = '';
  let quote = 0;
  let blankOk = false;

  for (let pos = 0; pos <= line.length; pos++) {
    const end = pos === line.length;
    let ch = end ? 0 : line.charCodeAt(pos);
    if (phase === IN_SPACES) {
      if (end) break;
      if (isGoSpace(ch)) continue;
      // Flags stop at the first word that does not start with `--`.
      if (
        ch !== 0x2d ||
        pos + 1 === line.length ||
        line.charCodeAt(pos + 1) !== 0x2d
      ) {
        return { rest: line.slice(pos), flags };
      }
      phase = IN_WORD;
    }
    if (end) {
      if (word !== '--' && (blankOk || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === IN_WORD) {
      if (isGoSpace(ch)) {
        phase = IN_SPACES;
        if (word === '--') return { rest: line.slice(pos), flags };
        if (blankOk || word.length > 0) flags.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOk = true;
        phase = IN_QUOTE;
        continue;
      }
      if (ch === escape) {
        if (pos + 1 === line.length) continue;
        pos++;
        word += line[pos];
        continue;
      }
      // A run of ordinary characters goes into the word in one slice.
      const end = wordRunEnd(line, pos + 1, escape);
      word += line.slice(pos, end);
      pos = end - 1;
      continue;
    }
    if (ch === quote) {
      phase = IN_WORD;
      continue;
    }
    if (ch === escape) {
      if (pos + 1 === line.length) {
        phase = IN_WORD;
        continue;
      }
      pos++;
      ch = line.charCodeAt(pos);
    }
    word += String.fromCharCode(ch);
  }
  return { rest: '', flags };
}

// Finds where a flag word's ordinary characters from `start` end: at a
// space, a quote or the escape character.
function wordRunEnd(line: string, start: number, escape: number): number {
  let end = start;
  for (; end < line.length; end++) {
    const code = line.charCodeAt(end);
    if (isGoSpace(code) || code === 0x27 || code === 0x22 || code === escape) {
      break;
    }
  }
  return end;
}
