// Prints a syntax tree in BuildKit's AST dump format, the `result` format of
// its parser fixtures: one `(keyword ["--flags"] "arg" ...)` per line.

import type { DockerfileSyntax, InstructionNode } from '../model/syntax.ts';
import { goQuote, goQuoteList } from '../diagnostics/go-quote.ts';
import { goTrimSpace, splitBlankOnce } from './text.ts';

/** Prints the instructions as BuildKit's `Node.Dump` does (no final newline). */
export function dumpBuildkitAst(syntax: DockerfileSyntax): string {
  return syntax.instructions.map((node) => `(${dumpNode(node)})`).join('\n');
}

function dumpNode(node: InstructionNode): string {
  let out = keywordAsWritten(node).toLowerCase();
  if (node.flags.length > 0) out += ' ' + goQuoteList(node.flags);
  if (node.trigger !== undefined) {
    out += ` (${dumpNode(node.trigger)})`;
  } else {
    for (const arg of node.args) out += ' ' + goQuote(arg);
  }
  return goTrimSpace(out);
}

// The dump lower-cases the keyword as written, which `keyword` (upper-cased)
// cannot always give back for non-ASCII text.
function keywordAsWritten(node: InstructionNode): string {
  return splitBlankOnce(goTrimSpace(node.original))[0];
}
