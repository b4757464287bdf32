import type { LineIndex } from '../../diag/index.js';
import type { TextSegment } from '../resources.js';

export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

interface Piece {
  offset: number;
  text: string;
}

/** Escapes of a double-quoted YAML scalar: each stands for characters not in the source. */
const DOUBLE_QUOTED_ESCAPE = /\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\r\n|[\s\S])/g;

/**
 * Where the characters of a string scalar's value sit in the file. The source is cut into
 * pieces of literal text (a line's content without its indentation; the text between
 * escapes or doubled quotes), and each piece is found, in order, in the value. If any piece
 * cannot be found the mapping is not exact and `undefined` is returned: callers then point
 * at the scalar itself rather than at a wrong character.
 */
export function textSegments(
  text: string,
  start: number,
  end: number,
  style: ScalarStyle,
  value: string,
  lines: LineIndex,
): TextSegment[] | undefined {
  const pieces = scalarPieces(text, start, end, style);
  if (!pieces) return undefined;
  const segments: TextSegment[] = [];
  let cursor = 0;
  for (const piece of pieces) {
    if (piece.text.length === 0) continue;
    const index = value.indexOf(piece.text, cursor);
    if (index < 0) return undefined;
    const position = lines.position(piece.offset);
    segments.push({ index, length: piece.text.length, offset: piece.offset, line: position.line, column: position.column });
    cursor = index + piece.text.length;
  }
  return segments;
}

function scalarPieces(text: string, start: number, end: number, style: ScalarStyle): Piece[] | undefined {
  switch (style) {
    case 'PLAIN':
      return linePieces(text, start, end);
    case 'QUOTE_SINGLE':
      return quotedPieces(text, start, end, /''/g);
    case 'QUOTE_DOUBLE':
      return quotedPieces(text, start, end, DOUBLE_QUOTED_ESCAPE);
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      // Skip the header line (`|`, `>-`, `|2` ...); the content starts on the next line.
      const headerEnd = text.indexOf('\n', start);
      if (headerEnd < 0 || headerEnd >= end) return [];
      return linePieces(text, headerEnd + 1, end);
    }
    default:
      return undefined;
  }
}

/**
 * One piece per source line, without indentation or trailing blanks (trimming a piece can
 * only make it shorter, so it is still found in the value).
 */
function linePieces(text: string, start: number, end: number): Piece[] {
  const pieces: Piece[] = [];
  let lineStart = start;
  while (lineStart <= end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let a = lineStart;
    let b = lineEnd;
    while (a < b && (text[a] === ' ' || text[a] === '\t')) a++;
    if (text[b - 1] === '\r') b--;
    while (b > a && (text[b - 1] === ' ' || text[b - 1] === '\t')) b--;
    pieces.push({ offset: a, text: text.slice(a, b) });
    lineStart = lineEnd + 1;
  }
  return pieces;
}

/** The literal runs of a quoted scalar between its escapes, line by line. */
function quotedPieces(text: string, start: number, end: number, escape: RegExp): Piece[] | undefined {
  const quote = text[start];
  if (text[end - 1] !== quote || end - start < 2) return undefined;
  const pieces: Piece[] = [];
  for (const line of linePieces(text, start + 1, end - 1)) {
    let last = 0;
    for (const match of line.text.matchAll(escape)) {
      pieces.push({ offset: line.offset + last, text: line.text.slice(last, match.index) });
      last = (match.index as number) + match[0].length;
    }
    pieces.push({ offset: line.offset + last, text: line.text.slice(last) });
  }
  return pieces;
}
