//! The submissions manifest: which confirmed material to turn into
//! indicators, and who confirmed it (Art. 36(1)(a), 44(3)).
//!
//! CSV with the header `submission_id,authority,member_state,decided_on,
//! media_kind,path`, or JSON lines with the same keys (recognised by a first
//! non-blank character `{`). Paths are relative to the manifest's folder.
//! Every row is checked; the caller refuses the whole build if any row is
//! bad, naming each bad row by line number and submission id.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::dates;
use crate::member_state::is_member_state;

/// Column names, in the order the CSV header must give them.
pub const COLUMNS: [&str; 6] = [
    "submission_id",
    "authority",
    "member_state",
    "decided_on",
    "media_kind",
    "path",
];

/// Media kinds a submission may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmittedKind {
    /// A still image.
    Image,
    /// A video.
    Video,
}

impl SubmittedKind {
    /// `image` or `video`.
    pub fn name(self) -> &'static str {
        match self {
            SubmittedKind::Image => "image",
            SubmittedKind::Video => "video",
        }
    }
}

/// One valid row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// 1-based line number in the manifest.
    pub line: usize,
    /// The coordinating authority's id of the submission.
    pub submission_id: String,
    /// The authority that confirmed the material.
    pub authority: String,
    /// EU-27 member state code.
    pub member_state: String,
    /// Date of the decision, YYYY-MM-DD.
    pub decided_on: String,
    /// Image or video.
    pub media_kind: SubmittedKind,
    /// The file, resolved against the manifest's folder.
    pub path: PathBuf,
}

/// A row that cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line number in the manifest (0: the manifest as a whole).
    pub line: usize,
    /// The row's submission id, if it has one.
    pub submission_id: Option<String>,
    /// Why it was refused.
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.submission_id, self.line) {
            (_, 0) => write!(f, "{}", self.reason),
            (Some(id), line) => write!(f, "line {line} (submission {id:?}): {}", self.reason),
            (None, line) => write!(f, "line {line}: {}", self.reason),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    submission_id: Option<String>,
    authority: Option<String>,
    member_state: Option<String>,
    decided_on: Option<String>,
    media_kind: Option<String>,
    path: Option<String>,
}

/// A row as read, with its 1-based line number.
type NumberedRow = (usize, Result<RawRow, String>);

/// Reads and checks a manifest. Returns every valid row, or every error.
pub fn read(path: &Path) -> Result<Vec<Submission>, Vec<RowError>> {
    let whole = |reason: String| {
        vec![RowError {
            line: 0,
            submission_id: None,
            reason: format!("{}: {reason}", path.display()),
        }]
    };
    let text = std::fs::read_to_string(path).map_err(|e| whole(e.to_string()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let rows = if text.trim_start().starts_with('{') {
        read_jsonl(&text)
    } else {
        read_csv(&text).map_err(whole)?
    };
    if rows.is_empty() {
        return Err(whole("the manifest lists no submission".into()));
    }
    check(rows, base)
}

fn read_jsonl(text: &str) -> Vec<NumberedRow> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, serde_json::from_str(l).map_err(|e| e.to_string())))
        .collect()
}

fn read_csv(text: &str) -> Result<Vec<NumberedRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    if header.iter().collect::<Vec<_>>() != COLUMNS {
        return Err(format!(
            "the header must be `{}`, found `{}`",
            COLUMNS.join(","),
            header.iter().collect::<Vec<_>>().join(",")
        ));
    }
    let line_of = |p: Option<&csv::Position>| p.map_or(0, |p| p.line() as usize);
    Ok(reader
        .records()
        .map(|record| match record {
            Ok(record) => (
                line_of(record.position()),
                record
                    .deserialize::<RawRow>(Some(&header))
                    .map_err(|e| e.to_string()),
            ),
            Err(e) => (line_of(e.position()), Err(e.to_string())),
        })
        .collect())
}

fn check(rows: Vec<NumberedRow>, base: &Path) -> Result<Vec<Submission>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut valid = Vec::new();
    let mut seen = HashSet::new();
    for (line, row) in rows {
        let row = match row {
            Ok(row) => row,
            Err(reason) => {
                errors.push(RowError {
                    line,
                    submission_id: None,
                    reason: format!("unreadable row: {reason}"),
                });
                continue;
            }
        };
        let id = row.submission_id.clone().filter(|s| !s.trim().is_empty());
        match check_row(&row, base) {
            Ok(mut submission) => {
                submission.line = line;
                if !seen.insert(submission.submission_id.clone()) {
                    errors.push(RowError {
                        line,
                        submission_id: id,
                        reason: "the submission id appears twice in the manifest".into(),
                    });
                } else {
                    valid.push(submission);
                }
            }
            Err(reasons) => errors.push(RowError {
                line,
                submission_id: id,
                reason: reasons.join("; "),
            }),
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(errors)
    }
}

fn check_row(row: &RawRow, base: &Path) -> Result<Submission, Vec<String>> {
    let mut reasons = Vec::new();
    let mut field = |name: &str, value: &Option<String>| -> String {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => {
                reasons.push(format!("{name} is missing"));
                String::new()
            }
        }
    };
    let submission_id = field("submission_id", &row.submission_id);
    let authority = field("authority", &row.authority);
    let member_state = field("member_state", &row.member_state);
    let decided_on = field("decided_on", &row.decided_on);
    let media_kind = field("media_kind", &row.media_kind);
    let path = field("path", &row.path);
    if !member_state.is_empty() && !is_member_state(&member_state) {
        reasons.push(format!(
            "member_state {member_state:?} is not an EU-27 member state code"
        ));
    }
    if !decided_on.is_empty() {
        match dates::parse_date(&decided_on) {
            Ok(date) if date > dates::today() => {
                reasons.push(format!("decided_on {decided_on} is in the future"))
            }
            Ok(_) => {}
            Err(e) => reasons.push(format!("decided_on: {e}")),
        }
    }
    let kind = match media_kind.as_str() {
        "image" => Some(SubmittedKind::Image),
        "video" => Some(SubmittedKind::Video),
        "" => None,
        other => {
            reasons.push(format!("media_kind {other:?} is not `image` or `video`"));
            None
        }
    };
    match kind {
        Some(media_kind) if reasons.is_empty() => Ok(Submission {
            line: 0,
            submission_id,
            authority,
            member_state,
            decided_on,
            media_kind,
            path: base.join(path),
        }),
        _ => Err(reasons),
    }
}
