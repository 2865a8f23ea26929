//! The checks every exported function makes at the C boundary.
//!
//! A body runs inside [`guard`]: a panic is caught and becomes
//! `KENMERK_RESULT_PANIC` instead of unwinding into C (undefined behaviour),
//! and a failure's text is kept per thread for
//! [`kenmerk_last_error_message`](crate::kenmerk_last_error_message).
//! Pointers are checked for NULL and alignment, and lengths for the limits
//! of a Rust slice, before anything is read; outputs are written only after
//! all work has succeeded.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::result::kenmerk_result;

/// A failed call: its code and, for the last-error message, why.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: kenmerk_result,
    detail: String,
}

impl Failure {
    pub(crate) fn new(code: kenmerk_result, detail: impl Into<String>) -> Self {
        Failure {
            code,
            detail: detail.into(),
        }
    }

    fn null(name: &str) -> Self {
        Failure::new(
            kenmerk_result::NullParameter,
            format!("argument `{name}` is NULL"),
        )
    }

    pub(crate) fn invalid(detail: impl Into<String>) -> Self {
        Failure::new(kenmerk_result::InvalidArgument, detail)
    }
}

impl From<kenmerk::Error> for Failure {
    fn from(err: kenmerk::Error) -> Self {
        Failure::new(kenmerk_result::from(&err), err.to_string())
    }
}

/// What a body returns.
pub(crate) type FfiResult<T = ()> = Result<T, Failure>;

thread_local! {
    /// Text of the last failure on this thread.
    pub(crate) static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn remember(detail: String) {
    LAST_ERROR.with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = detail;
        }
    });
}

/// Runs `body`, turning its outcome or its panic into a result code.
///
/// `AssertUnwindSafe` is sound here: bodies write their outputs only after
/// everything else has succeeded, and the only shared state they touch (an
/// index) is read-only, so a panic cannot leave anything half-updated.
pub(crate) fn guard(body: impl FnOnce() -> FfiResult) -> kenmerk_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => kenmerk_result::Ok,
        Ok(Err(failure)) => {
            remember(failure.detail);
            failure.code
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            remember(format!("internal error (panic): {what}"));
            kenmerk_result::Panic
        }
    }
}

/// Fails unless `ptr` is non-NULL and aligned for `T`; `name` is the
/// argument's name in the header.
pub(crate) fn check_ptr<T>(ptr: *const T, name: &str) -> FfiResult {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    if !ptr.is_aligned() {
        return Err(Failure::invalid(format!("argument `{name}` is misaligned")));
    }
    Ok(())
}

/// Fails unless `len` elements of `T` fit in a Rust slice (at most
/// `isize::MAX` bytes).
pub(crate) fn check_len<T>(len: usize, name: &str) -> FfiResult {
    match len.checked_mul(size_of::<T>()) {
        Some(bytes) if isize::try_from(bytes).is_ok() => Ok(()),
        _ => Err(Failure::invalid(format!(
            "argument `{name}` ({len}) is too large"
        ))),
    }
}

/// Borrows `len` elements at `ptr` after checking the pointer and length.
///
/// # Safety
/// If `ptr` is non-NULL it must point to `len` initialised elements that
/// stay valid and unmodified for `'a`.
pub(crate) unsafe fn input_slice<'a, T>(
    ptr: *const T,
    len: usize,
    name: &str,
) -> FfiResult<&'a [T]> {
    check_ptr(ptr, name)?;
    check_len::<T>(len, name)?;
    // SAFETY: `ptr` is non-NULL and aligned (checked above), the caller
    // guarantees `len` valid elements behind it for `'a`, and the total size
    // fits in `isize` (checked above).
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Copies a fixed-size input array out of `ptr` after checking it.
///
/// # Safety
/// If `ptr` is non-NULL it must point to `N` readable bytes.
pub(crate) unsafe fn input_array<const N: usize>(ptr: *const u8, name: &str) -> FfiResult<[u8; N]> {
    check_ptr(ptr, name)?;
    let mut out = [0u8; N];
    // SAFETY: `ptr` is non-NULL and the caller guarantees `N` readable
    // bytes; `out` is a distinct local array of `N` bytes.
    unsafe { std::ptr::copy_nonoverlapping(ptr, out.as_mut_ptr(), N) };
    Ok(out)
}

