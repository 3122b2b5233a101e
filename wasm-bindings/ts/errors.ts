// The errors the package throws. Validation failures are returned as data by
// every function except the `parse` methods, which throw
// XuetongValidationError; nothing in the package throws a string.

import type { Issue, PathSegment } from "./types.js";

/** At most this many issues are spelled out in an error message. */
const ISSUES_IN_MESSAGE = 5;

/** Writes a path the way the Rust library does: `sessions[3].start_time`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) {
    return "(input)";
  }
  let text = "";
  for (const [position, segment] of path.entries()) {
    if (typeof segment === "number") {
      text += `[${segment}]`;
    } else {
      text += position === 0 ? segment : `.${segment}`;
    }
  }
  return text;
}

function summarize(operation: string, issues: readonly Issue[]): string {
  const shown = issues
    .slice(0, ISSUES_IN_MESSAGE)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = issues.length - shown.length;
  if (more > 0) {
    shown.push(`and ${more} more`);
  }
  const noun = issues.length === 1 ? "problem" : "problems";
  return `${operation} found ${issues.length} ${noun}: ${shown.join("; ")}`;
}

/**
 * Thrown by `parse` when the input is invalid. `issues` holds every problem
 * found, each with its code, path, message and params.
 */
export class XuetongValidationError extends Error {
  override readonly name = "XuetongValidationError";
  /** The same for every validation failure; the issues carry the details. */
  readonly code = "validation_failed";
  /** The operation that rejected the input, such as `validate_course`. */
  readonly operation: string;
  /** Every problem found. */
  readonly issues: readonly Issue[];

  constructor(operation: string, issues: readonly Issue[]) {
    super(summarize(operation, issues));
    this.operation = operation;
    this.issues = issues;
  }
}

/**
 * Thrown when a function is called before the WebAssembly module it needs
 * is loaded: in browsers, `await init()` before calling the package, and
 * `await initFullApi()` before calling an operation of the full module with
 * `call` (or use `callAsync`, which loads it).
 */
export class XuetongNotInitializedError extends Error {
  override readonly name = "XuetongNotInitializedError";
  readonly code = "not_initialized";
  /** The operation that needs the full module, when that module is missing. */
  readonly operation: string | undefined;

  constructor(operation?: string) {
    super(
      operation === undefined
        ? "the xuetong WebAssembly module is not loaded yet; await init() before calling the package"
        : `operation "${operation}" runs in the full xuetong module, which is not loaded yet; ` +
            "await initFullApi() before calling it, or use callAsync",
    );
    this.operation = operation;
  }
}
