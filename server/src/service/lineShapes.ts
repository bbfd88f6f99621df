// What the checks that run over every line (index, advisories) read of a requirement line: whether it may be
// judged, where its name and specifier are, its pin. A pure function of the line's text, memoized by that text,
// so the next version of a file costs a look-up for each unchanged line and builds no nodes: the parser keeps the
// nodes of only 128 lines a document, so every pass over a big file built them all again. Bounded: 20,000 shapes
// (about 250 bytes each); a file with more lines than that reads its lines afresh (a memo it would overflow on
// every pass would only cost copies).

import { detached } from '../syntax/detached.js';
import { shown } from '../syntax/query.js';
import type { LogicalLine, ParsedDocument, Range, RequirementNode } from '../syntax/types.js';
import { isSettled } from './settledLines.js';

/** A range on the line's own physical lines: lines counted from its first one (a shape does not know where the line is). */
export interface Place {
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
}

export interface LineShape {
  /** A named requirement without URL or path, and written out (see settledLines.ts): the index may judge it. */
  judged: boolean;
  /** The name as written, and where. */
  name?: { place: Place; shown: string };
  /** The specifier as pip compares it (`>=1,<2`), and as written for messages. */
  spec: string;
  shownSpec: string;
  specifier?: Place;
  /** The exact pin (`==1.0`, not `==1.*`) and how it is written. */
  pin?: string;
  pinShown?: string;
  /** The version advisories are asked about: an exact `==` (not `.*`) or `===`. */
  exact?: string;
}

/** Emptied when it grows past this (as the parser's memo of clean lines is): a look-up costs less than an LRU's. */
export const MAX_SHAPES = 20_000;
const shapes = new Map<string, LineShape>();

/** How the lines of `doc` are read: from the memo, unless the file has more lines than it holds. */
export function lineShapes(doc: ParsedDocument): (line: LogicalLine) => LineShape {
  return doc.lines.length <= MAX_SHAPES ? lineShape : shapeOf;
}

/**
 * The shape of a requirement line (one that names a project). Lines over several physical lines, and lines whose
 * `${NAME}`s were expanded, are read afresh: their text does not say all (where the breaks are; what was written).
 */
function lineShape(line: LogicalLine): LineShape {
  // (A requirement in a string is not at the start of its line: its places are its own, not the memo's.)
  const memoized = !line.host && line.firstLine === line.lastLine && line.written === undefined && !line.text.includes('${');
  if (!memoized) return shapeOf(line);
  let shape = shapes.get(line.text);
  if (!shape) {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(detached(line.text), (shape = shapeOf(line)));
  }
  return shape;
}

/** Forgets the shapes (benchmarks measure a cold pass with it). */
export function clearLineShapes(): void {
  shapes.clear();
}

/** Where `range` is on `line`'s own lines. */
export function placeOn(line: LogicalLine, range: Range): Place {
  const { start, end } = range;
  return { line: start.line - line.firstLine, character: start.character, endLine: end.line - line.firstLine, endCharacter: end.character };
}

/** The range a place stands for on a line that starts at `firstLine`. */
export function placed(place: Place, firstLine: number): Range {
  return { start: { line: firstLine + place.line, character: place.character }, end: { line: firstLine + place.endLine, character: place.endCharacter } };
}

function shapeOf(line: LogicalLine): LineShape {
  const r = line.requirement;
  const place = (range: Range) => placeOn(line, range);
  const clauses = r?.specifier?.clauses ?? [];
  const pin = pinOf(r);
  const exact = clauses.find((c) => (c.operator.text === '==' && !c.version?.text.endsWith('.*')) || c.operator.text === '===');
  // Copies, not slices of the document; one string where the text as written is the text read (most lines).
  const spec = detached(clauses.map((c) => `${c.operator.text}${c.version?.text ?? ''}`).join(','));
  const shownSpec = clauses.map((c) => `${shown(c.operator)}${c.version ? shown(c.version) : ''}`).join(',');
  const kept = pin && detached(pin);
  const exactVersion = r?.name && !r.url && !r.path && exact?.version?.written === undefined ? exact?.version?.text : undefined;
  return {
    judged: !!r?.name && !r.url && !r.path && isSettled(line),
    name: r?.name ? { place: place(r.name.range), shown: detached(shown(r.name)) } : undefined,
    spec,
    shownSpec: shownSpec === spec ? spec : detached(shownSpec),
    specifier: r?.specifier ? place(r.specifier.range) : undefined,
    pin: kept,
    pinShown: pin && (shown(clauses[0].version!) === pin ? kept : detached(shown(clauses[0].version!))),
    exact: exactVersion && (exactVersion === pin ? kept : detached(exactVersion)),
  };
}

function pinOf(r: RequirementNode | undefined): string | undefined {
  const c = r?.specifier?.clauses;
  return c?.length === 1 && c[0].operator.text === '==' && c[0].version && !c[0].version.text.endsWith('.*') ? c[0].version.text : undefined;
}
