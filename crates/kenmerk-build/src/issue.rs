//! Issuing a signed copy of a release to one provider for one period
//! (Art. 46(2), (8)), recorded in the log when the records are given.

use std::path::Path;

use kenmerk::index::{self, Index, IssueRequest, issue::utc_date};

use crate::keys::SecretKey;
use crate::publish;
use crate::records::{Chain, Event, Record, hex};

/// What was issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// Version of the release issued.
    pub db_version: u64,
    /// Indicators in it.
    pub indicators: usize,
}

/// Number of distinct indicator ids in `view` (a video indicator has one
/// record per stored frame).
fn count_indicators(view: &index::IndexView<'_>) -> Result<usize, String> {
    let mut ids = std::collections::HashSet::new();
    for p in 0..view.len() {
        ids.insert(view.indicator(p).map_err(|e| e.reason().to_string())?.id);
    }
    Ok(ids.len())
}

/// Writes a signed copy of the release `db` for `request.issued_to`.
pub fn issue(
    db: &Path,
    request: &IssueRequest,
    key: &SecretKey,
    out: &Path,
    records: Option<&Path>,
) -> Result<Issued, String> {
    let source = Index::inspect(db).map_err(|e| e.to_string())?;
    let view = source.view();
    // `issue` checks the source completely before signing it.
    let bytes = index::issue::issue(view.bytes(), request, &key.public_key(), |m| key.sign(m))
        .map_err(|e| format!("{}: {}", db.display(), e.reason()))?;
    let issued = Issued {
        db_version: view.info().db_version,
        indicators: count_indicators(&view).map_err(|e| format!("{}: {e}", db.display()))?,
    };
    let Some(records) = records else {
        return index::write_atomic(out, &bytes)
            .map_err(|e| e.to_string())
            .map(|()| issued);
    };
    let old = std::fs::read(records).map_err(|e| format!("{}: {e}", records.display()))?;
    let mut chain = Chain::read(records)?;
    crate::check::file_against_records(&chain, &view)
        .map_err(|e| format!("{}: {e}", db.display()))?;
    let info = index::IndexView::from_bytes(&bytes)
        .map_err(|e| e.to_string())?
        .info();
    chain.append(Record {
        db_version: Some(info.db_version),
        indicators: Some(issued.indicators as u64),
        body_blake3: Some(hex(&info.body_digest)),
        header_blake3: Some(hex(&info.header_digest)),
        issued_to: Some(request.issued_to.clone()),
        valid_from: Some(utc_date(request.valid_from)),
        valid_until: Some(utc_date(request.valid_until)),
        signer: Some(hex(key.public_key().as_bytes())),
        ..Record::new(Event::Issue)
    });
    publish::records_and_file(records, Some(&old), chain.to_text().as_bytes(), out, &bytes)?;
    Ok(issued)
}
