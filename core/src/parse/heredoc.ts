// Finds the heredoc markers (`<<EOF`, `<<-'EOF'`, `3<<EOF`) in a RUN, COPY or
// ADD line, with BuildKit's rules for names and for expansion.

import { lexShellWord } from '../expand/shell-lexer.ts';

/** A heredoc marker found on an instruction line. */
export interface HeredocMarker {
  name: string;
  expand: boolean;
  chomp: boolean;
  fileDescriptor: number;
}

const MARKER = /^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const unset = (): undefined => undefined;

/** Lists the heredoc markers of a line, or BuildKit's error for a bad one. */
export function findHeredocs(
  line: string,
): { markers: HeredocMarker[] } | { error: string } {
  // A marker word starts with `<<` as written: expansion, quotes and escapes
  // cannot make one, so a line without `<<` needs no lexing.
  if (!line.includes('<<')) return { markers: [] };
  // BuildKit lexes the line with `\` whatever the escape directive says.
  const lexed = lexShellWord(line, unset, '\\', {
    rawQuotes: true,
    rawEscapes: true,
    skipUnsetEnv: true,
  });
  const markers: HeredocMarker[] = [];
  for (const word of lexed.words) {
    if (!word.includes('<<')) continue;
    const match = MARKER.exec(word);
    if (match === null || match[3] === '') continue;
    const marker = readMarker(match[3]);
    if (marker === undefined) continue;
    if ('error' in marker) return marker;
    markers.push({
      ...marker,
      chomp: match[2] === '-',
      fileDescriptor: match[1] === '' ? 0 : Number(match[1]),
    });
  }
  return { markers };
}

function readMarker(
  rest: string,
): { name: string; expand: boolean } | { error: string } | undefined {
  const plain = lexShellWord(rest, unset, '\\', { skipUnsetEnv: true });
  if (plain.error !== undefined) return { error: plain.error };
  if (plain.words.length !== 1) return undefined;
  const raw = lexShellWord(rest, unset, '\\', {
    rawQuotes: true,
    skipUnsetEnv: true,
  });
  if (raw.error !== undefined) return { error: raw.error };
  if (raw.words.length !== plain.words.length) {
    return {
      error: `internal lexing of heredoc produced inconsistent results: ${rest}`,
    };
  }
  // Any quoting in the name turns expansion of the body off.
  const name = plain.words[0];
  return { name, expand: countQuotes(name) === countQuotes(raw.words[0]) };
}

function countQuotes(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x27) count++;
  }
  return count;
}
