//! The committed C header must be exactly what cbindgen generates from the
//! crate: a change to the ABI that is not in `include/kenmerk.h` fails here
//! (and so in CI). `KENMERK_BLESS_HEADER=1` rewrites the header instead.

use std::path::PathBuf;

#[test]
fn committed_header_is_current() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml parses");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("header is UTF-8");

    let path = crate_dir.join("include/kenmerk.h");
    if std::env::var_os("KENMERK_BLESS_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write include/kenmerk.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(generated.lines().count()));
        panic!(
            "include/kenmerk.h is out of date (first difference at line {}); \
             regenerate it with `KENMERK_BLESS_HEADER=1 cargo test -p kenmerk-ffi --test header`",
            first + 1
        );
    }
}
