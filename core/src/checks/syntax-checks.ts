// The checks BuildKit runs while reading instructions, before any stage is
// dispatched: keyword and stage-name casing, MAINTAINER, stage names,
// definition comments and empty continuation lines. They cover every stage.

import type { Diagnostic } from '../model/diagnostic.ts';
import type {
  ArgInstruction,
  Dockerfile,
  FromInstruction,
} from '../model/instructions.ts';
import type { DockerfileSyntax, InstructionNode } from '../model/syntax.ts';
import { INSTRUCTION_NAMES } from '../instructions/read-dockerfile.ts';
import { isGoSpace } from '../parse/text.ts';
import type { Linter } from './linter.ts';
import {
  CONSISTENT_INSTRUCTION_CASING,
  DUPLICATE_STAGE_NAME,
  FROM_AS_CASING,
  INVALID_DEFINITION_DESCRIPTION,
  MAINTAINER_DEPRECATED,
  NO_EMPTY_CONTINUATION,
  RESERVED_STAGE_NAME,
  STAGE_NAME_CASING,
} from './rules.ts';

const RESERVED_STAGE_NAMES = new Set(['context', 'scratch']);
const KNOWN = new Set<string>(INSTRUCTION_NAMES);

/**
 * Runs the reading-time checks over the syntax tree and its typed stages;
 * `parserWarnings` are the parser's own (empty continuation) warnings.
 */
export function checkSyntax(
  syntax: DockerfileSyntax,
  dockerfile: Dockerfile,
  lint: Linter,
  parserWarnings: Diagnostic[],
): void {
  for (const warning of parserWarnings) {
    if (warning.code !== NO_EMPTY_CONTINUATION.code || !warning.location) {
      continue;
    }
    const rule = NO_EMPTY_CONTINUATION;
    lint.run(rule, warning.location.range, rule.format());
  }

  const read = readInstructionsByLine(dockerfile);
  for (const node of syntax.instructions) {
    checkNode(node, read.get(node.range.start.line), lint);
  }
  checkStageNames(dockerfile, lint);
  checkCommandCasing(syntax, lint);
}

/** Returns an instruction's keyword as the user wrote it. */
export function keywordAsWritten(node: InstructionNode): string {
  const text = node.original;
  // The keyword is ASCII in every instruction the checks look at.
  let start = 0;
  while (start < text.length && isGoSpace(text.charCodeAt(start))) start++;
  let end = start;
  while (end < text.length && !isGoSpace(text.charCodeAt(end))) end++;
  const word = text.slice(start, end);
  return word.toUpperCase() === node.keyword ? word : node.keyword;
}

function checkNode(
  node: InstructionNode,
  read: FromInstruction | ArgInstruction | undefined,
  lint: Linter,
): void {
  const range = node.range;
  if (node.keyword === 'MAINTAINER') {
    const rule = MAINTAINER_DEPRECATED;
    lint.run(rule, range, rule.format(), true);
    return;
  }
  if (node.keyword === 'ARG' && read?.kind === 'ARG') {
    const keys = read.args.map((arg) => arg.key);
    checkDescription('ARG', keys, node.comments, node, lint);
    return;
  }
  if (node.keyword !== 'FROM') return;

  const args = node.args;
  if (args.length === 3 && args[2] !== args[2].toLowerCase()) {
    lint.run(STAGE_NAME_CASING, range, STAGE_NAME_CASING.format(args[2]), true);
  }
  const command = keywordAsWritten(node);
  if (args.length >= 3 && !casingMatches(command, args[1])) {
    const message = FROM_AS_CASING.format(command, args[1]);
    lint.run(FROM_AS_CASING, range, message, true);
  }
  if (read?.kind === 'FROM' && read.stageName) {
    checkDescription('FROM', [read.stageName.value], node.comments, node, lint);
  }
}

// A mixed-case FROM is ConsistentInstructionCasing's business, not this one's.
function casingMatches(command: string, as: string): boolean {
  const lower = command === command.toLowerCase();
  const upper = command === command.toUpperCase();
  if (!lower && !upper) return true;
  return lower ? as === as.toLowerCase() : as === as.toUpperCase();
}

// The last comment above ARG or FROM should start with the name it documents.
function checkDescription(
  instruction: string,
  keys: string[],
  comments: string[],
  node: InstructionNode,
  lint: Linter,
): void {
  if (comments.length === 0 || keys.length === 0) return;
  const first = comments[comments.length - 1].split(' ')[0];
  if (keys.includes(first)) return;
  const example = keys.length > 1 ? '<arg_key>' : keys[0];
  const rule = INVALID_DEFINITION_DESCRIPTION;
  lint.run(rule, node.range, rule.format(instruction, example), true);
}

function checkStageNames(dockerfile: Dockerfile, lint: Linter): void {
  const names = new Set<string>();
  for (const stage of dockerfile.stages) {
    const name = stage.name;
    if (name === undefined) continue;
    const range = stage.from.range;
    if (RESERVED_STAGE_NAMES.has(name)) {
      lint.run(RESERVED_STAGE_NAME, range, RESERVED_STAGE_NAME.format(name));
    }
    if (names.has(name)) {
      lint.run(DUPLICATE_STAGE_NAME, range, DUPLICATE_STAGE_NAME.format(name));
    }
    names.add(name);
  }
}

// Counts the keywords of every stage (not the ARGs before the first FROM)
// written all lower or all upper case; a tie counts as upper case.
function checkCommandCasing(syntax: DockerfileSyntax, lint: Linter): void {
  const first = syntax.instructions.findIndex((n) => n.keyword === 'FROM');
  if (first < 0) return;
  const nodes = syntax.instructions
    .slice(first)
    .filter((node) => KNOWN.has(node.keyword));

  let lower = 0;
  let upper = 0;
  const written = nodes.map(keywordAsWritten);
  for (const word of written) {
    if (word === word.toLowerCase()) lower++;
    else if (word === word.toUpperCase()) upper++;
  }

  const majorityLower = lower > upper;
  const rule = CONSISTENT_INSTRUCTION_CASING;
  nodes.forEach((node, i) => {
    const word = written[i];
    if (majorityLower && word !== word.toLowerCase()) {
      lint.run(rule, node.range, rule.format(word, 'lowercase'));
    } else if (!majorityLower && word !== word.toUpperCase()) {
      lint.run(rule, node.range, rule.format(word, 'uppercase'));
    }
  });
}

function readInstructionsByLine(
  dockerfile: Dockerfile,
): Map<number, FromInstruction | ArgInstruction> {
  const byLine = new Map<number, FromInstruction | ArgInstruction>();
  for (const arg of dockerfile.globalArgs)
    byLine.set(arg.range.start.line, arg);
  for (const stage of dockerfile.stages) {
    byLine.set(stage.from.range.start.line, stage.from);
    for (const command of stage.commands) {
      if (command.kind === 'ARG') byLine.set(command.range.start.line, command);
    }
  }
  return byLine;
}
