// The functions the WebAssembly module exports, and the module the package
// is bound to. The Node entry binds the module when it is imported; the
// browser entry binds it once `init()` has loaded it.

import { XuetongNotInitializedError } from "./errors.js";

/** The exports of the WebAssembly module (wasm-bindings/src/lib.rs). */
export interface Glue {
  call(operation: string, request: string): string;
  renderMessage(code: string, locale: string, params: string): string;
  version(): string;
}

let bound: Glue | undefined;

/** Makes `glue` the module every function of the package calls. */
export function bind(glue: Glue): void {
  bound = glue;
}

/** Whether a module is bound. */
export function isBound(): boolean {
  return bound !== undefined;
}

/** The bound module. */
export function glue(): Glue {
  if (bound === undefined) {
    throw new XuetongNotInitializedError();
  }
  return bound;
}
