//! Decodes and hashes arbitrary bytes, as a provider's upload would be.
//!
//! Every input must come back as `Ok` or as an error of an input kind
//! (`Decode`, `Limits`, `Unsupported`); a panic escaping kenmerk, an abort,
//! an allocation over libFuzzer's limit or a hang is a finding. A panic inside
//! a decoder that kenmerk catches is logged (`decoder panic caught:`) and not
//! treated as a crash, unless `KENMERK_FUZZ_STRICT=1` is set, in which case
//! libFuzzer's abort-on-any-panic hook stays in place.

#![no_main]

use std::sync::Once;

use kenmerk::{DecodeOptions, ErrorKind, Limits, Orientation};
use libfuzzer_sys::fuzz_target;

/// Tight bounds: small enough that one input never needs more than a few
/// hundred megabytes, large enough for every seed image.
const LIMITS: Limits = Limits {
    max_width: 4096,
    max_height: 4096,
    max_pixels: 4_000_000,
    max_file_bytes: 1 << 20,
    max_decoder_alloc: 64 << 20,
};

static HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(|| {
        if std::env::var_os("KENMERK_FUZZ_STRICT").is_none() {
            // Replace libFuzzer's abort-on-panic hook; panics that escape
            // kenmerk still abort in libfuzzer-sys' own `catch_unwind`.
            std::panic::set_hook(Box::new(|info| {
                eprintln!("decoder panic caught: {info}");
            }));
        }
    });
    // The length's parity picks the orientation, so both paths are explored
    // without changing the bytes the format is sniffed from.
    let orientation = if data.len() % 2 == 0 {
        Orientation::Stored
    } else {
        Orientation::ApplyExif
    };
    let options = DecodeOptions {
        limits: LIMITS,
        orientation,
    };
    match kenmerk::hash_image_dihedral(data, &options) {
        Ok(result) => assert!(result.quality <= 100, "quality {}", result.quality),
        Err(err) => {
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::Decode | ErrorKind::Limits | ErrorKind::Unsupported
                ),
                "unexpected kind for untrusted bytes: {err:?}"
            );
            assert!(!err.reason().is_empty());
            assert!(err.path().is_none());
        }
    }
});
