//! `kenmerk.Index`: a memory-mapped indicator file searched from Python.
//!
//! Opening maps the file and validates its header in O(1). The object is
//! immutable and safe to share between Python threads; searches release
//! the GIL. A search takes hex hashes as `hash_image` returns them; with
//! `dihedral=True` a query is the list of eight hashes from
//! `hash_image_dihedral`, and an indicator matches once, at the smallest
//! distance of any variant.

use std::path::PathBuf;
use std::sync::OnceLock;

use kenmerk::Hash256;
use kenmerk::index::Method;
use kenmerk::video::MatchParams;
use kenmerk::video::matching::{self, VideoCatalog};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::to_py_err;
use crate::video::{FrameTuple, frames_from};

/// PDQ's customary match radius.
pub(crate) const DEFAULT_RADIUS: u32 = 31;

/// An indicator file (`.kmk`), memory-mapped and validated on open.
///
/// `Index(path, pubkey=None)`; `len(index)` is the number of indicators.
/// An issued file is refused outside its validity period. With `pubkey`
/// (the path of the Centre's `NAME.pub`), the file must also be signed with
/// that key and unaltered (one digest pass over the file on open).
#[pyclass(module = "kenmerk", frozen)]
pub(crate) struct Index {
    inner: kenmerk::index::Index,
    path: PathBuf,
    /// The video indicators' frame counts, read on the first video match.
    videos: OnceLock<VideoCatalog>,
}

fn parse_hex(hex: &str) -> PyResult<Hash256> {
    hex.parse()
        .map_err(|e: kenmerk::Error| PyValueError::new_err(format!("{hex:?}: {}", e.reason())))
}

/// One query's hashes: a hex string, or (dihedral) a sequence of 8.
fn query_group(query: &Bound<'_, PyAny>, dihedral: bool) -> PyResult<Vec<Hash256>> {
    if let Ok(hex) = query.cast::<PyString>() {
        if dihedral {
            return Err(PyTypeError::new_err(
                "dihedral=True takes the list of 8 hashes from hash_image_dihedral, not one hash",
            ));
        }
        return Ok(vec![parse_hex(&hex.to_cow()?)?]);
    }
    if !dihedral {
        return Err(PyTypeError::new_err(
            "expected a hex hash (str); pass dihedral=True for the 8 hashes of hash_image_dihedral",
        ));
    }
    let hexes: Vec<String> = query.extract()?;
    if hexes.len() != 8 {
        return Err(PyValueError::new_err(format!(
            "dihedral queries have 8 hashes, got {}",
            hexes.len()
        )));
    }
    hexes.iter().map(|h| parse_hex(h)).collect()
}

impl Index {
    /// Searches groups without the GIL; one list of matches per group.
    fn search(
        &self,
        py: Python<'_>,
        groups: Vec<Vec<Hash256>>,
        radius: u32,
    ) -> PyResult<Vec<Vec<(u64, u32)>>> {
        let count = groups.len();
        let matches = py
            .detach(|| {
                self.inner
                    .view()
                    .search_groups(&groups, radius, Method::Auto)
            })
            .map_err(|e| to_py_err(py, &e.with_path(&self.path)))?;
        let mut out = vec![Vec::new(); count];
        for m in matches {
            out[m.query].push((m.indicator, m.distance));
        }
        Ok(out)
    }
}

#[pymethods]
impl Index {
    /// Opens the indicator file at `path` (str or os.PathLike); with
    /// `pubkey` (path of a public key file), checks its signature too.
    #[new]
    #[pyo3(signature = (path, pubkey = None))]
    fn new(py: Python<'_>, path: PathBuf, pubkey: Option<PathBuf>) -> PyResult<Self> {
        let inner = py
            .detach(|| match &pubkey {
                Some(key) => kenmerk::index::PublicKey::read(key)
                    .and_then(|key| kenmerk::index::Index::open_signed(&path, &key)),
                None => kenmerk::index::Index::open(&path),
            })
            .map_err(|e| to_py_err(py, &e))?;
        Ok(Index {
            inner,
            path,
            videos: OnceLock::new(),
        })
    }

