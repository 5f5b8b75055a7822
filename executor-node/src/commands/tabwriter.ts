// Aligns tab-separated cells the way Go's text/tabwriter does with a space
// pad character, so tables and `inspect` blocks line up as buildx prints them.

/** Options as Go's `tabwriter.NewWriter(w, minwidth, 0, padding, ' ', 0)` takes them. */
export interface TabwriterOptions {
  minWidth?: number;
  padding?: number;
}

/**
 * Formats text whose cells end in tabs: a column block is a run of adjacent
 * lines that have a cell in that column, and each block is as wide as its
 * widest cell plus padding. The last cell of each line is never padded.
 */
export function formatTabbed(
  text: string,
  options: TabwriterOptions = {},
): string {
  const minWidth = options.minWidth ?? 0;
  const padding = options.padding ?? 1;
  const hasNewline = text.endsWith('\n');
  const rows = (hasNewline ? text.slice(0, -1) : text)
    .split('\n')
    .map((line) => line.split('\t'));
  const widths: number[][] = rows.map(() => []);
  layout(rows, 0, 0, rows.length, minWidth, padding, widths);

  const out = rows.map((cells, r) =>
    cells
      .map((cell, c) =>
        c < cells.length - 1
          ? cell + ' '.repeat(Math.max(0, widths[r]![c]! - runeCount(cell)))
          : cell,
      )
      .join(''),
  );
  return out.join('\n') + (hasNewline ? '\n' : '');
}

// Go's format(): for `column`, find each block of lines that have a cell
// there (a line's last cell does not count), size it, then recurse.
function layout(
  rows: string[][],
  column: number,
  from: number,
  to: number,
  minWidth: number,
  padding: number,
  widths: number[][],
): void {
  let r = from;
  while (r < to) {
    if (column >= rows[r]!.length - 1) {
      r++;
      continue;
    }
    const start = r;
    let width = minWidth;
    for (; r < to && column < rows[r]!.length - 1; r++) {
      width = Math.max(width, runeCount(rows[r]![column]!) + padding);
    }
    for (let i = start; i < r; i++) widths[i]![column] = width;
    layout(rows, column + 1, start, r, minWidth, padding, widths);
  }
}

function runeCount(text: string): number {
  return [...text].length;
}
