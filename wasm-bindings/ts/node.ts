// The Node entry of the package. It loads the main WebAssembly module (built
// with wasm-bindgen's `nodejs` target) synchronously when imported, so every
// function works at once, and loads the full module synchronously the first
// time an operation needs it. `init()` and `initFullApi()` exist so that
// code written for browsers runs unchanged.

import { createRequire } from "node:module";

import wasm from "./wasm-node/xuetong_wasm.js";
import { bind, type Glue, loadFullModule, setFullModuleLoader } from "./glue.js";

bind(wasm);

const require = createRequire(import.meta.url);
const loadSync = (): Glue => require("./wasm-full-node/xuetong_full.js") as Glue;
setFullModuleLoader({ loadSync, load: () => Promise.resolve(loadSync()) });

export * from "./common.js";

/** Resolves at once: in Node the module is loaded when the package is imported. */
export function init(): Promise<void> {
  return Promise.resolve();
}

/**
 * Loads the full module, which carries every operation of the JSON API. In
 * Node `call` loads it by itself when needed; this loads it ahead of time.
 */
export async function initFullApi(): Promise<void> {
  await loadFullModule();
}
