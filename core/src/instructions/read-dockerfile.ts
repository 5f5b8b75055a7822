// The syntax tree to typed stages: one reader per instruction, ARGs before
// the first FROM kept as global args, every bad instruction reported.

import type { Diagnostic } from '../model/diagnostic.ts';
import type {
  ArgInstruction,
  Dockerfile,
  Instruction,
  Stage,
} from '../model/instructions.ts';
import type { DockerfileSyntax, InstructionNode } from '../model/syntax.ts';
import type { MemoLine } from '../parse/parse-dockerfile.ts';
import { parseFailure } from '../diagnostics/parse-failure.ts';
import { withSuggestion } from '../diagnostics/suggest.ts';
import { readCommand, readShell } from './command.ts';
import { readCopy } from './copy.ts';
import { readFrom } from './from.ts';
import { readHealthcheck } from './healthcheck.ts';
import { readArg, readKeyValues } from './key-value.ts';
import { readExpose, readVolume } from './lists.ts';
import type { ReadResult } from './node.ts';
import { readOnbuild } from './onbuild.ts';
import { readRun } from './run.ts';
import { readSingleValue } from './single-value.ts';

/** Every instruction keyword BuildKit knows, upper case. */
export const INSTRUCTION_NAMES = [
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
] as const;

// Places one line is remembered at (a line moves as lines above it change).
const READS_PER_LINE = 16;

const READERS: Record<
  string,
  (node: InstructionNode) => ReadResult<Instruction>
> = {
  ADD: readCopy,
  ARG: readArg,
  CMD: readCommand,
  COPY: readCopy,
  ENTRYPOINT: readCommand,
  ENV: readKeyValues,
  EXPOSE: readExpose,
  FROM: readFrom,
  HEALTHCHECK: readHealthcheck,
  LABEL: readKeyValues,
  MAINTAINER: readSingleValue,
  ONBUILD: readOnbuild,
  RUN: readRun,
  SHELL: readShell,
  STOPSIGNAL: readSingleValue,
  USER: readSingleValue,
  VOLUME: readVolume,
  WORKDIR: readSingleValue,
};

/**
 * Reads a syntax tree into typed stages. Bad instructions become error
 * diagnostics and are left out; a bad FROM still opens a stage so later
 * instructions keep their place.
 */
export function readDockerfile(
  syntax: DockerfileSyntax,
  lines?: readonly (MemoLine | undefined)[],
): {
  dockerfile: Dockerfile;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const dockerfile: Dockerfile = {
    file: syntax.file,
    escapeToken: syntax.escapeToken,
    globalArgs: [],
    stages: [],
  };
  const directive = syntax.directives.find(
    (d) => d.name.toLowerCase() === 'syntax',
  );
  if (directive) dockerfile.syntax = directive.value;

  const reported = new Set(
    syntax.diagnostics
      .filter((d) => d.code === 'unknown-instruction' && d.location)
      .map((d) => d.location!.range.start.line),
  );
  for (let i = 0; i < syntax.instructions.length; i++) {
    const node = syntax.instructions[i];
    const line = lines?.[i];
    const result = line ? readRemembered(node, line) : readInstruction(node);
    if (!result.ok) {
      // The parser already names unknown instructions; say it once.
      const known =
        result.code === 'unknown-instruction' &&
        reported.has(node.range.start.line);
      if (known) continue;
      diagnostics.push({
        code: result.code,
        severity: 'error',
        message: result.message,
        location: { file: syntax.file, range: result.range ?? node.range },
        failure: parseFailure(node.range.start.line, result.message),
      });
      if (node.keyword === 'FROM') openStage(dockerfile, fallbackFrom(node));
      continue;
    }
    addInstruction(
      dockerfile,
      result.instruction,
      node,
      syntax.file,
      diagnostics,
    );
  }
  return { dockerfile, diagnostics };
}

/** Reads one instruction node into its typed form. */
export function readInstruction(
  node: InstructionNode,
): ReadResult<Instruction> {
  const reader = Object.hasOwn(READERS, node.keyword)
    ? READERS[node.keyword]
    : undefined;
  if (reader) return reader(node);
  const written = node.original.trim().split(/\s+/)[0] || node.keyword;
  return {
    ok: false,
    code: 'unknown-instruction',
    message: withSuggestion(
      `unknown instruction: ${written}`,
      written,
      INSTRUCTION_NAMES,
      false,
    ),
  };
}

// Reading depends on the node alone: its line (the memo entry's), its
// range, and heredocs, which come from later lines and so are read afresh.
// The typed instructions are never changed once read, so plans share them.
function readRemembered(
  node: InstructionNode,
  line: MemoLine,
): ReadResult<Instruction> {
  if (node.heredocs.length > 0 || (node.trigger?.heredocs.length ?? 0) > 0) {
    return readInstruction(node);
  }
  const { start, end } = node.range;
  const key = `${start.line}:${start.column}:${end.line}:${end.column}`;
  const reads = (line.reads ??= new Map()) as Map<
    string,
    ReadResult<Instruction>
  >;
  let result = reads.get(key);
  if (result === undefined) {
    if (reads.size >= READS_PER_LINE) reads.clear();
    result = readInstruction(node);
    reads.set(key, result);
  }
  return result;
}

function addInstruction(
  dockerfile: Dockerfile,
  instruction: Instruction,
  node: InstructionNode,
  file: string,
  diagnostics: Diagnostic[],
) {
  if (instruction.kind === 'FROM') {
    openStage(dockerfile, instruction);
    return;
  }
  const stage = dockerfile.stages.at(-1);
  if (stage) {
    stage.commands.push(instruction);
  } else if (instruction.kind === 'ARG') {
    dockerfile.globalArgs.push(instruction as ArgInstruction);
  } else {
    diagnostics.push({
      code: 'no-build-stage',
      severity: 'error',
      message: 'no build stage in current context',
      location: { file, range: node.range },
    });
  }
}

function openStage(dockerfile: Dockerfile, from: Stage['from']) {
  const stage: Stage = { index: dockerfile.stages.length, from, commands: [] };
  if (from.stageName) stage.name = from.stageName.value;
  dockerfile.stages.push(stage);
}

function fallbackFrom(node: InstructionNode): Stage['from'] {
  return {
    kind: 'FROM',
    range: node.range,
    original: node.original,
    image: { value: node.args[0] ?? 'scratch', range: node.range },
  };
}
