// The exports both entries share: the API, the errors and the generated lists.

export * from "./api.js";
export * from "./previews.js";
export { XuetongNotInitializedError, XuetongValidationError, formatPath } from "./errors.js";
export { OPERATION_NAMES, PROBLEM_CODES } from "./generated.js";
export type * from "./types.js";
