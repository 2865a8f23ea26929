//! Indicator files through the C ABI: an opaque, read-only handle that any
//! number of threads may search at once.
//!
//! `kenmerk_index_open` maps the file and validates its header and section
//! bounds in O(1); `kenmerk_index_verify` checks the digests in O(n).
//! Searches are exact and return matches sorted by distance, then indicator
//! id, into a caller-owned array whose capacity the caller states. When the
//! array is too small nothing is written to it, `*out_len` receives the
//! number needed, and the call returns `KENMERK_RESULT_INSUFFICIENT_CAPACITY`
//! so the caller can retry with a larger array.

use std::ffi::{CStr, c_char};
use std::path::PathBuf;
use std::sync::OnceLock;

use kenmerk::Hash256;
use kenmerk::index::{Index, Match, Method};
use kenmerk::video::matching::VideoCatalog;

use crate::boundary::{
    FfiResult, check_array_outputs, check_ptr, deliver_array, guard, input_array, input_slice,
    write_out,
};
use crate::hash::{KENMERK_DIHEDRAL_HASH_BYTES, KENMERK_HASH_BYTES};
use crate::result::kenmerk_result;

/// An opened indicator file. Read-only once opened: one handle may be
/// searched from any number of threads at the same time, and passed between
/// threads. Free it with `kenmerk_index_free` once no thread uses it.
#[allow(non_camel_case_types)]
pub struct kenmerk_index {
    pub(crate) inner: Index,
    /// The video indicators and their frame counts, read on the first video
    /// match (O(n)) and kept.
    pub(crate) videos: OnceLock<VideoCatalog>,
}

/// One match: which indicator, and how far (Hamming distance in bits).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct kenmerk_match {
    /// The indicator's id, as stored in the indicator file.
    pub indicator: u64,
    /// Hamming distance between the query and the indicator, 0 to 256.
    pub distance: u32,
}

// The handle is shared across C threads; keep that a compile-time fact.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<kenmerk_index>();
};

/// The path named by a C string (any bytes on Unix; UTF-8 elsewhere).
pub(crate) fn path_from(path: &CStr) -> FfiResult<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(path.to_bytes())))
    }
    #[cfg(not(unix))]
    {
        path.to_str()
            .map(PathBuf::from)
            .map_err(|_| crate::boundary::Failure::invalid("the path is not valid UTF-8"))
    }
}

/// Hands a new handle to the caller through a checked `out` pointer.
///
/// # Safety
/// `out` must be valid for writing one pointer.
unsafe fn give(index: Index, out: *mut *mut kenmerk_index) {
    let handle = Box::into_raw(Box::new(kenmerk_index {
        inner: index,
        videos: OnceLock::new(),
    }));
    // SAFETY: forwarded from this function's contract.
    unsafe { write_out(out, handle) };
}

/// Borrows a handle after a NULL check.
///
/// # Safety
/// As [`borrow`].
pub(crate) unsafe fn borrow_handle<'a>(
    index: *const kenmerk_index,
) -> FfiResult<&'a kenmerk_index> {
    check_ptr(index, "index")?;
    // SAFETY: non-NULL (checked); the caller guarantees a live handle,
    // which is only ever read.
    Ok(unsafe { &*index })
}

/// Borrows the index behind a handle after a NULL check.
///
/// # Safety
/// `index`, if non-NULL, must come from `kenmerk_index_open*` and not have
/// been freed.
unsafe fn borrow<'a>(index: *const kenmerk_index) -> FfiResult<&'a Index> {
    // SAFETY: forwarded from this function's contract.
    Ok(&unsafe { borrow_handle(index) }?.inner)
}

