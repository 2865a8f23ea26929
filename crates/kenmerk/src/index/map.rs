//! Read-only memory mapping of indicator files: the only `unsafe` of the
//! index module.
//!
//! A mapped file is shared by every process that maps it and costs no heap
//! memory; opening reads only the header page. The contract of mapping is
//! that the file is not modified while mapped. kenmerk's writers never
//! modify a published file: they write a new file and rename it over the old
//! one, so existing mappings keep seeing the old, unchanged inode.

use std::fs::File;
use std::path::Path;

use memmap2::{Advice, Mmap};

use crate::error::{Error, Result};

/// The span advised as randomly read: the page holding the header.
const HEADER_PAGE: usize = 4096;

/// Maps `path` read-only.
pub(crate) fn map(path: &Path) -> Result<Mmap> {
    let file = File::open(path).map_err(|e| Error::io(e, path))?;
    let meta = file.metadata().map_err(|e| Error::io(e, path))?;
    if !meta.is_file() {
        return Err(Error::new(crate::ErrorKind::Io, "not a regular file").with_path(path));
    }
    // SAFETY: the mapping is read-only and never handed out mutably. The
    // file must not be truncated or rewritten in place while mapped (the
    // documented contract of `Index::open`); kenmerk's own writers replace
    // files by atomic rename, which leaves existing mappings intact. Every
    // read of the mapping is bounds-checked against its length, which is
    // fixed at mapping time.
    let mmap = unsafe { Mmap::map(&file) }.map_err(|e| Error::io(e, path))?;
    // Before the header is read, and for its page only: without this, the
    // kernel reads megabytes ahead around the first page touched. (Random
    // advice on the whole mapping would also turn off fault-around, which
    // makes multi-index searches page-fault ten times as often.) The hash
    // section, which flat scans stream, is advised sequential once its
    // bounds are known (`stream_hashes`). Advice is only a hint.
    let _ = mmap.advise_range(Advice::Random, 0, HEADER_PAGE.min(mmap.len()));
    Ok(mmap)
}

/// Asks for read-ahead on `len` bytes at `offset` (the hash section).
pub(crate) fn stream_hashes(mmap: &Mmap, offset: usize, len: usize) {
    let _ = mmap.advise_range(Advice::Sequential, offset, len);
}
