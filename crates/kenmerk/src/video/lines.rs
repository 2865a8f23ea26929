//! Meta's vPDQ text format: one line per hashed frame,
//! `frame,quality,hash,timestamp`, the timestamp in seconds with 3
//! decimals. Reading also accepts the three-field `frame,quality,hash`
//! lines of Meta's sample hashes (timestamp 0), blank lines and `#`
//! comment lines (kenmerk prints `# path` headers between files).

use super::FrameHash;
use crate::error::{Error, Result};
use crate::hash::Hash256;

/// One frame as Meta's vPDQ prints it (no line break).
pub fn format_line(frame: &FrameHash) -> String {
    format!(
        "{},{},{},{:.3}",
        frame.frame, frame.quality, frame.hash, frame.timestamp
    )
}

/// Parses vPDQ lines. The error names the first bad line.
pub fn parse_lines(text: &str) -> Result<Vec<FrameHash>> {
    let mut frames = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let frame = parse_line(line)
            .map_err(|reason| Error::invalid_input(format!("line {}: {reason}", number + 1)))?;
        frames.push(frame);
    }
    Ok(frames)
}

fn parse_line(line: &str) -> std::result::Result<FrameHash, String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if !(3..=4).contains(&fields.len()) {
        return Err(format!(
            "expected frame,quality,hash[,timestamp], found {} fields",
            fields.len()
        ));
    }
    let frame = fields[0]
        .parse::<u32>()
        .map_err(|_| format!("bad frame number {:?}", fields[0]))?;
    let quality = fields[1]
        .parse::<u8>()
        .ok()
        .filter(|q| *q <= 100)
        .ok_or_else(|| format!("bad quality {:?} (0..=100)", fields[1]))?;
    let hash = fields[2]
        .parse::<Hash256>()
        .map_err(|e| format!("bad hash: {}", e.reason()))?;
    let timestamp = match fields.get(3) {
        None => 0.0,
        Some(t) => t
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite() && *t >= 0.0)
            .ok_or_else(|| format!("bad timestamp {t:?}"))?,
    };
    Ok(FrameHash {
        frame,
        quality,
        hash,
        timestamp,
    })
}
