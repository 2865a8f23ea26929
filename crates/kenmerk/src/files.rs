//! Opening untrusted paths and writing outputs without surprises.
//!
//! Every file kenmerk reads on a caller's behalf goes through
//! [`open_regular`]: the path is opened without blocking (a FIFO with no
//! writer would otherwise hang `open` forever), then `fstat` on the open
//! descriptor decides: only a regular file is read. Character devices
//! (`/dev/zero`, `/dev/urandom`), FIFOs, sockets and directories are refused
//! with the path and what the path is. [`read_bounded`] also refuses a file
//! over a size limit before reading it, and never reads past the limit if
//! the file grows meanwhile.
//!
//! Every file kenmerk writes goes through [`Staged`]: a temporary file with
//! a random name in the target's folder, created with `O_CREAT | O_EXCL`
//! (so a symlink or file planted at that name is never followed or
//! overwritten), written, flushed to disk, then renamed over the target and
//! the folder flushed. Readers see the old file or the new one, never a
//! partial one. Temporary names end in [`TEMP_SUFFIX`] so that a crashed
//! writer's leftovers can be recognised.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// The suffix of every temporary file kenmerk creates beside an output.
pub const TEMP_SUFFIX: &str = ".kenmerk-tmp";

/// Opens `path` for reading if, and only if, it is a regular file.
///
/// The open does not block on FIFOs; anything but a regular file is refused
/// with an [`ErrorKind::Io`] error naming the path and its type.
pub fn open_regular(path: &Path) -> Result<File> {
    let file = open_nonblocking(path).map_err(|e| Error::io(e, path))?;
    let meta = file.metadata().map_err(|e| Error::io(e, path))?;
    if !meta.file_type().is_file() {
        return Err(Error::new(
            ErrorKind::Io,
            format!("is {}, not a regular file", describe(&meta.file_type())),
        )
        .with_path(path));
    }
    Ok(file)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

fn describe(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Reads a whole regular file of at most `max_bytes` bytes. `what` names
/// the file's role in the message ("hash list", "delta", ...).
pub fn read_bounded(path: &Path, max_bytes: u64, what: &str) -> Result<Vec<u8>> {
    let file = open_regular(path)?;
    let declared = file.metadata().map_err(|e| Error::io(e, path))?.len();
    let too_large = |size: String| {
        Error::limits(format!(
            "the {what} is {size} bytes, over the limit of {max_bytes} bytes"
        ))
        .with_path(path)
    };
    if declared > max_bytes {
        return Err(too_large(declared.to_string()));
    }
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(declared as usize)
        .map_err(|_| too_large(declared.to_string()))?;
    // The file may grow after the size check; never read past the limit.
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(e, path))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(format!("more than {max_bytes}")));
    }
    Ok(bytes)
}

/// An output being written beside its target, not yet visible there.
///
/// Dropping a `Staged` that was not committed removes the temporary file.
#[derive(Debug)]
pub struct Staged {
    file: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// Creates an empty temporary file in `target`'s folder, with a random
    /// name that no existing file or symlink can take over.
    pub fn create(target: &Path) -> Result<Staged> {
        let name = target.file_name().ok_or_else(|| {
            Error::invalid_input("the output path has no file name").with_path(target)
        })?;
        let file = tempfile::Builder::new()
            .prefix(&format!(".{}.", name.to_string_lossy()))
            .suffix(TEMP_SUFFIX)
            .tempfile_in(folder(target))
            .map_err(|e| Error::io(e, target))?;
        Ok(Staged {
            file,
            target: target.to_path_buf(),
        })
    }

    /// Writes `bytes` to a new temporary file beside `target` and flushes
    /// it to disk.
    pub fn write(target: &Path, bytes: &[u8]) -> Result<Staged> {
        let mut staged = Staged::create(target)?;
        staged
            .file
            .write_all(bytes)
            .map_err(|e| Error::io(e, target))?;
        staged.sync()?;
        Ok(staged)
    }

    /// The temporary file, for writing in pieces.
    pub fn file_mut(&mut self) -> &mut File {
        self.file.as_file_mut()
    }

    /// The temporary file's current path.
    pub fn temp_path(&self) -> &Path {
        self.file.path()
    }

    /// The path the file will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the temporary file's contents to disk.
    pub fn sync(&self) -> Result<()> {
        self.file
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(e, &self.target))
    }

    /// Renames the (already synced) temporary file over the target, then
    /// flushes the folder so that the rename itself is durable.
    pub fn commit(self) -> Result<()> {
        let target = self.target;
        self.file
            .persist(&target)
            .map_err(|e| Error::io(e.error, &target))?;
        sync_folder(&target)
    }
}

/// Writes `bytes` to `path` atomically (see [`Staged`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    Staged::write(path, bytes)?.commit()
}

/// Flushes the folder holding `path`, making a rename into it durable.
pub fn sync_folder(path: &Path) -> Result<()> {
    let dir = folder(path);
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(e, dir))
}

/// The folder of `path`, `.` for a bare file name.
pub fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Temporary files a crashed writer left beside `target` (names starting
/// with `.NAME.` and ending in [`TEMP_SUFFIX`]).
pub fn stale_temporaries(target: &Path) -> Vec<PathBuf> {
    let Some(name) = target.file_name() else {
        return Vec::new();
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(folder(target)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with(&prefix) && n.ends_with(TEMP_SUFFIX)
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_limits_hold() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, b"hello").unwrap();
        assert_eq!(read_bounded(&p, 5, "list").unwrap(), b"hello");
        let err = read_bounded(&p, 4, "list").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Limits);
        assert!(err.to_string().contains("the list is 5 bytes"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn fifo_devices_and_directories_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = open_regular(&fifo).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
        let err = read_bounded(Path::new("/dev/zero"), 1 << 20, "list").unwrap_err();
        assert!(err.to_string().contains("character device"), "{err}");
        let err = open_regular(dir.path()).unwrap_err();
        assert!(err.to_string().contains("directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn staged_files_never_follow_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep me").unwrap();
        let target = dir.path().join("out.kmk");
        // Plant symlinks at the old predictable names; none may be written.
        for pid in [std::process::id(), 1, 2] {
            let planted = dir.path().join(format!(".out.kmk.{pid}.tmp"));
            std::os::unix::fs::symlink(&victim, planted).unwrap();
        }
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
        assert!(stale_temporaries(&target).is_empty());
    }

    #[test]
    fn dropped_stage_leaves_nothing_and_stale_ones_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.kmk");
        let staged = Staged::write(&target, b"x").unwrap();
        assert_eq!(
            stale_temporaries(&target),
            vec![staged.temp_path().to_path_buf()]
        );
        drop(staged);
        assert!(stale_temporaries(&target).is_empty());
        assert!(!target.exists());
    }
}
