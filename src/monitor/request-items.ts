/**
 * The items (events or labels) of an ingest request body, each with its own JSON text:
 * - NDJSON: one item per non-blank line;
 * - a JSON array: the array is split into its elements by a scan that follows only strings
 *   and brackets, and each element is parsed on its own.
 * Keeping each item's text means ingest stores the event exactly as received without
 * re-serializing it (the larger part of the cost of a JSON.stringify per event), and one
 * malformed element is refused alone instead of failing the whole request. A body whose
 * structure is broken (an unterminated array or string) is VIGIL_MALFORMED_JSON.
 */
import { VigilError } from "../errors.js";
import type { IncomingItem } from "./events.js";

function malformed(message: string): VigilError {
  return new VigilError("VIGIL_MALFORMED_JSON", `The request body is not valid JSON: ${message}`);
}

function parseItem(text: string, extra: { line?: number } = {}): IncomingItem {
  try {
    return { value: JSON.parse(text), text, ...extra };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { value: undefined, parseError: reason, ...extra };
  }
}

/** An item as split, to be parsed later (by parseIncoming, possibly on another thread). */
function rawItem(text: string, extra: { line?: number } = {}): IncomingItem {
  return { value: undefined, text, unparsed: true, ...extra };
}

/** The item parsed, if it was split without parsing; else itself. */
export function parseIncoming(item: IncomingItem): IncomingItem {
  if (!item.unparsed) return item;
  return parseItem(item.text as string, item.line === undefined ? {} : { line: item.line });
}

/**
 * Splits an NDJSON body into items; blank lines are skipped, lines are 1-based. With
 * `parse` false each item keeps only its text (see parseIncoming).
 */
export function ndjsonItems(text: string, parse = true): IncomingItem[] {
  const make = parse ? parseItem : rawItem;
  const items: IncomingItem[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = n;
    line++;
    let raw = text.slice(start, end);
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    start = end + 1;
    if (raw.trim() !== "") items.push(make(raw, { line }));
  }
  return items;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * One array element that is an object or array nested at most three levels, with the
 * whitespace around it and the "," or "]" after it (sticky: it matches at lastIndex only).
 * Each alternative starts with a different character, so a failed match backtracks in
 * linear time; the element's text (group 1) is what the loop in jsonTextItems would cut.
 */
export const ARRAY_ELEMENT = (() => {
  // A string, "unrolled" (runs of plain characters between escapes): each escape starts
  // with a backslash, which a run cannot contain, so there is one way to match.
  const str = String.raw`"[^"\\]*(?:\\[\s\S][^"\\]*)*"`;
  const other = String.raw`[^{}\[\]"]`;
  const nest = (inner: string) =>
    String.raw`(?:\{(?:${other}|${str}|${inner})*\}|\[(?:${other}|${str}|${inner})*\])`;
  const depth3 = nest(nest(nest("(?!)")));
  return new RegExp(String.raw`\s*(${depth3})\s*([,\]])`, "y");
})();

/** Index just past the string whose opening quote is at `i`; -1 when unterminated. */
function skipString(text: string, i: number): number {
  for (let q = text.indexOf('"', i + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    for (let b = q - 1; text.charCodeAt(b) === 0x5c; b--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
  return -1;
}

/**
 * Items of a JSON body given as text: an array of items, or one item (an object). Anything
 * else is VIGIL_INVALID_EVENT; a body that is not JSON at all is VIGIL_MALFORMED_JSON.
 * With `parse` false the elements of an array keep only their text (see parseIncoming).
 */
export function jsonTextItems(text: string, parse = true): IncomingItem[] {
  const make = parse ? parseItem : rawItem;
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x5b /* [ */) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw malformed(err instanceof Error ? err.message : String(err));
    }
    return jsonItems(value, text.trim());
  }
  const items: IncomingItem[] = [];
  i++;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 0x5d /* ] */) {
    i++;
  } else {
    for (;;) {
      // Most elements are objects nested a few levels: matched by one regular expression
      // (about twice as fast as the loop below, which handles everything else).
      ARRAY_ELEMENT.lastIndex = i;
      const m = ARRAY_ELEMENT.exec(text);
      if (m !== null) {
        items.push(make(m[1] as string));
        i = ARRAY_ELEMENT.lastIndex;
        if (m[2] === "]") break;
        continue;
      }
      const start = i;
      let depth = 0;
      let end = -1;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x22 /* " */) {
          i = skipString(text, i);
          if (i < 0) throw malformed(`an unterminated string in element ${items.length}`);
          continue;
        }
        if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (depth === 0) {
            end = i;
            break;
          }
          depth--;
        } else if (c === 0x2c /* , */ && depth === 0) {
          end = i;
          break;
        }
        i++;
      }
      if (end < 0) throw malformed("the array is not closed");
      items.push(make(text.slice(start, end).trim()));
      const c = text.charCodeAt(end);
      i = end + 1;
      if (c === 0x5d /* ] */) break;
      if (c !== 0x2c)
        throw malformed(`unexpected "${text[end]}" after element ${items.length - 1}`);
    }
  }
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (i < n) throw malformed(`unexpected text after the array at position ${i}`);
  return items;
}

/** Items of an already parsed JSON body: an array of items or one item object. */
export function jsonItems(body: unknown, text?: string): IncomingItem[] {
  if (Array.isArray(body)) return body.map((value) => ({ value }));
  if (typeof body === "object" && body !== null) {
    return [text === undefined ? { value: body } : { value: body, text }];
  }
  throw new VigilError(
    "VIGIL_INVALID_EVENT",
    "The body must be a JSON array, one JSON object, or NDJSON (application/x-ndjson).",
    [{ field: "", message: "not an array or object" }],
  );
}
