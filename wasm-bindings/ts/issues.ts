// Issues the package makes itself, for problems found before a request
// reaches the core. Not part of the package's API: common.ts leaves this
// module out.

import { glue } from "./glue.js";
import type { Issue, ProblemCode } from "./types.js";

/** A result with issues. */
export type Failure = { readonly ok: false; readonly issues: readonly Issue[] };

/** Makes the issue for a problem found before the request reached the core. */
export function localIssue(code: ProblemCode, locale: string, params: Record<string, unknown>): Issue {
  const message = glue().renderMessage(code, locale, JSON.stringify(params));
  return { code, path: [], message, params };
}

/** Returns whether JSON.stringify leaves `value` out of an object (and writes null in an array). */
export function isDropped(value: unknown): boolean {
  return typeof value === "function" || typeof value === "symbol";
}

/** Describes `value` for an issue's params, such as `a function named f` or `5`. */
export function describe(value: unknown): string {
  if (typeof value === "function") {
    return value.name === "" ? "a function" : `a function named ${value.name}`;
  }
  if (typeof value === "symbol") {
    return `a symbol, ${String(value)}`;
  }
  if (typeof value === "string") {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  return String(value);
}

/**
 * Returns the failure for settings that are not an object, which the
 * package would otherwise ignore, or `undefined` for an object. `undefined`
 * and `null` are no settings. `locale` is the locale of other settings, for
 * the message.
 */
export function settingsFailure(settings: unknown, locale?: unknown): Failure | undefined {
  if (settings === undefined || settings === null) {
    return undefined;
  }
  if (typeof settings === "object" && !Array.isArray(settings)) {
    return undefined;
  }
  const detail =
    'settings must be an object such as { locale: "zh-CN", options: {} }, ' +
    `got ${describe(settings)}`;
  const issue = localIssue("invalid_request", typeof locale === "string" ? locale : "en", { detail });
  return { ok: false, issues: [issue] };
}
