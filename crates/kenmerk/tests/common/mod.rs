//! Helpers shared by the integration tests: finding the workspace and
//! reading CSV tables of expected hashes.

use std::path::PathBuf;

use kenmerk::Hash256;

/// The workspace root (two levels above this crate's manifest).
pub(crate) fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Parses CSV text (RFC 4180: fields may be quoted, `""` is a quote inside a
/// quoted field, quoted fields may hold commas and newlines). Blank lines are
/// skipped.
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                if !(row.len() == 1 && row[0].is_empty()) {
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Parses one hash, naming the context on failure.
pub(crate) fn hash(hex: &str, context: &str) -> Hash256 {
    hex.parse()
        .unwrap_or_else(|e| panic!("{context}: bad hash {hex:?}: {e}"))
}

/// Parses the eight dihedral hashes joined by `|` (Meta's order: orig,
/// rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1).
pub(crate) fn dihedral(joined: &str, context: &str) -> [Hash256; 8] {
    let parts: Vec<Hash256> = joined.split('|').map(|h| hash(h, context)).collect();
    parts
        .try_into()
        .unwrap_or_else(|p: Vec<_>| panic!("{context}: {} dihedral hashes, want 8", p.len()))
}
