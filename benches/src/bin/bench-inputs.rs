//! Writes the synthetic benchmark images to `target/bench-inputs/` (or the
//! directory given as the only argument), so that scripts timing other
//! implementations hash exactly the bytes the criterion benches hash.
//!
//! For each size it writes `rgb-WxH.raw` (packed RGB, row by row) and
//! `rgb-WxH.kenmerk.txt`: kenmerk's hash and quality on the first line
//! (`hash,quality`), then the eight dihedral hashes in Meta's order, one a
//! line. The scripts compare Meta's output with these, which also proves the
//! pixels are the same.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use kenmerk::pdq::{self, PdqHasher};
use kenmerk::{PixelBuffer, PixelFormat};
use kenmerk_benches::{SIZES, inputs_dir, raw_name, smooth_rgb};

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(inputs_dir, PathBuf::from);
    match write_inputs(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-inputs: {message}");
            ExitCode::FAILURE
        }
    }
}

fn write_inputs(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut hasher = PdqHasher::new();
    for (width, height) in SIZES {
        let pixels = smooth_rgb(width, height);
        let image = PixelBuffer::packed(&pixels, width, height, PixelFormat::Rgb8)
            .map_err(|e| e.to_string())?;
        let fast = hasher.hash(&image);
        let oracle = pdq::reference::hash(&image);
        if fast != oracle {
            return Err(format!(
                "{width}x{height}: fast hash {} q{} differs from the reference {} q{}",
                fast.hash, fast.quality, oracle.hash, oracle.quality
            ));
        }
        let dihedral = hasher.hash_dihedral(&image);
        let mut text = format!("{},{}\n", fast.hash.to_hex(), fast.quality);
        for h in dihedral.hashes {
            let _ = writeln!(text, "{}", h.to_hex());
        }
        let raw = dir.join(raw_name(width, height));
        std::fs::write(&raw, &pixels)
            .map_err(|e| format!("cannot write {}: {e}", raw.display()))?;
        let txt = raw.with_extension("kenmerk.txt");
        std::fs::write(&txt, text).map_err(|e| format!("cannot write {}: {e}", txt.display()))?;
        println!(
            "{} ({} bytes) hash {} quality {}",
            raw.display(),
            pixels.len(),
            fast.hash.to_hex(),
            fast.quality
        );
    }
    Ok(())
}
