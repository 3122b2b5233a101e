// The package's API over the WebAssembly module: the JSON operation API,
// validators with a Standard Schema adapter, and message localization. Every
// rule runs in the Rust core; this file converts values and results only.

import { XuetongValidationError } from "./errors.js";
import { glue, loadFullModule, moduleFor, needsFullModule } from "./glue.js";
import { type Failure, describe, isDropped, localIssue, settingsFailure } from "./issues.js";
import type {
  Issue,
  Locale,
  OperationInfo,
  Operations,
  PathSegment,
  ProblemCodeInfo,
  Request,
  Result,
  ValidateSettings,
  ValidationOperation,
} from "./types.js";

/** The input type of a typed operation. */
export type InputOf<Name extends keyof Operations> = Operations[Name]["input"];
/** The options type of a typed operation. */
export type OptionsOf<Name extends keyof Operations> = Operations[Name]["options"];
/** The value type of a typed operation. */
export type ValueOf<Name extends keyof Operations> = Operations[Name]["value"];

/** The response document of the core, as JSON. */
type Response =
  | { ok: true; value: unknown }
  | { ok: false; problems: Issue[] };

/** Reads the message locale of a request without trusting its shape. */
function requestLocale(request: unknown): string {
  try {
    const locale = (request as { locale?: unknown } | null)?.locale;
    return typeof locale === "string" ? locale : "en";
  } catch {
    return "en";
  }
}

/** A UTF-16 surrogate without its other half, which JSON text cannot carry. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
/** How JSON.stringify writes an unpaired surrogate. */
const SURROGATE_ESCAPE = /\\ud[89a-f]/;

/**
 * The issue for a value JSON would change on the way to the core: a number
 * that is not finite (JSON.stringify writes it as null, so the field would
 * look empty), text with an unpaired surrogate (the core rejects the whole
 * request), or a function or symbol (JSON.stringify leaves the field out).
 * `path` starts at the request; issue paths start inside `input`.
 */
function unwritableIssue(path: readonly PathSegment[], value: unknown, locale: string): Issue | undefined {
  let expected: string;
  let shown: string;
  if (isDropped(value)) {
    expected = "a JSON value (text, a number, a boolean, null, an array or an object)";
    shown = describe(value);
  } else if (typeof value === "number" && !Number.isFinite(value)) {
    expected = "a finite number";
    shown = String(value);
  } else if (typeof value === "string" && LONE_SURROGATE.test(value)) {
    expected = "text without unpaired UTF-16 surrogates";
    shown = JSON.stringify(value.replace(LONE_SURROGATES, "\uFFFD"));
  } else {
    return undefined;
  }
  const issuePath = path[0] === "input" ? path.slice(1) : [...path];
  const names = path.filter((segment): segment is string => typeof segment === "string");
  const field = names[names.length - 1] ?? "input";
  const params = { expected, field, value: shown };
  const message = glue().renderMessage("invalid_type", locale, JSON.stringify(params));
  return { code: "invalid_type", path: issuePath, message, params };
}

/**
 * Writes a request as JSON text, or returns the failure when it cannot be
 * written (a BigInt, a cycle, or a `toJSON` that throws) or JSON would
 * change a value in it (NaN, Infinity, unpaired surrogates, functions and
 * symbols).
 */
