#!/usr/bin/env bash
# Builds the npm package `xuetong` into wasm-bindings/pkg/:
#
#   1. compiles the crate xuetong-wasm for wasm32-unknown-unknown with the
#      size profile `wasm-release` (root Cargo.toml), using rustup's wasm
#      target when rustup can add it, and otherwise Debian's rustc-web
#      toolchain, which builds the standard library for wasm32 itself;
#   2. runs the wasm-bindgen CLI, at exactly the version of the wasm-bindgen
#      crate in Cargo.lock, for the `web` and `nodejs` targets;
#   3. shrinks the module with wasm-opt when it is installed and that helps;
#   4. compiles the TypeScript wrapper (ts/) next to them.
#
# Installs what it lacks (npm packages from package-lock.json, the
# wasm-bindgen CLI, and on the Debian path the rustc-web packages) and is
# safe to run again. Set XUETONG_WASM_TOOLCHAIN=debian to skip rustup, and
# XUETONG_WASM_TIME_ZONES to a regular expression to choose the time zones.
set -euo pipefail
shopt -s inherit_errexit

# The IANA time zones compiled into the module. Every zone costs about 160
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
profile=wasm-release
pkg="$here/pkg"

say() { printf '[build.sh] %s\n' "$*"; }

# The wasm-bindgen version in Cargo.lock, which the CLI must match.
bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
        "$root/Cargo.lock"
}

rustup_has_target() {
    command -v rustup >/dev/null 2>&1 || return 1
    rustup target list --installed 2>/dev/null | grep -qx "$target" && return 0
    say "adding the $target target with rustup"
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

# Prints the path of the compiled module.
compile_module() {
    local toolchain=${XUETONG_WASM_TOOLCHAIN:-}
    if [ "$toolchain" != debian ] && rustup_has_target; then
        say "compiling with rustup's $target target" >&2
        cargo build --locked -p xuetong-wasm --target "$target" --profile "$profile" \
            --target-dir "$root/target-wasm/rustup" >&2
        echo "$root/target-wasm/rustup/$target/$profile/xuetong_wasm.wasm"
        return
    fi
    install_debian_toolchain >&2
    say "compiling with Debian's rustc-web ($(/usr/bin/rustc --version)) and -Zbuild-std" >&2
    # The two toolchains' artefacts must not mix, hence a target directory
    # of its own. RUSTC keeps rustup's rustc proxy, first on PATH, out of it.
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
        /usr/bin/cargo build --locked -p xuetong-wasm --target "$target" --profile "$profile" \
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

# Runs wasm-opt -Oz on the nodejs module and keeps the result only when it
# is smaller gzipped and still loads and runs in Node; the web module is the
# same file. Measured with rustc 1.95: opt-level "z" with LTO leaves
# wasm-opt (binaryen 108 and 132) nothing to gain gzipped, and binaryen 108
# also breaks the module's externref table, so both checks matter.
optimize() {
    local module="$pkg/wasm-node/xuetong_wasm_bg.wasm"
    if ! command -v wasm-opt >/dev/null 2>&1; then
        say "wasm-opt not found; keeping the module as wasm-bindgen wrote it"
        return
    fi
    # wasm-opt reads the features the module uses from its target_features
    # section, which is why the size profile strips debug info only.
    if ! wasm-opt -Oz "$module" -o "$module.opt" 2>"$module.opt.log"; then
        say "wasm-opt failed, keeping the module unoptimized: $(head -n 3 "$module.opt.log")"
        rm -f "$module.opt" "$module.opt.log"
        return
    fi
    rm -f "$module.opt.log"
    local before after
    before=$(gzipped_size "$module")
    after=$(gzipped_size "$module.opt")
    if [ "$after" -ge "$before" ]; then
        say "wasm-opt -Oz gives $after bytes gzipped, not fewer than $before; keeping the module unoptimized"
        rm -f "$module.opt"
        return
    fi
    mv "$module" "$module.orig"
    mv "$module.opt" "$module"
    if node -e "require(process.argv[1]).version()" "$pkg/wasm-node/xuetong_wasm.js" 2>/dev/null; then
        say "wasm-opt -Oz: $before -> $after bytes gzipped"
        cp "$module" "$pkg/wasm-web/xuetong_wasm_bg.wasm"
        rm -f "$module.orig"
    else
        say "the module optimized by wasm-opt does not run in Node; keeping it unoptimized"
        mv "$module.orig" "$module"
    fi
}

main() {
    local version module
    version=$(bindgen_version)
    if [ -z "$version" ]; then
        say "error: Cargo.lock has no wasm-bindgen entry; run cargo build -p xuetong-wasm" >&2
        exit 1
    fi

    module=$(compile_module)
    install_bindgen_cli "$version"

    rm -rf "$pkg"
    mkdir -p "$pkg"
    local target_name
    for target_name in web nodejs; do
        wasm-bindgen --target "$target_name" --out-dir "$pkg/wasm-${target_name%js}" \
            --remove-name-section --remove-producers-section "$module"
    done
    # The nodejs glue is CommonJS inside an ES module package.
    printf '{ "type": "commonjs" }\n' >"$pkg/wasm-node/package.json"
    optimize

    cd "$here"
    if [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        say "installing npm packages from package-lock.json"
        npm ci --no-audit --no-fund --loglevel=error
    fi
    node_modules/.bin/tsc -p tsconfig.json

    say "built $pkg ($(gzip -9 -c "$pkg/wasm-web/xuetong_wasm_bg.wasm" | wc -c) bytes of wasm gzipped)"
}

main "$@"
