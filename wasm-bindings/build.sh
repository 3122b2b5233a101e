#!/usr/bin/env bash
# Builds the npm package `xuetong` into wasm-bindings/pkg/. The package has
# two WebAssembly modules, both from the crate xuetong-wasm:
#
#   - the main module (xuetong_wasm_bg.wasm), which every page loads: record
#     validation, preview_scan and the catalogue, built with the profile
#     `wasm-release` (root Cargo.toml), optimized for speed;
#   - the full module (xuetong_full_bg.wasm), built with the feature
#     full-api and the profile `wasm-full`, optimized for size: every
#     operation of the JSON API, loaded only when a page first calls an
#     operation the main module lacks.
#
# For each module it:
#
#   1. compiles the crate for wasm32-unknown-unknown, using rustup's wasm
#      target when rustup can add it, and otherwise Debian's rustc-web
#      toolchain, which builds the standard library for wasm32 itself;
#   2. runs the wasm-bindgen CLI, at exactly the version of the wasm-bindgen
#      crate in Cargo.lock, for the `web` and `nodejs` targets;
#   3. shrinks the module with wasm-opt when it is installed and that helps.
#
# It then compiles the TypeScript wrapper (ts/) next to them.
#
# Installs what it lacks (npm packages from package-lock.json, the
# wasm-bindgen CLI, and on the Debian path the rustc-web packages) and is
# safe to run again. Set XUETONG_WASM_TOOLCHAIN=debian to skip rustup, and
# XUETONG_WASM_TIME_ZONES to a regular expression to choose the time zones.
set -euo pipefail
shopt -s inherit_errexit

# The IANA time zones compiled into both modules. Every zone costs about 160
# bytes gzipped (all of them about 120 KB, half the size budget), so the
# package keeps the zones a Chinese platform meets: all of Asia, Etc and
# UTC, and the legacy names PRC, ROC and Hongkong. It adds America/Toronto,
# the daylight-saving zone of the shared test vectors, and the zones the
# core names in its code (Europe/London, Europe/Berlin, America/New_York,
# America/Los_Angeles), without which it does not compile.
# NOTE: a zone outside this set is reported as invalid_time_zone by the
# package although the Rust library accepts it.
default_time_zones='^(Asia/.*|Etc/.*|UTC|PRC|ROC|Hongkong|America/(Toronto|New_York|Los_Angeles)|Europe/(London|Berlin))$'
export CHRONO_TZ_TIMEZONE_FILTER=${XUETONG_WASM_TIME_ZONES:-$default_time_zones}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
target=wasm32-unknown-unknown
pkg="$here/pkg"

say() { printf '[build.sh] %s\n' "$*"; }

# The wasm-bindgen version in Cargo.lock, which the CLI must match.
bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
        "$root/Cargo.lock"
}

# Returns whether rustup has the wasm target, adding it when it can. Its
# messages go to standard error, because compile_module's standard output
# is the path of the module.
rustup_has_target() {
    command -v rustup >/dev/null 2>&1 || return 1
    rustup target list --installed 2>/dev/null | grep -qx "$target" && return 0
    say "adding the $target target with rustup" >&2
    rustup target add "$target" >/dev/null 2>&1
}

install_debian_toolchain() {
    if [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust ]; then
        return
    fi
    say "installing Debian's rustc-web toolchain"
    if [ "$(id -u)" -ne 0 ]; then
        say "error: installing rustc-web needs root; run: apt-get install rustc-web cargo-web rust-web-src lld-22" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        rustc-web cargo-web rust-web-src lld-22 >/dev/null
}

# Compiles the crate with cargo profile $1 and the cargo arguments that
# follow, and prints the path of the compiled module.
compile_module() {
    local profile=$1
    shift
    local toolchain=${XUETONG_WASM_TOOLCHAIN:-}
    if [ "$toolchain" != debian ] && rustup_has_target; then
        say "compiling the $profile profile with rustup's $target target" >&2
        cargo build --locked -p xuetong-wasm "$@" --target "$target" --profile "$profile" \
            --target-dir "$root/target-wasm/rustup" >&2
        echo "$root/target-wasm/rustup/$target/$profile/xuetong_wasm.wasm"
        return
    fi
    install_debian_toolchain >&2
    say "compiling the $profile profile with Debian's rustc-web ($(/usr/bin/rustc --version)) and -Zbuild-std" >&2
    # The two toolchains' artefacts must not mix, hence a target directory
    # of its own. RUSTC keeps rustup's rustc proxy, first on PATH, out of it.
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
        /usr/bin/cargo build --locked -p xuetong-wasm "$@" --target "$target" --profile "$profile" \
        -Zbuild-std=std,panic_abort --target-dir "$root/target-wasm/debian" >&2
    echo "$root/target-wasm/debian/$target/$profile/xuetong_wasm.wasm"
}