/// Opens the indicator file at `path` (a NUL-terminated file name) by
/// mapping it, and validates it in O(1) (header and section bounds; call
/// `kenmerk_index_verify` for the digests).
///
/// On success writes a new handle to `*out`; free it with
/// `kenmerk_index_free`. Returns `KENMERK_RESULT_IO` if the file cannot be
/// read, `KENMERK_RESULT_CORRUPT` or `KENMERK_RESULT_VERSION` if it is not an
/// indicator file this library reads, and `KENMERK_RESULT_EXPIRED` or
/// `KENMERK_RESULT_NOT_YET_VALID` for an issued file outside its validity
/// period.
///
/// The file must not be modified in place while open; replace it by renaming
/// a new file over it (as kenmerk's writers do).
///
/// # Safety
/// `path` must be a NUL-terminated string; `out` must be valid for writing a
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_open(
    path: *const c_char,
    out: *mut *mut kenmerk_index,
) -> kenmerk_result {
    guard(|| {
        check_ptr(path, "path")?;
        check_ptr(out, "out")?;
        // SAFETY: non-NULL (checked) and NUL-terminated per the contract.
        let path = path_from(unsafe { CStr::from_ptr(path) })?;
        let index = Index::open(&path)?;
        // SAFETY: `out` was checked above.
        unsafe { give(index, out) };
        Ok(())
    })
}

/// Length of an ed25519 public key in bytes.
pub const KENMERK_PUBLIC_KEY_BYTES: usize = 32;

/// Opens an issued indicator file as `kenmerk_index_open` does, and also
/// checks that it was signed with `public_key` (the 32 bytes that the hex
/// digits of the Centre's `NAME.pub` file spell, in order) and that no byte
/// of it changed since (one pass over the file). Every open refuses an
/// issued file outside its validity period.
///
/// Returns `KENMERK_RESULT_SIGNATURE` if the file is not signed, signed
/// with another key or altered; `KENMERK_RESULT_EXPIRED` or
/// `KENMERK_RESULT_NOT_YET_VALID` outside the period; `KENMERK_RESULT_INVALID_ARGUMENT`
/// if the 32 bytes are not a valid ed25519 public key.
///
/// # Safety
/// `path` must be a NUL-terminated string; `public_key` must point to 32
/// readable bytes; `out` must be valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_open_signed(
    path: *const c_char,
    public_key: *const u8,
    out: *mut *mut kenmerk_index,
) -> kenmerk_result {
    guard(|| {
        check_ptr(path, "path")?;
        // SAFETY: the caller guarantees 32 readable bytes at `public_key`.
        let key = unsafe { input_array::<KENMERK_PUBLIC_KEY_BYTES>(public_key, "public_key") }?;
        check_ptr(out, "out")?;
        // SAFETY: non-NULL (checked) and NUL-terminated per the contract.
        let path = path_from(unsafe { CStr::from_ptr(path) })?;
        let key = kenmerk::index::PublicKey::from_bytes(key)?;
        let index = Index::open_signed(&path, &key)?;
        // SAFETY: `out` was checked above.
        unsafe { give(index, out) };
        Ok(())
    })
}

/// Opens an indicator file held in memory: the `len` bytes at `bytes` are
/// copied, validated as by `kenmerk_index_open` (validity period included),
/// and may be freed once the call returns.
///
/// # Safety
/// `bytes` must point to `len` readable bytes; `out` must be valid for
/// writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_open_bytes(
    bytes: *const u8,
    len: usize,
    out: *mut *mut kenmerk_index,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees `len` bytes at `bytes`.
        let input = unsafe { input_slice(bytes, len, "bytes") }?;
        check_ptr(out, "out")?;
        let index = Index::from_vec(input.to_vec())?;
        index.view().check_period(kenmerk::index::unix_now())?;
        // SAFETY: `out` was checked above.
        unsafe { give(index, out) };
        Ok(())
    })
}

/// Frees a handle. `NULL` is accepted and does nothing.
///
/// # Safety
/// `index` must be NULL or a handle from `kenmerk_index_open*` that has not
/// been freed, and no other thread may be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_free(index: *mut kenmerk_index) {
    let _ = guard(|| {
        if !index.is_null() {
            // SAFETY: the caller passes a live handle made by `give` with
            // `Box::into_raw`, used by no one else; it is freed once.
            drop(unsafe { Box::from_raw(index) });
        }
        Ok(())
    });
}

/// Writes the number of indicators in the file to `*out_len`.
///
/// # Safety
/// `index` must be a live handle; `out_len` valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_len(
    index: *const kenmerk_index,
    out_len: *mut usize,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees a live handle.
        let index = unsafe { borrow(index) }?;
        check_ptr(out_len, "out_len")?;
        let len = index.view().len();
        // SAFETY: `out_len` was checked above.
        unsafe { write_out(out_len, len) };
        Ok(())
    })
}

