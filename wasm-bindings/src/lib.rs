//! WebAssembly glue of the npm package `xuetong`.
//!
//! The module exports three functions to JavaScript and nothing else: the
//! JSON operation API ([`call`]), message rendering from the problem-code
//! catalogue ([`render_message`]) and the library version ([`version`]).
//! Requests and responses cross the boundary as JSON text, and the package's
//! TypeScript wrapper turns them into objects, so every rule stays in the
//! core crate.
//!
//! Everything here is compiled only for `wasm32` targets: on the host the
//! crate is empty, so `cargo test --workspace` and clippy need neither
//! wasm-bindgen nor the wasm target.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen::prelude::wasm_bindgen;
use xuetong::problem::{Code, Locale, Params, Path, Problem};

/// Runs a JSON operation: `request` is a request document as JSON text and
/// the result is the response document as JSON text (see `xuetong::api`).
///
/// Never fails: an unknown operation, malformed JSON or an invalid input
/// comes back as a response with `ok: false` and its problems.
#[wasm_bindgen]
pub fn call(operation: &str, request: &str) -> String {
    xuetong::api::call(operation, request)
}

/// Renders the catalogue message of `code` in `locale` (`en` or `zh-CN`,
/// English for any other tag), filling placeholders from `params`, a JSON
/// object as text.
///
/// The wrapper uses it for problems found before a request reaches the core,
/// such as an input that cannot be written as JSON. An unknown code comes
/// back as the code itself, and params that are not a JSON object leave the
/// placeholders as written.
#[wasm_bindgen(js_name = renderMessage)]
pub fn render_message(code: &str, locale: &str, params: &str) -> String {
    let Some(code) = Code::parse(code) else {
        return code.to_owned();
    };
    let mut problem = Problem::new(code, Path::root());
    problem.params = serde_json::from_str::<Params>(params).unwrap_or_default();
    problem.message_in(Locale::parse(locale).unwrap_or_default())
}

/// The version of the module, which is the workspace's version and so the
/// `xuetong` crate's.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
