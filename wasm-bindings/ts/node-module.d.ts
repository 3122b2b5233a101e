// The one Node API the Node entry uses, declared here so that the package
// builds without Node's type declarations (@types/node).

declare module "node:module" {
  /** Makes a CommonJS `require` that resolves paths relative to `url`. */
  export function createRequire(url: string | URL): (id: string) => unknown;
}