install_bindgen_cli() {
    local version=$1
    if command -v wasm-bindgen >/dev/null 2>&1 &&
        [ "$(wasm-bindgen --version | awk '{print $2}')" = "$version" ]; then
        return
    fi
    say "installing wasm-bindgen-cli $version"
    # The CLI's own lock file may name a crate version the registry no
    # longer serves; resolving afresh is the fallback.
    cargo install --quiet wasm-bindgen-cli --version "$version" --locked ||
        cargo install --quiet wasm-bindgen-cli --version "$version" --force
}

gzipped_size() { gzip -9 -c "$1" | wc -c; }

# Runs wasm-opt -Oz on the nodejs build of module $1 (xuetong_wasm or
# xuetong_full) in folder $2 and keeps the result only when it is smaller
# gzipped and still loads and runs in Node; the web build is the same file.
# Measured with rustc 1.95: opt-level "z" with LTO leaves wasm-opt
# (binaryen 108 and 132) nothing to gain gzipped, and binaryen 108 also
# breaks the module's externref table, so both checks matter.
optimize() {
    local name=$1 folder=$2
    local module="$pkg/$folder-node/${name}_bg.wasm"
    if ! command -v wasm-opt >/dev/null 2>&1; then
        say "wasm-opt not found; keeping $name as wasm-bindgen wrote it"
        return
    fi
    # wasm-opt reads the features the module uses from its target_features
    # section, which is why the size profile strips debug info only.
    if ! wasm-opt -Oz "$module" -o "$module.opt" 2>"$module.opt.log"; then
        say "wasm-opt failed, keeping $name unoptimized: $(head -n 3 "$module.opt.log")"
        rm -f "$module.opt" "$module.opt.log"
        return
    fi
    rm -f "$module.opt.log"
    local before after
    before=$(gzipped_size "$module")
    after=$(gzipped_size "$module.opt")
    if [ "$after" -ge "$before" ]; then
        say "wasm-opt -Oz gives $after bytes gzipped, not fewer than $before; keeping $name unoptimized"
        rm -f "$module.opt"
        return
    fi
    mv "$module" "$module.orig"
    mv "$module.opt" "$module"
    if node -e "require(process.argv[1]).version()" "$pkg/$folder-node/$name.js" 2>/dev/null; then
        say "wasm-opt -Oz: $before -> $after bytes gzipped"
        cp "$module" "$pkg/$folder-web/${name}_bg.wasm"
        rm -f "$module.orig"
    else
        say "$name optimized by wasm-opt does not run in Node; keeping it unoptimized"
        mv "$module.orig" "$module"
    fi
}

# Runs wasm-bindgen on module file $1 for both targets, naming the output
# $2 (xuetong_wasm or xuetong_full) in the folders $3-web and $3-node.
bind_module() {
    local module=$1 name=$2 folder=$3 target_name
    for target_name in web nodejs; do
        wasm-bindgen --target "$target_name" --out-dir "$pkg/$folder-${target_name%js}" \
            --out-name "$name" --remove-name-section --remove-producers-section "$module"
    done
    # The nodejs glue is CommonJS inside an ES module package.
    printf '{ "type": "commonjs" }\n' >"$pkg/$folder-node/package.json"
    optimize "$name" "$folder"
}

main() {
    local version main_module full_module
    version=$(bindgen_version)
    if [ -z "$version" ]; then
        say "error: Cargo.lock has no wasm-bindgen entry; run cargo build -p xuetong-wasm" >&2
        exit 1
    fi

    main_module=$(compile_module wasm-release)
    full_module=$(compile_module wasm-full --features full-api)
    install_bindgen_cli "$version"

    rm -rf "$pkg"
    mkdir -p "$pkg"
    bind_module "$main_module" xuetong_wasm wasm
    bind_module "$full_module" xuetong_full wasm-full

    cd "$here"
    if [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        say "installing npm packages from package-lock.json"
        npm ci --no-audit --no-fund --loglevel=error
    fi
    node_modules/.bin/tsc -p tsconfig.json

    say "built $pkg: main module $(gzipped_size "$pkg/wasm-web/xuetong_wasm_bg.wasm") bytes gzipped," \
        "full module $(gzipped_size "$pkg/wasm-full-web/xuetong_full_bg.wasm") bytes gzipped"
}

main "$@"
