// The Dockerfile parser: lines, comments, directives, continuations and
// heredoc bodies, in one pass, with BuildKit's rules. Never throws.

import type { Diagnostic, Range } from '../model/diagnostic.ts';
import type {
  Directive,
  DockerfileSyntax,
  Heredoc,
  InstructionNode,
} from '../model/syntax.ts';
import { parseFailure } from '../diagnostics/parse-failure.ts';
import { withSuggestion } from '../diagnostics/suggest.ts';
import { checkEscapeToken, DirectiveScanner } from './directives.ts';
import { findHeredocs } from './heredoc.ts';
import type { NodeResult } from './instruction-line.ts';
import { buildNode, KNOWN_INSTRUCTIONS } from './instruction-line.ts';
import {
  fromByteString,
  goTrimSpace,
  skipGoSpace,
  toByteString,
} from './text.ts';

const MAX_LINE_BYTES = 65535;
const EMPTY_CONTINUATION_URL =
  'https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/';
const INSTRUCTION_NAMES = KNOWN_INSTRUCTIONS.map((name) => name.toUpperCase());
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** Instruction lines already read, by escape character and joined text. */
export type ParseMemo = Map<string, MemoLine>;

/**
 * A line's node, its heredoc markers once they were looked for, and what
 * later stages read from its node (see readDockerfile), by the node's range.
 */
export interface MemoLine {
  line: string;
  built: NodeResult;
  heredocs?: ReturnType<typeof findHeredocs>;
  reads?: Map<string, unknown>;
}

const PARSE_MEMO_LIMIT = 20_000;

/**
 * Parses Dockerfile text into BuildKit's syntax tree plus diagnostics. A
 * memo kept between calls lets unchanged instructions skip their reading.
 */
export function parseDockerfile(
  text: string,
  file = 'Dockerfile',
  memo?: ParseMemo,
): DockerfileSyntax {
  return new Parser(text, file, memo).parse();
}

/**
 * Parses as parseDockerfile does with a memo, and returns beside the tree
 * each instruction's memo entry (undefined where it was not memoised).
 */
export function parseRemembered(
  text: string,
  file: string,
  memo: ParseMemo,
): { syntax: DockerfileSyntax; lines: (MemoLine | undefined)[] } {
  const parser = new Parser(text, file, memo);
  const syntax = parser.parse();
  return { syntax, lines: parser.lines };
}

