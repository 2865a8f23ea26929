//! Python bindings of kenmerk, the native module `kenmerk._kenmerk`.
//!
//! The Python package `kenmerk` (python/kenmerk) re-exports everything here:
//! `hash_image`, `hash_image_dihedral`, `hash_images` (a batch that releases
//! the GIL and hashes on all cores), `hash_video` and `hash_videos` (vPDQ),
//! the `Index` class over a memory-mapped indicator file (image and video
//! matching), and `KenmerkError`. Hashes cross into Python as Meta's
//! 64-digit hex strings, so they compare equal to `kenmerk hash` output and
//! to the industry's hash lists.
//!
//! ```python
//! import kenmerk
//! index = kenmerk.Index("order.kmk")
//! hex, quality = kenmerk.hash_image("upload.jpg")
//! if quality >= kenmerk.QUALITY_THRESHOLD:
//!     for indicator, distance in index.match(hex):
//!         print(indicator, distance)
//! ```

use pyo3::exceptions::PyException;
use pyo3::prelude::*;

mod hashing;
mod index;
mod video;

pyo3::create_exception!(
    _kenmerk,
    KenmerkError,
    PyException,
    "A file or buffer kenmerk cannot use. `kind` says why (decode, limits, unsupported, corrupt, version, io, invalid_input, expired, not_yet_valid, signature, not_built_in), `path` names the file if there is one."
);

/// The lower-case name of an error kind, as `KenmerkError.kind` shows it.
fn kind_name(kind: &kenmerk::ErrorKind) -> &'static str {
    use kenmerk::ErrorKind as K;
    match kind {
        K::Decode => "decode",
        K::Limits => "limits",
        K::Unsupported => "unsupported",
        K::Corrupt { .. } => "corrupt",
        K::Version { .. } => "version",
        K::Io => "io",
        K::InvalidInput => "invalid_input",
        K::Expired => "expired",
        K::NotYetValid => "not_yet_valid",
        K::Signature => "signature",
        _ => "other",
    }
}

/// A `KenmerkError` carrying the kind and path of `err`.
pub(crate) fn to_py_err(py: Python<'_>, err: &kenmerk::Error) -> PyErr {
    let py_err = KenmerkError::new_err(err.to_string());
    let value = py_err.value(py);
    // Setting attributes on a fresh exception instance cannot fail in
    // practice; if it did, the message alone still explains the error.
    let _ = value.setattr("kind", kind_name(err.kind()));
    let _ = value.setattr("path", err.path().map(|p| p.to_string_lossy().into_owned()));
    py_err
}

#[pymodule]
fn _kenmerk(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("KenmerkError", m.py().get_type::<KenmerkError>())?;
    m.add("QUALITY_THRESHOLD", kenmerk::pdq::QUALITY_THRESHOLD)?;
    m.add("DEFAULT_RADIUS", index::DEFAULT_RADIUS)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(hashing::hash_image, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::hash_image_dihedral, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::hash_images, m)?)?;
    m.add_function(wrap_pyfunction!(video::hash_video, m)?)?;
    m.add_function(wrap_pyfunction!(video::hash_videos, m)?)?;
    m.add_class::<index::Index>()?;
    Ok(())
}
