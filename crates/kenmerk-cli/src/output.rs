//! Output formats of `kenmerk hash`.
//!
//! CSV is exactly what Meta's PDQ hasher prints, `hash,quality,path`, with
//! the eight dihedral hashes joined by `|` as a fourth field when asked for.
//! Paths are printed as given and not quoted (Meta's format); use JSON lines
//! for paths that may contain commas or newlines.

use std::io::{self, Write};
use std::path::Path;

use kenmerk::pdq::Dihedral;
use kenmerk::{PdqDihedral, PdqHash};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// `hash,quality,path[,dihedral]`, as Meta's hasher prints it.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// The hash of one file: the original only, or all eight variants.
pub(crate) enum Hashed {
    Plain(PdqHash),
    Dihedral(Box<PdqDihedral>),
}

impl Hashed {
    fn original(&self) -> PdqHash {
        match self {
            Hashed::Plain(h) => *h,
            Hashed::Dihedral(d) => d.original(),
        }
    }
}

/// Writes one result line.
pub(crate) fn write_record(
    out: &mut impl Write,
    format: Format,
    path: &Path,
    hashed: &Hashed,
) -> io::Result<()> {
    let PdqHash { hash, quality } = hashed.original();
    match format {
        Format::Csv => {
            write!(out, "{hash},{quality},{}", path.display())?;
            if let Hashed::Dihedral(d) = hashed {
                let joined: Vec<String> = d.hashes.iter().map(|h| h.to_string()).collect();
                write!(out, ",{}", joined.join("|"))?;
            }
            writeln!(out)
        }
        Format::Jsonl => {
            let mut record = serde_json::json!({
                "path": path.to_string_lossy(),
                "hash": hash.to_string(),
                "quality": quality,
            });
            if let Hashed::Dihedral(d) = hashed {
                let variants: serde_json::Map<String, serde_json::Value> = Dihedral::ALL
                    .iter()
                    .map(|v| (v.name().to_string(), d.get(*v).to_string().into()))
                    .collect();
                record["dihedral"] = variants.into();
            }
            writeln!(out, "{record}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenmerk::Hash256;

    fn sample() -> PdqHash {
        PdqHash {
            hash: Hash256::from_bytes([0xab; 32]),
            quality: 87,
        }
    }

    #[test]
    fn csv_is_metas_line_format() {
        let mut out = Vec::new();
        write_record(
            &mut out,
            Format::Csv,
            Path::new("a/b.png"),
            &Hashed::Plain(sample()),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{},87,a/b.png\n", "ab".repeat(32))
        );
    }

    #[test]
    fn csv_dihedral_adds_a_fourth_field() {
        let d = PdqDihedral {
            hashes: [sample().hash; 8],
            quality: 87,
        };
        let mut out = Vec::new();
        write_record(
            &mut out,
            Format::Csv,
            Path::new("x.jpg"),
            &Hashed::Dihedral(Box::new(d)),
        )
        .unwrap();
        let line = String::from_utf8(out).unwrap();
        let fields: Vec<&str> = line.trim_end().split(',').collect();
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[3].split('|').count(), 8);
    }

    #[test]
    fn jsonl_escapes_paths() {
        let mut out = Vec::new();
        write_record(
            &mut out,
            Format::Jsonl,
            Path::new("we,ird\"name.png"),
            &Hashed::Plain(sample()),
        )
        .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["path"], "we,ird\"name.png");
        assert_eq!(value["quality"], 87);
    }
}
