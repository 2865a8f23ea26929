//! The one error type of the library.
//!
//! Every fallible function returns [`Error`]. Its [`ErrorKind`] says whose
//! fault a failure is (the input's, a configured limit, an unsupported
//! feature, the file system), so that a pipeline can route it without parsing
//! messages. The optional path names the file that caused it.

use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, in categories a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are not a valid image of a supported format (corrupt,
    /// truncated, or not an image at all).
    Decode,
    /// The input exceeds a configured [`Limits`](crate::Limits) value; nothing
    /// was decoded.
    Limits,
    /// The input uses a format or feature this build does not support.
    Unsupported,
    /// A structured file (e.g. an indicator file) is internally inconsistent.
    Corrupt {
        /// Which part of the file is wrong.
        what: String,
    },
    /// A file was written by a format version this build cannot read.
    Version {
        /// The version found in the file.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// Reading or writing a file failed.
    Io,
    /// A caller passed arguments that cannot describe a valid input (for
    /// example a pixel buffer shorter than its stated size).
    InvalidInput,
    /// A time-limited file's validity period has ended.
    Expired,
    /// A time-limited file's validity period has not begun.
    NotYetValid,
    /// A signed file does not verify with the given key, or a key was given
    /// for a file that is not signed.
    Signature,
}

/// The error returned by every fallible function of kenmerk.
#[derive(Debug, thiserror::Error)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    path: Option<PathBuf>,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// Creates an error of `kind` with a human-readable reason.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            path: None,
            source: None,
        }
    }

    /// Attaches an underlying error as the source.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Names the file this error is about (kept if one is already set).
    pub fn with_path(mut self, path: impl AsRef<Path>) -> Self {
        if self.path.is_none() {
            self.path = Some(path.as_ref().to_path_buf());
        }
        self
    }

    /// The category of the failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The file this error is about, if known.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The reason, without the path.
    pub fn reason(&self) -> &str {
        &self.message
    }

    pub(crate) fn decode(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Decode, message)
    }

    pub(crate) fn limits(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Limits, message)
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn io(err: std::io::Error, path: impl AsRef<Path>) -> Self {
        Error::new(ErrorKind::Io, err.to_string())
            .with_path(path)
            .with_source(err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}: ", path.display())?;
        }
        f.write_str(&self.message)
    }
}

/// Shorthand for `Result<T, kenmerk::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_path_then_reason() {
        let err = Error::decode("not an image").with_path("a/b.png");
        assert_eq!(err.to_string(), "a/b.png: not an image");
        assert_eq!(err.kind(), &ErrorKind::Decode);
        assert_eq!(err.reason(), "not an image");
    }

    #[test]
    fn first_path_wins() {
        let err = Error::limits("too wide").with_path("x").with_path("y");
        assert_eq!(err.path(), Some(Path::new("x")));
    }
}
