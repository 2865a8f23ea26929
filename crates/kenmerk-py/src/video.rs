//! Videos from Python: vPDQ hashing of video files (one or a batch on all
//! cores) and the frames' form that `Index.match_video` takes.
//!
//! A hashed video is a list of `(frame, quality, hex, timestamp)` tuples,
//! the fields of a line of Meta's vPDQ output, so lists from Meta's tools
//! can be matched too. Decoding needs the cargo feature `video` (FFmpeg's
//! libraries); a build without it raises `KenmerkError` with kind
//! `not_built_in`.

use std::path::PathBuf;

use kenmerk::Hash256;
use kenmerk::video::FrameHash;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::prelude::*;

use crate::to_py_err;

/// One frame as Python sees it: `(frame, quality, hex, timestamp)`.
pub(crate) type FrameTuple = (u32, u8, String, f64);

fn to_tuple(frame: &FrameHash) -> FrameTuple {
    (
        frame.frame,
        frame.quality,
        frame.hash.to_string(),
        frame.timestamp,
    )
}

/// Reads frames given as `(frame, quality, hex, timestamp)` tuples.
pub(crate) fn frames_from(frames: Vec<FrameTuple>) -> PyResult<Vec<FrameHash>> {
    frames
        .into_iter()
        .enumerate()
        .map(|(i, (frame, quality, hex, timestamp))| {
            if quality > 100 {
                return Err(PyValueError::new_err(format!(
                    "frame {i}: quality {quality} is not 0 to 100"
                )));
            }
            let hash: Hash256 = hex.parse().map_err(|e: kenmerk::Error| {
                PyValueError::new_err(format!("frame {i}: {hex:?}: {}", e.reason()))
            })?;
            Ok(FrameHash {
                frame,
                quality,
                hash,
                timestamp,
            })
        })
        .collect()
}

fn options(seconds_per_hash: f64, keyframes: bool) -> PyResult<kenmerk::video::VideoOptions> {
    if !(seconds_per_hash.is_finite() && seconds_per_hash >= 0.0) {
        return Err(PyValueError::new_err(format!(
            "seconds_per_hash must be 0 or more, not {seconds_per_hash}"
        )));
    }
    Ok(kenmerk::video::VideoOptions {
        seconds_per_hash,
        keyframes_only: keyframes,
        ..Default::default()
    })
}

#[cfg(feature = "video")]
fn hash_file(
    path: &std::path::Path,
    options: &kenmerk::video::VideoOptions,
) -> Result<Vec<FrameHash>, PyErrFactory> {
    kenmerk::video::hash_video_file(path, options)
        .map(|v| v.frames)
        .map_err(PyErrFactory::Kenmerk)
}

#[cfg(not(feature = "video"))]
fn hash_file(
    path: &std::path::Path,
    _options: &kenmerk::video::VideoOptions,
) -> Result<Vec<FrameHash>, PyErrFactory> {
    Err(PyErrFactory::NotBuiltIn(path.to_path_buf()))
}

/// A failure made without the GIL, turned into a Python exception with it.
enum PyErrFactory {
    #[cfg_attr(not(feature = "video"), allow(dead_code))]
    Kenmerk(kenmerk::Error),
    #[cfg_attr(feature = "video", allow(dead_code))]
    NotBuiltIn(PathBuf),
}

impl PyErrFactory {
    fn into_py_err(self, py: Python<'_>) -> PyErr {
        match self {
            PyErrFactory::Kenmerk(err) => to_py_err(py, &err),
            PyErrFactory::NotBuiltIn(path) => {
                let err = crate::KenmerkError::new_err(format!(
                    "{}: this build of kenmerk has no video decoding (built without the `video` feature)",
                    path.display()
                ));
                let value = err.value(py);
                let _ = value.setattr("kind", "not_built_in");
                let _ = value.setattr("path", path.to_string_lossy().into_owned());
                err
            }
        }
    }
}

/// vPDQ hash of a video file: one frame every `seconds_per_hash` seconds
/// (0: every frame), or only the key frames with `keyframes=True`, as a
/// list of `(frame, quality, hex, timestamp)`. The duration, frame count
/// and resolution are checked before frames are decoded. Raises
/// `KenmerkError` for a file that cannot be hashed. Decodes on one thread
/// without the GIL.
#[pyfunction]
#[pyo3(signature = (path, seconds_per_hash = 1.0, keyframes = false))]
pub(crate) fn hash_video(
    py: Python<'_>,
    path: PathBuf,
    seconds_per_hash: f64,
    keyframes: bool,
) -> PyResult<Vec<FrameTuple>> {
    let options = options(seconds_per_hash, keyframes)?;
    let frames = py
        .detach(|| hash_file(&path, &options))
        .map_err(|e| e.into_py_err(py))?;
    Ok(frames.iter().map(to_tuple).collect())
}

/// Hashes many video files at once, one per core, without the GIL. Returns
/// one entry per path, in order: what `hash_video` returns, or a
/// `KenmerkError` instance (not raised) for a file that cannot be hashed.
#[pyfunction]
#[pyo3(signature = (paths, seconds_per_hash = 1.0, keyframes = false))]
pub(crate) fn hash_videos<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    seconds_per_hash: f64,
    keyframes: bool,
) -> PyResult<Bound<'py, PyList>> {
    let options = options(seconds_per_hash, keyframes)?;
    let results: Vec<_> = py.detach(|| {
        paths
            .par_iter()
            .map(|path| hash_file(path, &options))
            .collect()
    });
    let out = PyList::empty(py);
    for result in results {
        match result {
            Ok(frames) => {
                let tuples: Vec<FrameTuple> = frames.iter().map(to_tuple).collect();
                out.append(tuples)?;
            }
            Err(err) => out.append(err.into_py_err(py).into_value(py))?,
        }
    }
    Ok(out)
}
