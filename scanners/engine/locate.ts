export interface Span {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/**
 * 1-based line/column for each [start, end) offset pair, in one forward pass: offsets must be
 * sorted by start, which is how detect() produces them. `endColumn` is exclusive, as in SARIF.
 */
export function locate(text: string, ranges: [number, number][]): Span[] {
  let line = 1;
  let lineStart = 0;
  // indexOf jumps from line end to line end natively; most of a file holds no finding. The next
  // newline is remembered, so many findings on one long line do not each search to its end.
  let next = text.indexOf('\n');
  const advance = (to: number): void => {
    while (next !== -1 && next < to) {
      line++;
      lineStart = next + 1;
      next = text.indexOf('\n', next + 1);
    }
  };
  return ranges.map(([start, end]) => {
    advance(start);
    const startLine = line;
    const startColumn = start - lineStart + 1;
    // The end may lie beyond the next start (multi-line blocks); measure it without moving the cursor.
    let endLine = line;
    let endLineStart = lineStart;
    for (let j = start; j < end; j++) {
      if (text.charCodeAt(j) === 10) {
        endLine++;
        endLineStart = j + 1;
      }
    }
    return { startLine, startColumn, endLine, endColumn: end - endLineStart + 1 };
  });
}
