//! Reading hash lists: one 64-hex hash per line, optionally Meta's CSV
//! `hash,quality[,path[,dihedral]]`, optionally a header line; or raw files
//! of 32-byte records.
//!
//! Items are numbered by their 0-based line number in the file (a header
//! line is line 0), so a number always points back at its line.

use std::path::Path;

use kenmerk::Hash256;

/// One hash of a list and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// 0-based line (or record) number.
    pub(crate) line: usize,
    pub(crate) hash: Hash256,
    pub(crate) quality: Option<u8>,
    /// The eight dihedral hashes, if the line has the fourth field.
    pub(crate) dihedral: Option<Vec<Hash256>>,
}

/// Parses one line into an entry numbered `line`.
fn parse_line(line: usize, text: &str) -> Result<Entry, String> {
    let mut fields = text.split(',');
    let hash = fields.next().unwrap_or("").trim();
    let hash = Hash256::from_hex(hash).map_err(|e| e.reason().to_string())?;
    let quality = match fields.next().map(str::trim) {
        None | Some("") => None,
        Some(q) => Some(
            q.parse::<u8>()
                .ok()
                .filter(|&q| q <= 100)
                .ok_or_else(|| format!("quality {q:?} is not a number from 0 to 100"))?,
        ),
    };
    let _path = fields.next();
    let dihedral = match fields.next().map(str::trim) {
        None | Some("") => None,
        Some(joined) => {
            let hashes: Result<Vec<Hash256>, _> =
                joined.split('|').map(Hash256::from_hex).collect();
            let hashes = hashes.map_err(|e| format!("dihedral field: {}", e.reason()))?;
            if hashes.len() != 8 {
                return Err(format!("dihedral field has {} hashes, not 8", hashes.len()));
            }
            Some(hashes)
        }
    };
    Ok(Entry {
        line,
        hash,
        quality,
        dihedral,
    })
}

/// Parses a text hash list. Blank lines are skipped; a first line that is
/// not a hash is taken as a header. Errors name the file and line.
pub(crate) fn read_text(path: &Path) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut entries = Vec::new();
    for (line, raw) in text.lines().enumerate() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        match parse_line(line, raw) {
            Ok(entry) => entries.push(entry),
            Err(_) if line == 0 => {} // a header line
            Err(reason) => return Err(format!("{}: line {}: {reason}", path.display(), line + 1)),
        }
    }
    Ok(entries)
}

/// Reads a raw list: consecutive 32-byte records, each the bytes of one hash
/// in the order its hex spells them.
pub(crate) fn read_raw(path: &Path) -> Result<Vec<Entry>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (records, rest) = bytes.as_chunks::<32>();
    if !rest.is_empty() {
        return Err(format!(
            "{}: {} bytes is not a whole number of 32-byte hashes",
            path.display(),
            bytes.len()
        ));
    }
    Ok(records
        .iter()
        .enumerate()
        .map(|(line, r)| Entry {
            line,
            hash: Hash256::from_bytes(*r),
            quality: None,
            dihedral: None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    #[test]
    fn parses_plain_csv_and_dihedral_lines() {
        assert_eq!(parse_line(0, H).unwrap().quality, None);
        assert_eq!(
            parse_line(0, &format!("{H},87,a.jpg")).unwrap().quality,
            Some(87)
        );
        let line = format!("{H},87,a.jpg,{}", [H; 8].join("|"));
        assert_eq!(parse_line(0, &line).unwrap().dihedral.unwrap().len(), 8);
        assert!(parse_line(0, &format!("{H},187")).is_err());
        assert!(parse_line(0, &format!("{H},87,a,{H}|{H}")).is_err());
        assert!(parse_line(0, "hash,quality,path").is_err());
    }

    #[test]
    fn numbers_entries_by_line_and_skips_a_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(&path, format!("hash,quality\n{H},100\n\n{H},40\n")).unwrap();
        let entries = read_text(&path).unwrap();
        assert_eq!(entries.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 3]);
        std::fs::write(&path, format!("{H}\nnot-a-hash\n")).unwrap();
        let err = read_text(&path).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
