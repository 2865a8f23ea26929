//! Writing an indicator file and the records together, so that a crash or a
//! failure at any point leaves either both old files or both new ones.
//!
//! Both are first written in full to temporary files beside their targets
//! and flushed to disk. Then the records are renamed into place, then the
//! indicator file. If the second rename fails, the old records are put back.
//! A crash between the two renames leaves new records that describe a file
//! not yet published: the log then ends with a `release` record naming
//! digests that no file on disk has, which `db records verify --db` reports,
//! and no indicator file ever names records that do not exist. Before the
//! renames nothing visible has changed.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file written in full beside its target, not yet in place.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a temporary file in `target`'s folder and syncs it.
    pub fn write(target: &Path, bytes: &[u8]) -> Result<Staged, String> {
        let dir = folder(target);
        let name = target
            .file_name()
            .ok_or_else(|| format!("{}: the path has no file name", target.display()))?;
        let temp = dir.join(format!(
            ".{}.{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let staged = Staged {
            temp,
            target: target.to_path_buf(),
        };
        let result = File::create(&staged.temp)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()));
        match result {
            Ok(()) => Ok(staged),
            Err(e) => Err(format!("{}: {e}", target.display())),
        }
    }

    /// Renames the temporary file over the target and syncs the folder.
    pub fn publish(self) -> Result<(), String> {
        let result = fs::rename(&self.temp, &self.target)
            .and_then(|()| File::open(folder(&self.target))?.sync_all());
        result.map_err(|e| format!("{}: {e}", self.target.display()))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Published files have been renamed away; this only cleans up after
        // a failure.
        let _ = fs::remove_file(&self.temp);
    }
}

fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Publishes new records and a new file as one step (see the module doc).
/// `old_records` is the records file's previous content (`None` if it did
/// not exist), restored if the file cannot be put in place.
pub fn records_and_file(
    records: &Path,
    old_records: Option<&[u8]>,
    new_records: &[u8],
    out: &Path,
    file: &[u8],
) -> Result<(), String> {
    let staged_file = Staged::write(out, file)?;
    let staged_records = Staged::write(records, new_records)?;
    staged_records.publish()?;
    if let Err(e) = staged_file.publish() {
        let restored = match old_records {
            Some(old) => Staged::write(records, old).and_then(Staged::publish),
            None => fs::remove_file(records).map_err(|e| e.to_string()),
        };
        return Err(match restored {
            Ok(()) => format!("{e}; the records were left as they were"),
            Err(r) => format!(
                "{e}; restoring the previous records also failed ({r}): the records now end \
                 with a release that was not written"
            ),
        });
    }
    Ok(())
}