function requestText(request: unknown): string | Failure {
  const locale = requestLocale(request);
  const paths = new WeakMap<object, PathSegment[]>();
  const issues: Issue[] = [];
  const pathOf = (holder: unknown, key: string): PathSegment[] => {
    const above = typeof holder === "object" && holder !== null ? paths.get(holder) : undefined;
    return above === undefined ? [] : [...above, Array.isArray(holder) ? Number(key) : key];
  };
  function replacer(this: unknown, key: string, value: unknown): unknown {
    if (typeof value === "object" && value !== null) {
      paths.set(value, pathOf(this, key));
    } else if (
      isDropped(value) ||
      (typeof value === "number" && !Number.isFinite(value)) ||
      (typeof value === "string" && LONE_SURROGATE.test(value))
    ) {
      const issue = unwritableIssue(pathOf(this, key), value, locale);
      if (issue !== undefined) {
        issues.push(issue);
      }
    }
    return value;
  }
  let dropped = false;
  const spotDropped = (_key: string, value: unknown): unknown => {
    if (isDropped(value)) {
      dropped = true;
    }
    return value;
  };
  try {
    const text = JSON.stringify(request, spotDropped) ?? "null";
    // A function or a symbol leaves no trace in the text, so the first
    // writing spots them with a replacer, which costs about 0.5 µs per
    // course form (BENCHMARKS.md). The other faults leave a trace (null, or
    // a surrogate written as an escape such as \ud800). Only when either
    // is found is the request written again with the replacer that finds
    // the paths, which costs about a microsecond per form.
    if (!dropped && !text.includes("null") && !SURROGATE_ESCAPE.test(text)) {
      return text;
    }
    JSON.stringify(request, replacer);
    return issues.length === 0 ? text : { ok: false, issues };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const issue = localIssue("malformed_json", locale, { detail });
    return { ok: false, issues: [issue] };
  }
}

function toResult(responseText: string): Result<unknown> {
  const response = JSON.parse(responseText) as Response;
  if (response.ok) {
    return { ok: true, value: response.value };
  }
  return { ok: false, issues: response.problems };
}

/**
 * Runs an operation of the JSON operation API on a request object and
 * returns its value or its issues. An unknown operation, an invalid
 * envelope or an input that cannot be written as JSON comes back as issues.
 *
 * @throws XuetongNotInitializedError in browsers before the module the
 * operation needs is loaded: `init()` for every operation, and also
 * `initFullApi()` for the operations of the full module.
 *
 * @example
 * const result = call("validate_course", { locale: "zh-CN", input: form });
 * if (!result.ok) show(result.issues);
 */
export function call<Name extends keyof Operations>(
  operation: Name,
  request: Request<InputOf<Name>, OptionsOf<Name>>,
): Result<ValueOf<Name>>;
export function call<Name extends string>(
  operation: Name extends keyof Operations ? never : Name,
  request: unknown,
): Result<unknown>;
export function call(operation: string, request: unknown): Result<unknown> {
  return callModule(operation, request);
}

/** Runs an operation, without the typed overloads of `call`. */
function callModule(operation: string, request: unknown): Result<unknown> {
  const text = requestText(request);
  if (typeof text !== "string") {
    return text;
  }
  const name = String(operation);
  return toResult(moduleFor(name).call(name, text));
}

/**
 * Runs an operation like `call`, first loading the full module when the
 * operation needs it and it is not loaded yet. In browsers this is the way
 * to call a server operation, such as `expand_schedule`, without loading
 * the full module ahead of time.
 */
export async function callAsync<Name extends keyof Operations>(
  operation: Name,
  request: Request<InputOf<Name>, OptionsOf<Name>>,
): Promise<Result<ValueOf<Name>>>;
export async function callAsync<Name extends string>(
  operation: Name extends keyof Operations ? never : Name,
  request: unknown,
): Promise<Result<unknown>>;
export async function callAsync(operation: string, request: unknown): Promise<Result<unknown>> {
  if (needsFullModule(String(operation))) {
    await loadFullModule();
  }
  return callModule(operation, request);
}

/**
 * Runs an operation on a request written as JSON text and returns the
 * response document as JSON text, exactly as the Rust `xuetong::api::call`
 * does, for callers that forward documents unchanged. Text with an
 * unpaired UTF-16 surrogate gets a `malformed_json` response, because the
 * module reads UTF-8. It needs the same modules loaded as `call`.
 */