/// Writes `value` through a pointer already checked by [`check_ptr`].
///
/// # Safety
/// `ptr` must be non-NULL, aligned and valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(ptr: *mut T, value: T) {
    // SAFETY: guaranteed by the caller (checked with `check_ptr` and
    // promised valid by the C caller per the header's contract).
    unsafe { ptr.write(value) };
}

/// Copies `bytes` to a pointer already checked by [`check_ptr`].
///
/// # Safety
/// `ptr` must be non-NULL and valid for writes of `bytes.len()` bytes that
/// do not overlap `bytes`.
pub(crate) unsafe fn write_bytes(ptr: *mut u8, bytes: &[u8]) {
    // SAFETY: guaranteed by the caller; `bytes` is Rust-owned memory, so it
    // cannot overlap the caller's output buffer.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
}

/// Checks the output arguments of a call that fills a caller's array:
/// `out_len` must be valid, and `out` too unless `capacity` is 0.
pub(crate) fn check_array_outputs<T>(
    out: *mut T,
    capacity: usize,
    out_len: *mut usize,
) -> FfiResult {
    check_ptr(out_len, "out_len")?;
    if capacity > 0 {
        check_ptr(out, "out")?;
        check_len::<T>(capacity, "capacity")?;
    }
    Ok(())
}

/// Copies `items` to the caller's array if they fit, and their number to
/// `*out_len`. If they do not fit, writes nothing to the array, writes the
/// number needed to `*out_len` and fails with
/// `KENMERK_RESULT_INSUFFICIENT_CAPACITY`; `what` names the items in the
/// message.
///
/// # Safety
/// The outputs must have passed [`check_array_outputs`], and `out` (when
/// `capacity > 0`) must be valid for `capacity` writes of `T`.
pub(crate) unsafe fn deliver_array<T: Copy>(
    items: &[T],
    out: *mut T,
    capacity: usize,
    out_len: *mut usize,
    what: &str,
) -> FfiResult {
    if items.len() > capacity {
        // SAFETY: `out_len` was checked (contract).
        unsafe { write_out(out_len, items.len()) };
        return Err(Failure::new(
            kenmerk_result::InsufficientCapacity,
            format!(
                "{} {what} do not fit in an array of {capacity}",
                items.len()
            ),
        ));
    }
    for (i, item) in items.iter().enumerate() {
        // SAFETY: i < items.len() <= capacity, and when capacity > 0 `out`
        // was checked (non-NULL, aligned) and is valid for `capacity`
        // elements (contract).
        unsafe { write_out(out.add(i), *item) };
    }
    // SAFETY: `out_len` was checked (contract).
    unsafe { write_out(out_len, items.len()) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_result_code_and_a_message() {
        let code = guard(|| panic!("boom"));
        assert_eq!(code, kenmerk_result::Panic);
        LAST_ERROR.with(|last| assert_eq!(*last.borrow(), "internal error (panic): boom"));
    }

    #[test]
    fn failures_keep_their_code_and_detail() {
        let code = guard(|| Err(Failure::invalid("stride too short")));
        assert_eq!(code, kenmerk_result::InvalidArgument);
        LAST_ERROR.with(|last| assert_eq!(*last.borrow(), "stride too short"));
        assert_eq!(guard(|| Ok(())), kenmerk_result::Ok);
    }

    #[test]
    fn pointers_and_lengths_are_checked() {
        let value = 0u64;
        assert!(check_ptr(&value as *const u64, "x").is_ok());
        assert_eq!(
            check_ptr(std::ptr::null::<u64>(), "x").unwrap_err().code,
            kenmerk_result::NullParameter
        );
        let misaligned = (&value as *const u64)
            .cast::<u8>()
            .wrapping_add(1)
            .cast::<u64>();
        assert_eq!(
            check_ptr(misaligned, "x").unwrap_err().code,
            kenmerk_result::InvalidArgument
        );
        assert!(check_len::<u8>(isize::MAX as usize, "n").is_ok());
        assert!(check_len::<u8>(isize::MAX as usize + 1, "n").is_err());
        assert!(check_len::<u64>(usize::MAX / 4, "n").is_err());
    }
}
