// The WebAssembly modules the package is bound to, and which of them runs an
// operation.
//
// The main module carries record validation, preview_scan and the catalogue,
// and every page loads it. The full module carries every operation of the
// JSON API; it is several times larger, so it is loaded only when first
// needed. The Node entry binds the main module when it is imported and loads
// the full module synchronously on first use; the browser entry binds the
// main module once `init()` has loaded it, and fetches the full module
// asynchronously (`initFullApi()`, `callAsync()`, `previewCredits()`).

import { XuetongNotInitializedError } from "./errors.js";
import { OPERATION_NAMES } from "./generated.js";

/** The exports of each WebAssembly module (wasm-bindings/src/lib.rs). */
export interface Glue {
  call(operation: string, request: string): string;
  renderMessage(code: string, locale: string, params: string): string;
  version(): string;
}

/** How an entry point loads the full module. */
export interface FullModuleLoader {
  /** Loads it at once, where the target can (Node); absent in browsers. */
  readonly loadSync?: () => Glue;
  /** Loads it, from `module` when given (a URL, a `Response` or bytes). */
  readonly load: (module?: unknown) => Promise<Glue>;
}

let main: Glue | undefined;
let mainOperations: ReadonlySet<string> | undefined;
let full: Glue | undefined;
let fullPending: Promise<Glue> | undefined;
let fullLoader: FullModuleLoader | undefined;
const knownOperations: ReadonlySet<string> = new Set(OPERATION_NAMES);

/** Makes `glue` the main module every function of the package calls. */
export function bind(glue: Glue): void {
  main = glue;
  mainOperations = undefined;
}

/** Whether the main module is bound. */
export function isBound(): boolean {
  return main !== undefined;
}

/** The main module. */
export function glue(): Glue {
  if (main === undefined) {
    throw new XuetongNotInitializedError();
  }
  return main;
}

/** Sets how the full module is loaded; each entry point calls it once. */
export function setFullModuleLoader(loader: FullModuleLoader): void {
  fullLoader = loader;
}

/** The names of the operations the main module carries, read from it once. */
function operationsOfMain(): ReadonlySet<string> {
  if (mainOperations === undefined) {
    const response = JSON.parse(glue().call("list_operations", '{"input":null}')) as {
      ok: boolean;
      value?: { name: string }[];
    };
    mainOperations = new Set((response.value ?? []).map((operation) => operation.name));
  }
  return mainOperations;
}

/**
 * Whether `operation` needs the full module: the library has it and the
 * main module does not. A name the library does not have at all stays with
 * the main module, which answers `unknown_operation`.
 */
export function needsFullModule(operation: string): boolean {
  return knownOperations.has(operation) && !operationsOfMain().has(operation);
}

/**
 * The module that runs `operation`. In Node the full module is loaded here
 * on first need; in browsers it must have been loaded already.
 *
 * @throws XuetongNotInitializedError when the module is not loaded yet.
 */
export function moduleFor(operation: string): Glue {
  const mainModule = glue();
  if (!needsFullModule(operation)) {
    return mainModule;
  }
  if (full === undefined && fullLoader?.loadSync !== undefined) {
    full = fullLoader.loadSync();
  }
  if (full === undefined) {
    throw new XuetongNotInitializedError(operation);
  }
  return full;
}

/**
 * Loads the full module unless it is loaded or loading. A failed load is
 * forgotten, so that a later call tries again.
 */
export function loadFullModule(module?: unknown): Promise<Glue> {
  if (full !== undefined) {
    return Promise.resolve(full);
  }
  if (fullPending === undefined) {
    if (fullLoader === undefined) {
      const message = "no loader of the full module is set; import the package by its name";
      return Promise.reject(new Error(message));
    }
    fullPending = fullLoader.load(module).then(
      (loaded) => {
        full = loaded;
        return loaded;
      },
      (error: unknown) => {
        fullPending = undefined;
        throw error;
      },
    );
  }
  return fullPending;
}