export function callJson(operation: string, request: string): string {
  const name = String(operation);
  const text = String(request);
  // The module receives the text as UTF-8, which cannot encode an unpaired
  // surrogate, so the conversion would put U+FFFD in its place unseen.
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate !== null) {
    let locale = "en";
    try {
      locale = requestLocale(JSON.parse(text));
    } catch {
      // Text that is not JSON gets its message in English.
    }
    const detail =
      `the text has an unpaired UTF-16 surrogate at index ${surrogate.index}, ` +
      "which UTF-8 cannot encode; remove it or pair it";
    const { code, message, params } = localIssue("malformed_json", locale, { detail });
    const problem = { code, message, params, path: [] };
    return JSON.stringify({ format: "xuetong.response/1", ok: false, problems: [problem] });
  }
  return moduleFor(name).call(name, text);
}

/** The version of the library the WebAssembly module was built from. */
export function version(): string {
  return glue().version();
}

/**
 * Lists the operations of the main module, with a summary of each: the ones
 * `call` runs as soon as `init()` has loaded the package. `OPERATION_NAMES`
 * lists every operation, including those of the full module.
 */
export function listOperations(): OperationInfo[] {
  const result = call("list_operations", { input: null });
  return result.ok ? result.value : [];
}

/** Lists every problem code with its English and Chinese message templates. */
export function listProblemCodes(): ProblemCodeInfo[] {
  const result = call("list_problem_codes", { input: null });
  return result.ok ? result.value : [];
}

/**
 * Renders the message of an issue in another locale from its code and
 * params, without validating again: for a form that switches language.
 */
export function localizeIssue(issue: Issue, locale: Locale): Issue {
  if (typeof issue !== "object" || issue === null || typeof issue.code !== "string") {
    // A missing issue gets the issue a missing request gets from `call`. An
    // object without a code would otherwise get the message "undefined".
    const shown =
      typeof issue === "object" && issue !== null && !Array.isArray(issue)
        ? "an object without a text code"
        : describe(issue);
    const detail = `localizeIssue needs an issue with a code and params, got ${shown}`;
    return localIssue("invalid_request", String(locale), { detail });
  }
  let params: string;
  try {
    params = JSON.stringify(issue.params) ?? "{}";
  } catch {
    // Params JSON cannot write (a BigInt, a cycle) leave the placeholders
    // as written, as params that are not an object do.
    params = "{}";
  }
  const message = glue().renderMessage(String(issue.code), locale, params);
  return { ...issue, message };
}

