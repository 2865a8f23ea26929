//! Expands the command line's paths into the list of files to process.
//!
//! Files named on the command line are always processed. Directories are
//! walked recursively in file-name order, so output is deterministic; inside
//! them only files with an image extension are taken, unless `all_files` is
//! set (the format is always sniffed from the content, never the name).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// Extensions of the formats the decoder reads.
const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif", "bmp", "dib", "tif", "tiff",
];

/// One input: a file to process, or a path that could not be listed.
pub(crate) enum Input {
    File(PathBuf),
    Unreadable { path: PathBuf, reason: String },
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// The files to process, in command-line order, directories expanded.
pub(crate) fn expand(paths: &[PathBuf], all_files: bool) -> Vec<Input> {
    expand_with(paths, all_files, IMAGE_EXTENSIONS)
}

/// As [`expand`], taking files with one of `extensions` from directories.
pub(crate) fn expand_with(paths: &[PathBuf], all_files: bool, extensions: &[&str]) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            // Missing files and other errors are reported when opened.
            out.push(Input::File(path.clone()));
            continue;
        }
        for entry in WalkDir::new(path).sort_by_file_name() {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    if all_files || has_extension(entry.path(), extensions) {
                        out.push(Input::File(entry.into_path()));
                    }
                }
                Ok(_) => {}
                Err(err) => out.push(Input::Unreadable {
                    path: err.path().unwrap_or(path).to_path_buf(),
                    reason: err
                        .io_error()
                        .map_or_else(|| err.to_string(), |e| e.to_string()),
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_image_extensions_case_insensitively() {
        let has_image_extension = |p: &str| has_extension(Path::new(p), IMAGE_EXTENSIONS);
        assert!(has_image_extension("a/b.JPG"));
        assert!(has_image_extension("b.tiff"));
        assert!(!has_image_extension("README.md"));
        assert!(!has_image_extension("noext"));
    }
}