class Parser {
  private pos = 0;
  private lineNo = 0;
  /** The current line without its line ending. */
  private line = '';
  private lineStart = 0;
  private escape = '\\';
  private readonly directiveScanner = new DirectiveScanner();
  private readonly directives: Directive[] = [];
  private readonly instructions: InstructionNode[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  /** The memo entry of the line buildNode last built, if memoised. */
  private memoLine: MemoLine | undefined;
  /** The memo entry of each instruction, if memoised. */
  readonly lines: (MemoLine | undefined)[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly memo: ParseMemo | undefined,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  parse(): DockerfileSyntax {
    let comments: string[] = [];
    while (this.nextLine()) {
      const raw = this.line;
      if (isComment(raw)) {
        const comment = goTrimSpace(dropFirstByte(raw));
        if (comment === '') comments = [];
        else comments.push(comment);
      }
      const first = raw.slice(skipGoSpace(raw, 0));
      if (this.scanDirective(first)) comments.pop();
      const startLine = this.lineNo;
      const startColumn = raw.length - first.length + 1;

      let [joined, done] = this.trimContinuation(isComment(first) ? '' : first);
      if (done && joined === '') continue;

      let emptyContinuation = false;
      while (!done && this.nextLine()) {
        const current = this.line;
        this.scanDirective(current);
        if (isComment(current)) continue;
        if (skipGoSpace(current, 0) === current.length) {
          emptyContinuation = true;
          continue;
        }
        const [part, end] = this.trimContinuation(current);
        joined += part;
        done = end;
      }

      if (emptyContinuation) {
        this.warnEmptyContinuation();
      }
      const node = this.finishNode(joined, comments, startLine, startColumn);
      if (node !== undefined) {
        this.instructions.push(node);
        this.lines.push(this.memoLine);
      }
      comments = [];
    }

    this.checkNotEmpty();
    return {
      file: this.file,
      directives: this.directives,
      escapeToken: this.escape,
      instructions: this.instructions,
      diagnostics: this.diagnostics,
    };
  }

  /** Advances to the next line; false at the end of the text. */
  private nextLine(): boolean {
    const text = this.text;
    if (this.pos >= text.length) return false;
    const start = this.pos;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    this.pos = end + 1;
    let contentEnd = end;
    while (contentEnd > start && text.charCodeAt(contentEnd - 1) === 0x0d) {
      contentEnd--;
    }
    this.line = text.slice(start, contentEnd);
    this.lineStart = start;
    this.lineNo++;
    if (
      this.line.length * 3 > MAX_LINE_BYTES &&
      utf8Length(this.line) > MAX_LINE_BYTES
    ) {
      this.error(
        'line-too-long',
        `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`,
        this.lineNo,
        this.lineNo,
      );
    }
    return true;
  }

  /** The current line with its line ending, as heredoc bodies keep it. */
  private rawLine(): string {
    return this.text.slice(
      this.lineStart,
      Math.min(this.pos, this.text.length),
    );
  }

  /** Feeds a line to the directive scanner; true when it was a directive. */
  private scanDirective(line: string): boolean {
    const result = this.directiveScanner.scan(line);
    if (result.kind === 'none') return false;
    if (result.kind === 'error') {
      this.error(result.code, result.message, this.lineNo, this.lineNo);
      return false;
    }
    if (result.name === 'escape') {
      const problem = checkEscapeToken(result.value);
      if (problem !== undefined) {
        this.error('invalid-escape-token', problem, this.lineNo, this.lineNo);
        return false;
      }
      this.escape = result.value;
    }
    this.directives.push({
      name: result.name,
      value: result.value,
      range: this.lineRange(this.lineNo, 1, this.line.length + 1),
    });
    return true;
  }

  /**
   * Removes a trailing escape character (plus blanks after it) that
   * continues the line; the flag is true when the line does not continue.
   */
  private trimContinuation(line: string): [string, boolean] {
    let i = line.length - 1;
    while (i >= 0) {
      const code = line.charCodeAt(i);
      if (code !== 0x20 && code !== 0x09) break;
      i--;
    }
    if (i < 0 || line[i] !== this.escape) return [line, true];
    if (i === 0) return ['', false];
    // An escaped escape character does not continue the line.
    if (line[i - 1] === this.escape) return [line, true];
    return [line.slice(0, i), false];
  }

  private finishNode(
    line: string,
    comments: string[],
    startLine: number,
    startColumn: number,
  ): InstructionNode | undefined {
    const built = this.buildNode(line, comments);
    if ('error' in built) {
      const { code, message } = built.error;
      this.error(code, message, startLine, this.lineNo);
      return undefined;
    }
    const { node } = built;

    if (canContainHeredoc(node) && line.includes('<<')) {
      const found = this.findHeredocs(line);
      if ('error' in found) {
        this.error('invalid-heredoc', found.error, startLine, this.lineNo);
        return undefined;
      }
      for (const marker of found.markers) {
        const heredoc = this.readHeredocBody(marker);
        if (heredoc === undefined) {
          this.error(
            'unterminated-heredoc',
            'unterminated heredoc',
            startLine,
            this.lineNo,
          );
          return undefined;
        }
        node.heredocs.push(heredoc);
      }
    }

    node.range = this.lineRange(startLine, startColumn, this.line.length + 1);
    if (node.trigger !== undefined) node.trigger.range = node.range;
    if (!built.known) {
      const message = withSuggestion(
        `unknown instruction: ${built.command}`,
        built.command,
        INSTRUCTION_NAMES,
        false,
      );
      this.diagnostics.push({
        code: 'unknown-instruction',
        severity: 'error',
        message,
        location: { file: this.file, range: node.range },
        failure: parseFailure(node.range.start.line, message),
      });
    }
    return node;
  }

  /** Builds a node, or copies the one built for the same line before. */
  private buildNode(line: string, comments: string[]): NodeResult {
    this.memoLine = undefined;
    if (this.memo === undefined) return buildNode(line, this.escape, comments);
    const key = this.escape + line;
    let entry = this.memo.get(key);
    if (entry === undefined) {
      if (this.memo.size >= PARSE_MEMO_LIMIT) this.memo.clear();
      // The entry outlives this text, so it keeps a copy of the line only.
      const copy = detach(line);
      entry = { line: copy, built: buildNode(copy, this.escape, []) };
      this.memo.set(this.escape + copy, entry);
    }
    this.memoLine = entry;
    const built = entry.built;
    if ('error' in built) return built;
    // Heredocs, range and comments are this occurrence's own.
    const node = { ...built.node, comments, heredocs: [] };
    if (node.trigger) node.trigger = { ...node.trigger, heredocs: [] };
    return { ...built, node };
  }

  /** Finds the heredoc markers of the line buildNode last built. */
  private findHeredocs(line: string): ReturnType<typeof findHeredocs> {
    if (this.memoLine === undefined) return findHeredocs(line);
    return (this.memoLine.heredocs ??= findHeredocs(this.memoLine.line));
  }

  private readHeredocBody(marker: {
    name: string;
    expand: boolean;
    chomp: boolean;
  }): Heredoc | undefined {
    let content = '';
    const firstLine = this.lineNo + 1;
    while (this.nextLine()) {
      let candidate = this.line;
      if (marker.chomp) {
        let tabs = 0;
        while (candidate.charCodeAt(tabs) === 0x09) tabs++;
        candidate = candidate.slice(tabs);
      }
      if (candidate === marker.name) {
        return {
          name: marker.name,
          content: marker.chomp ? chompTabs(content) : content,
          expand: marker.expand,
          chomp: marker.chomp,
          range: this.spanRange(firstLine, this.lineNo),
        };
      }
      content += this.rawLine();
    }
    return undefined;
  }

  private warnEmptyContinuation(): void {
    this.diagnostics.push({
      code: 'no-empty-continuation',
      severity: 'warning',
      message: 'Empty continuation line',
      location: {
        file: this.file,
        range: this.lineRange(this.lineNo, 1, this.line.length + 1),
      },
      url: EMPTY_CONTINUATION_URL,
    });
  }

  private checkNotEmpty(): void {
    if (this.instructions.length > 0) return;
    if (this.diagnostics.some((d) => d.severity === 'error')) return;
    if (this.text.length === 0) {
      this.diagnostics.push({
        code: 'empty-dockerfile',
        severity: 'error',
        message: 'the Dockerfile cannot be empty',
      });
      return;
    }
    const line = Math.max(this.lineNo, 1);
    this.error('no-instructions', 'file with no instructions', line, line);
  }

  private error(
    code: string,
    message: string,
    start: number,
    end: number,
  ): void {
    this.diagnostics.push({
      code,
      severity: 'error',
      message,
      location: { file: this.file, range: this.spanRange(start, end) },
    });
  }

  /** A range from column 1 of `start` to the end of the current line. */
  private spanRange(start: number, end: number): Range {
    const endColumn = end === this.lineNo ? this.line.length + 1 : 1;
    return {
      start: { line: start, column: 1 },
      end: { line: end, column: endColumn },
    };
  }

  private lineRange(start: number, column: number, endColumn: number): Range {
    return {
      start: { line: start, column },
      end: { line: this.lineNo, column: endColumn },
    };
  }
}

// BuildKit cuts the first byte (not character) off a comment line before
// trimming it; an indented comment keeps its `#`.
function dropFirstByte(line: string): string {
  if (line.charCodeAt(0) < 0x80) return line.slice(1);
  return fromByteString(toByteString(line).slice(1));
}

function isComment(line: string): boolean {
  const i = skipGoSpace(line, 0);
  return i < line.length && line.charCodeAt(i) === 0x23;
}

function canContainHeredoc(node: InstructionNode): boolean {
  const target = node.trigger ?? node;
  return HEREDOC_KEYWORDS.has(target.keyword) && !target.json;
}

// Strips leading tabs from every line, as `<<-` asks.
function chompTabs(content: string): string {
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let tabs = 0;
    while (lines[i].charCodeAt(tabs) === 0x09) tabs++;
    if (tabs > 0) lines[i] = lines[i].slice(tabs);
  }
  return lines.join('\n');
}

/**
 * Copies a line out of the text it was sliced from: engines may keep a
 * slice as a view of the whole text, which a memo would then keep alive.
 */
function detach(line: string): string {
  return (' ' + line).slice(1);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
