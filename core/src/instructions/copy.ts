// COPY and ADD: flags, source paths, heredoc sources (inline files) and the
// destination, with BuildKit's argument and flag rules.

import type { CopyInstruction, Word } from '../model/instructions.ts';
import type { Heredoc, InstructionNode } from '../model/syntax.ts';
import type { FlagSpec } from './flags.ts';
import type { ReadResult } from './node.ts';
import { baseOf, failure, offsetAfter, readFlags, wordOf } from './node.ts';

const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/;

const COPY_FLAGS: FlagSpec = {
  chown: 'string',
  from: 'string',
  chmod: 'string',
  link: 'bool',
  exclude: 'strings',
  parents: 'bool',
};

const ADD_FLAGS: FlagSpec = {
  chown: 'string',
  chmod: 'string',
  link: 'bool',
  'keep-git-dir': 'bool',
  checksum: 'string',
  unpack: 'bool',
  exclude: 'strings',
};

/** Reads a COPY or ADD instruction. */
export function readCopy(node: InstructionNode): ReadResult<CopyInstruction> {
  const kind = node.keyword === 'ADD' ? 'ADD' : 'COPY';
  if (node.args.length < 2) {
    return failure(
      'invalid-arguments',
      `${kind} requires at least two arguments, but only one was provided. Destination could not be determined`,
    );
  }
  const flags = readFlags(node, kind === 'ADD' ? ADD_FLAGS : COPY_FLAGS);
  if (!flags.ok) return flags;
  const { strings, bools, lists, used } = flags.instruction;

  const destText = node.args[node.args.length - 1];
  if (isHeredocWord(destText)) {
    return failure(
      'invalid-arguments',
      `${kind} cannot accept a heredoc as a destination`,
    );
  }

  const sources: Word[] = [];
  const heredocs: Heredoc[] = [];
  const pending = [...node.heredocs];
  let at = node.flags.reduce((offset, f) => offsetAfter(node, f, offset), 0);
  for (const src of node.args.slice(0, -1)) {
    const word = wordOf(node, src, at);
    at = offsetAfter(node, src, at);
    const doc = isHeredocWord(src) ? pending.shift() : undefined;
    if (doc) heredocs.push(doc);
    else sources.push(word);
  }

  const instruction: CopyInstruction = {
    kind,
    ...baseOf(node),
    sources,
    dest: wordOf(node, destText, at),
    heredocs,
    link: bools.link ?? false,
    parents: bools.parents ?? false,
    exclude: lists.exclude,
  };
  if (strings.from !== undefined) {
    instruction.from = wordOf(node, strings.from);
  }
  if (strings.chmod !== undefined && strings.chmod !== '')
    instruction.chmod = strings.chmod;
  if (strings.chown !== undefined && strings.chown !== '')
    instruction.chown = strings.chown;
  if (kind === 'ADD') {
    if (strings.checksum) instruction.checksum = strings.checksum;
    if (used.includes('keep-git-dir'))
      instruction.keepGitDir = bools['keep-git-dir'];
    if (used.includes('unpack')) instruction.unpack = bools.unpack;
  }
  return { ok: true, instruction };
}

/** Tells whether a word names a heredoc (`<<EOF`, `<<-"EOF"`), as BuildKit's ParseHeredoc does. */
export function isHeredocWord(word: string): boolean {
  const match = HEREDOC_WORD.exec(word);
  if (match === null || match[3] === '') return false;
  // The delimiter must be one shell word: whitespace only inside quotes.
  const unquoted = match[3].replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '');
  return !/\s/.test(unquoted.trim());
}
