//! A provider's moderation step: hash each upload and match it against the
//! indicator file of a detection order.
//!
//! ```sh
//! cargo run --release -p kenmerk-examples --example match_uploads -- DB.kmk FILE...
//! ```
//!
//! Only matches are printed. Nothing about an upload that matches nothing is
//! kept or logged: not its hash, not its name.

use std::path::Path;
use std::process::ExitCode;

use kenmerk::index::{Index, Method};
use kenmerk::{DecodeOptions, ErrorKind, hash_file_dihedral};

/// PDQ's customary match threshold.
const RADIUS: u32 = 31;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((db, uploads)) = args.split_first() else {
        eprintln!("usage: match_uploads DB.kmk FILE...");
        return ExitCode::from(2);
    };
    // Open once, share everywhere: opening reads only the header, and the
    // mapped file is shared by every process and thread that opens it.
    let index = match Index::open(Path::new(db)) {
        Ok(index) => index,
        Err(err) => {
            eprintln!("cannot open the indicator file: {err}");
            return ExitCode::from(1);
        }
    };
    let options = DecodeOptions::default();
    for upload in uploads {
        // The 8 rotations and mirrors cost one hash: matching them catches
        // uploads that were only turned or flipped.
        let hashed = match hash_file_dihedral(Path::new(upload), &options) {
            Ok(h) => h,
            Err(err) if *err.kind() == ErrorKind::Limits => {
                eprintln!("refused (too large): {err}");
                continue;
            }
            Err(err) => {
                eprintln!("cannot hash: {err}");
                continue;
            }
        };
        if !hashed.original().is_matchable() {
            // Too little detail for PDQ to decide: route to other checks.
            continue;
        }
        let groups = vec![hashed.hashes.to_vec()];
        match index.view().search_groups(&groups, RADIUS, Method::Auto) {
            Ok(matches) => {
                for m in matches {
                    // Near-threshold hits deserve human review (Art. 10(4)(c)).
                    let review = if m.distance > 20 { " (review)" } else { "" };
                    println!(
                        "{upload}: indicator {} at distance {}{review}",
                        m.indicator, m.distance
                    );
                }
            }
            Err(err) => {
                eprintln!("search failed: {err}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
