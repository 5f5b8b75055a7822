// The syntax tree of a Dockerfile, as BuildKit's parser sees it.
// Plain data; every node carries its 1-based range.

import type { Diagnostic, Range } from './diagnostic.ts';

/** A parser directive such as `# syntax=...`, `# escape=\``, `# check=...`. */
export interface Directive {
  name: string;
  value: string;
  range: Range;
}

/** One heredoc attached to an instruction (`<<EOF`, `<<-EOF`, `<<"EOF"`). */
export interface Heredoc {
  /** The delimiter word without quotes. */
  name: string;
  /** The body, including the final newline, with leading tabs removed for `<<-`. */
  content: string;
  /** False when the delimiter was quoted or escaped: no variable expansion. */
  expand: boolean;
  /** True for `<<-`. */
  chomp: boolean;
  range: Range;
}

/**
 * One instruction line (after joining continuations), before its meaning is
 * checked. `args` is BuildKit's `Next` chain: the argument words as the
 * instruction's line parser split them.
 */
export interface InstructionNode {
  /** Upper-cased keyword: `FROM`, `RUN`... (unknown words kept as written, upper-cased). */
  keyword: string;
  /** The leading `--flag[=value]` words, as written. */
  flags: string[];
  args: string[];
  /** True when the arguments were a JSON array (exec form). */
  json: boolean;
  heredocs: Heredoc[];
  /** The instruction's source text with continuations joined, as BuildKit's `Original`. */
  original: string;
  /** Comment lines directly above the instruction. */
  comments: string[];
  /** ONBUILD only: the wrapped instruction (BuildKit's nested node). */
  trigger?: InstructionNode;
  range: Range;
}

/** The whole parsed Dockerfile. */
export interface DockerfileSyntax {
  file: string;
  directives: Directive[];
  /** The escape character in force: `\` or `` ` ``. */
  escapeToken: string;
  instructions: InstructionNode[];
  diagnostics: Diagnostic[];
}