/// Checks everything opening does not: both digests, every indicator record
/// and every multi-index entry, in O(n). Returns `KENMERK_RESULT_OK` or
/// `KENMERK_RESULT_CORRUPT`.
///
/// # Safety
/// `index` must be a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_verify(index: *const kenmerk_index) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees a live handle.
        let index = unsafe { borrow(index) }?;
        Ok(index.view().verify()?)
    })
}

/// Copies `matches` to the caller's array if they fit (see
/// [`deliver_array`]).
///
/// # Safety
/// As [`deliver_array`].
unsafe fn deliver(
    matches: &[Match],
    out: *mut kenmerk_match,
    capacity: usize,
    out_len: *mut usize,
) -> FfiResult {
    let records: Vec<kenmerk_match> = matches
        .iter()
        .map(|m| kenmerk_match {
            indicator: m.indicator,
            distance: m.distance,
        })
        .collect();
    // SAFETY: forwarded from this function's contract.
    unsafe { deliver_array(&records, out, capacity, out_len, "matches") }
}

/// Finds every indicator within Hamming distance `radius` of `hash` (32
/// bytes, as written by `kenmerk_hash_image`). Exact: no match within the
/// radius is ever missed.
///
/// On success writes the matches, closest first (ties by indicator id), to
/// `out[0..n]` and `n` to `*out_len` (0 when nothing matches).
/// If `n > capacity`, returns `KENMERK_RESULT_INSUFFICIENT_CAPACITY`, writes
/// nothing to `out` and writes the `n` needed to `*out_len`; call again with
/// an array of at least that many. `out` may be NULL when `capacity` is 0
/// (to learn the count).
///
/// Hashes whose quality is below `KENMERK_QUALITY_THRESHOLD` should not be
/// searched: their matches are not reliable. Safe to call from many threads
/// on the same handle at once.
///
/// # Safety
/// `index` must be a live handle, `hash` must point to 32 readable bytes,
/// `out` (unless `capacity` is 0) to `capacity` writable `kenmerk_match`,
/// `out_len` to a writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_search(
    index: *const kenmerk_index,
    hash: *const u8,
    radius: u32,
    out: *mut kenmerk_match,
    capacity: usize,
    out_len: *mut usize,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees a live handle.
        let index = unsafe { borrow(index) }?;
        // SAFETY: the caller guarantees 32 readable bytes at `hash`.
        let query =
            Hash256::from_bytes(unsafe { input_array::<KENMERK_HASH_BYTES>(hash, "hash") }?);
        check_array_outputs(out, capacity, out_len)?;
        let matches = index.view().search(&[query], radius, Method::Auto)?;
        // SAFETY: outputs checked above; sizes guaranteed by the caller.
        unsafe { deliver(&matches, out, capacity, out_len) }
    })
}

/// Like `kenmerk_index_search` for the eight dihedral hashes of one image
/// (256 bytes, as written by `kenmerk_hash_image_dihedral`): an indicator
/// matches once, at the smallest distance of any variant. This finds
/// uploads that were only rotated or mirrored.
///
/// # Safety
/// As `kenmerk_index_search`, with `hashes` pointing to 256 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_search_dihedral(
    index: *const kenmerk_index,
    hashes: *const u8,
    radius: u32,
    out: *mut kenmerk_match,
    capacity: usize,
    out_len: *mut usize,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees a live handle.
        let index = unsafe { borrow(index) }?;
        // SAFETY: the caller guarantees 256 readable bytes at `hashes`.
        let all = unsafe { input_array::<KENMERK_DIHEDRAL_HASH_BYTES>(hashes, "hashes") }?;
        check_array_outputs(out, capacity, out_len)?;
        let group: Vec<Hash256> = all
            .as_chunks::<KENMERK_HASH_BYTES>()
            .0
            .iter()
            .map(|record| Hash256::from_bytes(*record))
            .collect();
        let matches = index.view().search_groups(&[group], radius, Method::Auto)?;
        // SAFETY: outputs checked above; sizes guaranteed by the caller.
        unsafe { deliver(&matches, out, capacity, out_len) }
    })
}
