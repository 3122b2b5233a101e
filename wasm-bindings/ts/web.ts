// The browser entry of the package (wasm-bindgen's `web` target). The main
// WebAssembly module is fetched and instantiated by `init()`, which must be
// awaited once before any other function is called. The full module, which
// carries every operation of the JSON API, is fetched the first time
// `callAsync` or `previewCredits` needs it, or by `initFullApi()`.

import loadModule, { initSync as loadModuleSync } from "./wasm-web/xuetong_wasm.js";
import type { InitInput, SyncInitInput } from "./wasm-web/xuetong_wasm.js";
import * as wasm from "./wasm-web/xuetong_wasm.js";
import { bind, type Glue, isBound, loadFullModule, setFullModuleLoader } from "./glue.js";

export * from "./common.js";

// A dynamic import, so that bundlers put the full module's glue in a chunk
// of its own and pages that never need it never fetch it.
setFullModuleLoader({
  load: async (module?: unknown): Promise<Glue> => {
    const full = await import("./wasm-full-web/xuetong_full.js");
    await full.default(module === undefined ? undefined : { module_or_path: module as InitInput });
    return full;
  },
});

/**
 * Loads the main WebAssembly module. Without an argument it fetches
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

/** Loads the main WebAssembly module from bytes or a compiled module, synchronously. */
export function initSync(module: SyncInitInput): void {
  if (isBound()) {
    return;
  }
  loadModuleSync({ module });
  bind(wasm);
}

/**
 * Loads the full module, after which `call` runs every operation. Without
 * an argument it fetches `wasm-full-web/xuetong_full_bg.wasm` next to the
 * package's JavaScript; pass a URL, a `Response` or bytes to load it from
 * elsewhere. Calling it again, or while it loads, does nothing more.
 */
export async function initFullApi(module?: InitInput | Promise<InitInput>): Promise<void> {
  await loadFullModule(module);
}
