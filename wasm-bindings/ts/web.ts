// The browser entry of the package (wasm-bindgen's `web` target). The
// WebAssembly module is fetched and instantiated by `init()`, which must be
// awaited once before any other function is called.

import loadModule, { initSync as loadModuleSync } from "./wasm-web/xuetong_wasm.js";
import type { InitInput, SyncInitInput } from "./wasm-web/xuetong_wasm.js";
import * as wasm from "./wasm-web/xuetong_wasm.js";
import { bind, isBound } from "./glue.js";

export * from "./common.js";

/**
 * Loads the WebAssembly module. Without an argument it fetches
 * `xuetong_wasm_bg.wasm` next to the package's JavaScript; pass a URL, a
 * `Response`, bytes or a compiled module to load it from elsewhere.
 * Calling it again does nothing.
 */
export async function init(module?: InitInput | Promise<InitInput>): Promise<void> {
  if (isBound()) {
    return;
  }
  await loadModule(module === undefined ? undefined : { module_or_path: module });
  bind(wasm);
}

/** Loads the WebAssembly module from bytes or a compiled module, synchronously. */
export function initSync(module: SyncInitInput): void {
  if (isBound()) {
    return;
  }
  loadModuleSync({ module });
  bind(wasm);
}