    /// Every indicator within Hamming distance `radius` of `query`, as
    /// `[(indicator, distance)]`, closest first (ties by indicator id).
    /// Exact: nothing within the radius is missed. Check the quality first:
    /// hashes below `QUALITY_THRESHOLD` should not be matched.
    #[pyo3(signature = (query, radius = DEFAULT_RADIUS, dihedral = false))]
    fn r#match(
        &self,
        py: Python<'_>,
        query: &Bound<'_, PyAny>,
        radius: u32,
        dihedral: bool,
    ) -> PyResult<Vec<(u64, u32)>> {
        let group = query_group(query, dihedral)?;
        Ok(self
            .search(py, vec![group], radius)?
            .pop()
            .unwrap_or_default())
    }

    /// `match` for many queries in one pass over the file, on all cores and
    /// without the GIL: one list of matches per query, in order.
    #[pyo3(signature = (queries, radius = DEFAULT_RADIUS, dihedral = false))]
    fn match_many(
        &self,
        py: Python<'_>,
        queries: &Bound<'_, PyAny>,
        radius: u32,
        dihedral: bool,
    ) -> PyResult<Vec<Vec<(u64, u32)>>> {
        let groups = queries
            .try_iter()?
            .map(|q| query_group(&q?, dihedral))
            .collect::<PyResult<Vec<_>>>()?;
        self.search(py, groups, radius)
    }

    /// Matches a video against every video indicator by vPDQ's rule:
    /// frames of quality 50 or more, repeated hashes counted once; a frame
    /// matches when a frame of the other video is within `radius` bits; an
    /// indicator matches when at least `query_threshold` percent of the
    /// query's frames and `indicator_threshold` percent of its own match.
    /// `frames` is what `hash_video` returns. Returns `[(indicator,
    /// query_matched, indicator_matched)]` by indicator id; all frames are
    /// scanned as one batch, without the GIL.
    #[pyo3(signature = (frames, radius = DEFAULT_RADIUS, query_threshold = 80.0, indicator_threshold = 80.0))]
    fn match_video(
        &self,
        py: Python<'_>,
        frames: Vec<FrameTuple>,
        radius: u32,
        query_threshold: f64,
        indicator_threshold: f64,
    ) -> PyResult<Vec<(u64, f64, f64)>> {
        for (name, value) in [
            ("query_threshold", query_threshold),
            ("indicator_threshold", indicator_threshold),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(PyValueError::new_err(format!(
                    "{name} must be a percentage of 0 or more, not {value}"
                )));
            }
        }
        let frames = frames_from(frames)?;
        let params = MatchParams {
            distance: radius,
            query_threshold,
            indicator_threshold,
            ..MatchParams::default()
        };
        let found = py
            .detach(|| {
                let view = self.inner.view();
                let catalog = match self.videos.get() {
                    Some(catalog) => catalog,
                    None => {
                        let built = VideoCatalog::new(&view, params.quality)?;
                        self.videos.get_or_init(|| built)
                    }
                };
                matching::search_videos(&view, catalog, &frames, &params, Method::Auto)
            })
            .map_err(|e| to_py_err(py, &e.with_path(&self.path)))?;
        Ok(found
            .into_iter()
            .filter(|m| m.shares.is_match)
            .map(|m| {
                (
                    m.indicator,
                    m.shares.query_matched,
                    m.shares.indicator_matched,
                )
            })
            .collect())
    }

    /// Checks both digests and every record, in O(n); raises `KenmerkError`
    /// (kind `corrupt`) if the file was damaged or altered.
    fn verify(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.view().verify())
            .map_err(|e| to_py_err(py, &e.with_path(&self.path)))
    }

    fn __len__(&self) -> usize {
        self.inner.view().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "kenmerk.Index({:?}, indicators={})",
            self.path.display().to_string(),
            self.inner.view().len()
        )
    }
}
