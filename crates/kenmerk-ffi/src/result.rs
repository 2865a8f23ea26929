//! Result codes of the C ABI and their messages.
//!
//! Every function that can fail returns a [`kenmerk_result`]. The values are
//! part of the ABI: a value, once released, keeps its meaning forever and is
//! never reused; new failures get new values at the end. A caller turns any
//! value, including one from a newer library, into text with
//! [`kenmerk_result_message`].

use std::ffi::c_char;

use kenmerk::{Error, ErrorKind};

/// The outcome of a call. `KENMERK_RESULT_OK` (0) is success; every other
/// value is a failure, and the call then wrote none of its outputs (the one
/// exception, `KENMERK_RESULT_INSUFFICIENT_CAPACITY`, is documented where it
/// can occur).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum kenmerk_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullParameter = 1,
    /// The library hit an internal bug and stopped it from spreading; the
    /// call had no effect. Please report it.
    Panic = 2,
    /// An argument cannot describe a valid input: a pixel buffer shorter
    /// than its stated size, an unknown pixel format, a misaligned pointer, a
    /// length over `PTRDIFF_MAX`, a path that is not a valid name.
    InvalidArgument = 3,
    /// The bytes are a corrupt or truncated image of a supported format.
    Decode = 4,
    /// The image exceeds the size limits (file size, width, height, pixel
    /// count); nothing was decoded.
    Limits = 5,
    /// The input is in no format this build reads (e.g. junk bytes or an
    /// empty buffer), or uses a feature it does not support.
    Unsupported = 6,
    /// An indicator file is internally inconsistent (damaged, truncated or
    /// altered).
    Corrupt = 7,
    /// An indicator file was written by a format version this library cannot
    /// read.
    Version = 8,
    /// Reading a file failed (it does not exist, is not readable, is not a
    /// regular file).
    Io = 9,
    /// A time-limited indicator file's validity period has ended.
    Expired = 10,
    /// The output buffer is too small; `*out_len` holds the number of
    /// elements needed and nothing was written to the buffer.
    InsufficientCapacity = 11,
    /// A failure of a kind this version of the C ABI does not name yet.
    Other = 12,
    /// The indicator file's validity period has not begun.
    NotYetValid = 13,
    /// The indicator file is not signed with the given key, or was altered
    /// after signing.
    Signature = 14,
    /// This build of the library was made without the feature the call
    /// needs (video decoding: the cargo feature `video`, which links
    /// FFmpeg's libraries).
    NotBuiltIn = 15,
}

impl From<&Error> for kenmerk_result {
    fn from(err: &Error) -> Self {
        match err.kind() {
            ErrorKind::Decode => kenmerk_result::Decode,
            ErrorKind::Limits => kenmerk_result::Limits,
            ErrorKind::Unsupported => kenmerk_result::Unsupported,
            ErrorKind::Corrupt { .. } => kenmerk_result::Corrupt,
            ErrorKind::Version { .. } => kenmerk_result::Version,
            ErrorKind::Io => kenmerk_result::Io,
            ErrorKind::InvalidInput => kenmerk_result::InvalidArgument,
            ErrorKind::Expired => kenmerk_result::Expired,
            ErrorKind::NotYetValid => kenmerk_result::NotYetValid,
            ErrorKind::Signature => kenmerk_result::Signature,
            _ => kenmerk_result::Other,
        }
    }
}

impl From<Error> for kenmerk_result {
    fn from(err: Error) -> Self {
        kenmerk_result::from(&err)
    }
}

/// The message of each value, indexed by value, NUL-terminated.
const MESSAGES: [&str; 16] = [
    "success\0",
    "a required pointer argument was NULL\0",
    "internal error in the kenmerk library (a bug; please report it)\0",
    "invalid argument\0",
    "the image is corrupt or truncated\0",
    "the image exceeds the size limits\0",
    "not an image format kenmerk reads, or an unsupported feature\0",
    "the indicator file is corrupt\0",
    "the indicator file has a format version this library cannot read\0",
    "reading the file failed\0",
    "the indicator file's validity period has ended\0",
    "the output buffer is too small\0",
    "other error\0",
    "the indicator file is not yet valid\0",
    "the indicator file is not signed with the given key, or was altered after signing\0",
    "this build of the library does not include the feature (e.g. video decoding)\0",
];

const UNKNOWN: &str = "unknown result code\0";

/// A short, static, NUL-terminated English description of `result`. Any
/// value is accepted (also one this library does not know, which gives
/// "unknown result code"); the string must not be freed.
#[unsafe(no_mangle)]
pub extern "C" fn kenmerk_result_message(result: u32) -> *const c_char {
    let text = usize::try_from(result)
        .ok()
        .and_then(|i| MESSAGES.get(i))
        .copied()
        .unwrap_or(UNKNOWN);
    text.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn message(value: u32) -> &'static str {
        // SAFETY: kenmerk_result_message returns a pointer to a static
        // NUL-terminated string.
        unsafe { CStr::from_ptr(kenmerk_result_message(value)) }
            .to_str()
            .unwrap()
    }

    #[test]
    fn every_value_has_its_message() {
        assert_eq!(message(kenmerk_result::Ok as u32), "success");
        assert_eq!(message(kenmerk_result::Other as u32), "other error");
        assert_eq!(
            message(kenmerk_result::NotBuiltIn as u32),
            "this build of the library does not include the feature (e.g. video decoding)",
            "the table must cover the last value"
        );
        assert_eq!(
            message(kenmerk_result::NotBuiltIn as u32 + 1),
            "unknown result code"
        );
        assert_eq!(message(u32::MAX), "unknown result code");
        for text in MESSAGES {
            assert_eq!(text.find('\0'), Some(text.len() - 1), "{text:?}");
        }
    }

    #[test]
    fn error_kinds_map_to_their_codes() {
        let cases = [
            (ErrorKind::Decode, kenmerk_result::Decode),
            (ErrorKind::Limits, kenmerk_result::Limits),
            (ErrorKind::Io, kenmerk_result::Io),
            (ErrorKind::InvalidInput, kenmerk_result::InvalidArgument),
            (
                ErrorKind::Corrupt { what: "x".into() },
                kenmerk_result::Corrupt,
            ),
        ];
        for (kind, code) in cases {
            assert_eq!(kenmerk_result::from(Error::new(kind, "m")), code);
        }
    }
}
