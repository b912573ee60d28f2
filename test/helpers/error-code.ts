import { expect } from "vitest";
import { VigilError } from "../../src/errors.js";

/** The VigilError code a promise rejects with, or "no error"; any other failure is rethrown. */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VigilError) return err.code;
    throw err;
  }
  return "no error";
}

/** Asserts that the promise rejects with a VigilError of `code`, and returns that error. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<VigilError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VigilError);
  expect((err as VigilError).code).toBe(code);
  return err as VigilError;
}
