// Builds one instruction node from a joined line: keyword, flags and the
// arguments read by that keyword's line parser (ONBUILD nests a node).

import type { InstructionNode } from '../model/syntax.ts';
import {
  parseHealthConfig,
  parseMaybeJSON,
  parseMaybeJSONToList,
  parseNameOrNameVal,
  parseNameVal,
  parseString,
  parseStringsWhitespaceDelimited,
} from './line-parsers.ts';
import type { LineArgs } from './line-parsers.ts';
import { splitCommand } from './split-command.ts';

/** The keywords BuildKit knows, lower-cased. */
export const KNOWN_INSTRUCTIONS: readonly string[] = [
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
];

const EMPTY_RANGE = {
  start: { line: 0, column: 0 },
  end: { line: 0, column: 0 },
};

/** A node without its range yet, or the error that stopped it. */
export type NodeResult =
  | { node: InstructionNode; known: boolean; command: string }
  | { error: { code: string; message: string } };

/** Builds the node for one joined instruction line. */
export function buildNode(
  line: string,
  escapeToken: string,
  comments: string[],
): NodeResult {
  const { command, flags, rest } = splitCommand(line, escapeToken);
  const lower = command.toLowerCase();
  const escape = escapeToken.charCodeAt(0);
  const known = KNOWN_INSTRUCTIONS.includes(lower);

  let trigger: InstructionNode | undefined;
  let parsed: LineArgs;
  if (lower === 'onbuild') {
    if (rest === '') {
      parsed = { args: [], json: false };
    } else {
      const child = buildNode(rest, escapeToken, []);
      if ('error' in child) return child;
      trigger = child.node;
      parsed = { args: [child.command, ...child.node.args], json: false };
    }
  } else {
    parsed = parseArgs(lower, rest, escape);
    if (parsed.error !== undefined) return { error: parsed.error };
  }

  const node: InstructionNode = {
    keyword: command.toUpperCase(),
    flags,
    args: parsed.args,
    json: parsed.json,
    heredocs: [],
    original: line,
    comments,
    range: EMPTY_RANGE,
  };
  if (trigger !== undefined) node.trigger = trigger;
  return { node, known, command };
}

function parseArgs(keyword: string, rest: string, escape: number): LineArgs {
  switch (keyword) {
    case 'add':
    case 'copy':
    case 'volume':
      return parseMaybeJSONToList(rest);
    case 'cmd':
    case 'entrypoint':
    case 'run':
    case 'shell':
      return parseMaybeJSON(rest);
    case 'env':
      return parseNameVal(rest, 'ENV', escape);
    case 'label':
      return parseNameVal(rest, 'LABEL', escape);
    case 'arg':
      return parseNameOrNameVal(rest, escape);
    case 'expose':
    case 'from':
      return parseStringsWhitespaceDelimited(rest);
    case 'healthcheck':
      return parseHealthConfig(rest);
    case 'maintainer':
    case 'stopsignal':
    case 'user':
    case 'workdir':
      return parseString(rest);
  }
  // Unknown keywords keep one empty argument, as BuildKit's parser does.
  return { args: [''], json: false };
}
