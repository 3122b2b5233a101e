// The Node entry of the package. It loads the WebAssembly module (built
// with wasm-bindgen's `nodejs` target) synchronously when imported, so every
// function works at once; `init()` exists so that code written for browsers
// runs unchanged.

import wasm from "./wasm-node/xuetong_wasm.js";
import { bind } from "./glue.js";

bind(wasm);

export * from "./common.js";

/** Resolves at once: in Node the module is loaded when the package is imported. */
export function init(): Promise<void> {
  return Promise.resolve();
}
