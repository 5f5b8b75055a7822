// BuildKit's wording when reading an instruction fails: the build error names
// the line the instruction starts on, ahead of the reader's own message.

/** Returns `dockerfile parse error on line N: <message>`. */
export function parseFailure(line: number, message: string): string {
  return `dockerfile parse error on line ${line}: ${message}`;
}
