//! `kenmerk db import --vpdq FILE...`: video indicators from vPDQ lists.
//!
//! Each file holds one video's `frame,quality,hash,timestamp` lines (as
//! Meta's vPDQ and `kenmerk hash --video` print them) and becomes one video
//! indicator whose id is the file's 0-based position on the command line.
//! Its distinct frames of quality 50 or more are stored, each under the
//! video's id with its frame number, as the vPDQ rule matches only those.

use std::path::PathBuf;

use kenmerk::Hash256;
use kenmerk::index::Indicator;
use kenmerk::pdq::QUALITY_THRESHOLD;
use kenmerk::video::{self, matching};

/// The index records of the videos in `files`.
pub(crate) fn records(files: &[PathBuf]) -> Result<Vec<(Hash256, Indicator)>, String> {
    let mut out = Vec::new();
    for (id, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let frames =
            video::parse_lines(&text).map_err(|e| format!("{}: {}", path.display(), e.reason()))?;
        let usable = matching::video_records(id as u64, &frames, QUALITY_THRESHOLD);
        if usable.is_empty() {
            return Err(format!(
                "{}: no frame of quality {QUALITY_THRESHOLD} or more; such a video cannot be matched",
                path.display()
            ));
        }
        out.extend(usable);
    }
    Ok(out)
}
