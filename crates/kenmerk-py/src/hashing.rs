//! Hashing from Python: one image (a path or encoded bytes) or a batch.
//!
//! The batch form copies its inputs out of Python objects while holding the
//! GIL, then releases it and hashes on rayon's pool (all cores), so other
//! Python threads run meanwhile and one call uses the whole machine. A file
//! that fails does not stop the batch: its slot holds a `KenmerkError`.

use std::path::PathBuf;

use kenmerk::{DecodeOptions, PdqDihedral, PdqHash};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList};
use rayon::prelude::*;

use crate::to_py_err;

/// An image to hash: a file, or encoded bytes already in memory.
pub(crate) enum Input {
    Path(PathBuf),
    Bytes(Vec<u8>),
}

impl Input {
    /// Reads `bytes`, `bytearray`, `str` or `os.PathLike`.
    pub(crate) fn extract(item: &Bound<'_, PyAny>) -> PyResult<Input> {
        if let Ok(bytes) = item.cast::<PyBytes>() {
            return Ok(Input::Bytes(bytes.as_bytes().to_vec()));
        }
        if let Ok(bytes) = item.cast::<PyByteArray>() {
            return Ok(Input::Bytes(bytes.to_vec()));
        }
        item.extract::<PathBuf>().map(Input::Path).map_err(|_| {
            PyTypeError::new_err(format!(
                "expected a path (str or os.PathLike) or bytes, got {}",
                item.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })
    }

    fn hash(&self) -> kenmerk::Result<PdqHash> {
        let options = DecodeOptions::default();
        match self {
            Input::Path(path) => kenmerk::hash_file(path, &options),
            Input::Bytes(bytes) => kenmerk::hash_image_with(bytes, &options),
        }
    }

    fn hash_dihedral(&self) -> kenmerk::Result<PdqDihedral> {
        let options = DecodeOptions::default();
        match self {
            Input::Path(path) => kenmerk::hash_file_dihedral(path, &options),
            Input::Bytes(bytes) => kenmerk::hash_image_dihedral(bytes, &options),
        }
    }
}

/// What one image hashed to.
#[allow(
    clippy::large_enum_variant,
    reason = "short-lived, one per input of a batch"
)]
enum Hashed {
    Plain(PdqHash),
    Dihedral(PdqDihedral),
}

impl Hashed {
    fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(match self {
            Hashed::Plain(h) => (h.hash.to_string(), h.quality)
                .into_pyobject(py)?
                .into_any()
                .unbind(),
            Hashed::Dihedral(d) => {
                let hexes: Vec<String> = d.hashes.iter().map(|h| h.to_string()).collect();
                (hexes, d.quality).into_pyobject(py)?.into_any().unbind()
            }
        })
    }
}

/// PDQ hash of an image file or of encoded bytes: `(hex, quality)`.
///
/// The hex string is Meta's 64-digit form; quality is 0 to 100, and hashes
/// below `QUALITY_THRESHOLD` (50) should not be matched. Raises
/// `KenmerkError` for input that cannot be hashed. Releases the GIL while
/// it works.
#[pyfunction]
pub(crate) fn hash_image(py: Python<'_>, image: &Bound<'_, PyAny>) -> PyResult<(String, u8)> {
    let input = Input::extract(image)?;
    let pdq = py.detach(|| input.hash()).map_err(|e| to_py_err(py, &e))?;
    Ok((pdq.hash.to_string(), pdq.quality))
}

/// The PDQ hashes of the eight rotations and mirrors of an image, in Meta's
/// order (orig, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1),
/// and its quality: `([hex] * 8, quality)`. Costs about one hash.
#[pyfunction]
pub(crate) fn hash_image_dihedral(
    py: Python<'_>,
    image: &Bound<'_, PyAny>,
) -> PyResult<(Vec<String>, u8)> {
    let input = Input::extract(image)?;
    let pdq = py
        .detach(|| input.hash_dihedral())
        .map_err(|e| to_py_err(py, &e))?;
    Ok((
        pdq.hashes.iter().map(|h| h.to_string()).collect(),
        pdq.quality,
    ))
}

/// Hashes many images at once on all cores, without holding the GIL.
///
/// Returns one entry per input, in order: what `hash_image` (or, with
/// `dihedral=True`, `hash_image_dihedral`) returns, or a `KenmerkError`
/// instance (not raised) for an input that cannot be hashed, so one bad file
/// does not lose the others.
#[pyfunction]
#[pyo3(signature = (images, dihedral = false))]
pub(crate) fn hash_images<'py>(
    py: Python<'py>,
    images: &Bound<'py, PyAny>,
    dihedral: bool,
) -> PyResult<Bound<'py, PyList>> {
    let inputs = images
        .try_iter()?
        .map(|item| Input::extract(&item?))
        .collect::<PyResult<Vec<Input>>>()?;
    let results: Vec<kenmerk::Result<Hashed>> = py.detach(|| {
        inputs
            .par_iter()
            .map(|input| {
                if dihedral {
                    input.hash_dihedral().map(Hashed::Dihedral)
                } else {
                    input.hash().map(Hashed::Plain)
                }
            })
            .collect()
    });
    let out = PyList::empty(py);
    for result in results {
        match result {
            Ok(hashed) => out.append(hashed.into_py(py)?)?,
            Err(err) => out.append(to_py_err(py, &err).into_value(py))?,
        }
    }
    Ok(out)
}
