/**
 * Reads a JSON request body: parse, then one iterative walk that rejects nesting deeper than
 * the limit (so no handler recursing over the value can overflow the stack) and `__proto__`
 * keys (prototype poisoning once a handler spreads the object). The walk visits each value
 * once, so its cost is that of the parse's output, not of the bytes.
 */
import { VigilError } from "../errors.js";

export const DEFAULT_MAX_JSON_DEPTH = 64;

export function parseJsonBody(raw: Buffer, maxDepth: number = DEFAULT_MAX_JSON_DEPTH): unknown {
  if (raw.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new VigilError("VIGIL_MALFORMED_JSON", `The request body is not valid JSON: ${reason}`);
  }
  checkShape(value, maxDepth);
  return value;
}

function checkShape(root: unknown, maxDepth: number): void {
  if (root === null || typeof root !== "object") return;
  const stack: unknown[] = [root];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) {
      throw new VigilError(
        "VIGIL_JSON_TOO_DEEP",
        `The request body nests arrays and objects more than ${maxDepth} levels deep.`,
      );
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (v !== null && typeof v === "object") {
          stack.push(v);
          depths.push(depth + 1);
        }
      }
    } else {
      if (Object.hasOwn(node, "__proto__")) {
        throw new VigilError(
          "VIGIL_MALFORMED_JSON",
          'The request body has a "__proto__" key, which the server refuses.',
        );
      }
      for (const key in node) {
        const v: unknown = (node as Record<string, unknown>)[key];
        if (v !== null && typeof v === "object") {
          stack.push(v);
          depths.push(depth + 1);
        }
      }
    }
  }
}