/** The Standard Schema (v1) properties, declared here so the package has no dependencies. */
export interface StandardSchemaProps<Input, Output> {
  readonly version: 1;
  readonly vendor: "xuetong";
  /**
   * Validates a value. `options.libraryOptions` may carry validation
   * settings: `{ locale: "zh-CN", options: {...} }`.
   */
  readonly validate: (
    value: unknown,
    options?: { readonly libraryOptions?: Record<string, unknown> | undefined } | undefined,
  ) => StandardResult<Output>;
  /** Present for type inference only; undefined at run time. */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

/** The result of a Standard Schema validation. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: readonly Issue[] };

/**
 * A validator of one kind of record. It validates with `validate` (returns
 * a result) or `parse` (throws XuetongValidationError), and plugs into form
 * libraries that accept Standard Schema through its `~standard` property.
 */
export interface Validator<Name extends ValidationOperation> {
  /** The operation behind the validator, such as `validate_course`. */
  readonly operation: Name;
  /** The settings every call starts from. */
  readonly settings: ValidateSettings<OptionsOf<Name>>;
  /** Validates `input`; settings given here replace the validator's own. */
  validate(input: unknown, settings?: ValidateSettings<OptionsOf<Name>>): Result<ValueOf<Name>>;
  /**
   * Validates `input` and returns the normalized record.
   *
   * @throws XuetongValidationError with every issue when the input is invalid.
   */
  parse(input: unknown, settings?: ValidateSettings<OptionsOf<Name>>): ValueOf<Name>;
  /** A validator of the same kind with other settings, such as a locale. */
  with(settings: ValidateSettings<OptionsOf<Name>>): Validator<Name>;
  /** The Standard Schema adapter. */
  readonly "~standard": StandardSchemaProps<InputOf<Name>, ValueOf<Name>>;
}

function settingsFrom(value: Record<string, unknown> | undefined): ValidateSettings<never> {
  if (value === undefined) {
    return {};
  }
  return value as ValidateSettings<never>;
}

/** Makes a validator for a validation operation. */
export function validator<Name extends ValidationOperation>(
  operation: Name,
  settings: ValidateSettings<OptionsOf<Name>> = {},
): Validator<Name> {
  const validate = (
    input: unknown,
    override: ValidateSettings<OptionsOf<Name>> = {},
  ): Result<ValueOf<Name>> => {
    const failure = settingsFailure(settings) ?? settingsFailure(override, settings?.locale);
    if (failure !== undefined) {
      return failure;
    }
    const request = {
      locale: override?.locale ?? settings?.locale,
      input: input === undefined ? null : input,
      options: override?.options ?? settings?.options,
    };
    return call(operation as string, request) as Result<ValueOf<Name>>;
  };
  const parse = (input: unknown, override?: ValidateSettings<OptionsOf<Name>>): ValueOf<Name> => {
    const result = validate(input, override);
    if (result.ok) {
      return result.value;
    }
    throw new XuetongValidationError(operation, result.issues);
  };
  return {
    operation,
    settings,
    validate,
    parse,
    // Settings that are not an object, these or the other, are kept whole,
    // so that `validate` reports them instead of the spread dropping them.
    with: (other) => {
      if (settingsFailure(settings) !== undefined) {
        return validator(operation, settings);
      }
      const merged = settingsFailure(other) === undefined ? { ...settings, ...other } : other;
      return validator(operation, merged);
    },
    "~standard": {
      version: 1,
      vendor: "xuetong",
      validate: (value, options) => {
        const result = validate(value, settingsFrom(options?.libraryOptions));
        return result.ok ? { value: result.value } : { issues: result.issues };
      },
    },
  };
}

/** A validator for every input record, with English messages. */
export const validators = {
  learner: validator("validate_learner"),
  venue: validator("validate_venue"),
  instructor: validator("validate_instructor"),
  course: validator("validate_course"),
  session: validator("validate_session"),
  enrolment: validator("validate_enrolment"),
  scan: validator("validate_scan"),
  excusal: validator("validate_excusal"),
  outcome: validator("validate_outcome"),
  club: validator("validate_club"),
  category: validator("validate_category"),
} as const;

type Settings<Name extends ValidationOperation> = ValidateSettings<OptionsOf<Name>>;

/** Validates a learner registration. */
export function validateLearner(input: unknown, settings?: Settings<"validate_learner">) {
  return validators.learner.validate(input, settings);
}

/** Validates a course being published; `options.categories` extends the taxonomy. */
export function validateCourse(input: unknown, settings?: Settings<"validate_course">) {
  return validators.course.validate(input, settings);
}

/**
 * Validates a session; with a time zone (its own or
 * `options.venue_time_zone`) also its local times and length.
 */
export function validateSession(input: unknown, settings?: Settings<"validate_session">) {
  return validators.session.validate(input, settings);
}

/** Validates an enrolment. */
export function validateEnrolment(input: unknown, settings?: Settings<"validate_enrolment">) {
  return validators.enrolment.validate(input, settings);
}

/** Validates a club registration. */
export function validateClub(input: unknown, settings?: Settings<"validate_club">) {
  return validators.club.validate(input, settings);
}

/** Validates a check-in or check-out scan. */
export function validateScan(input: unknown, settings?: Settings<"validate_scan">) {
  return validators.scan.validate(input, settings);
}
