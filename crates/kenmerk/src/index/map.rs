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

/// Asks for 2 MiB pages from `offset` to the end (the sections). Multi-index
/// search reads the tables and hashes at random, and with 4 KiB pages
/// nearly every read also misses the TLB: on the 10M benchmark file 2,000
/// queries took 338 ms in 4 KiB pages against 208 ms in 2 MiB ones. Where the file system caches files in large
/// folios (ext4 and XFS on current kernels), this advice makes page faults
/// read whole 2 MiB folios, which the kernel then maps with one entry each;
/// elsewhere it does nothing. The header's page is left out, so opening
/// still reads one page.
#[cfg(target_os = "linux")]
pub(crate) fn prefer_huge_pages(mmap: &Mmap, offset: usize) {
    let start = offset.max(HEADER_PAGE).min(mmap.len());
    let _ = mmap.advise_range(Advice::HugePage, start, mmap.len() - start);
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn prefer_huge_pages(_mmap: &Mmap, _offset: usize) {}
