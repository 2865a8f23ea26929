//! The corpus: image files found under a directory in name order, each
//! decoded once within [`Limits`], and optional scene groups naming photos
//! of the same scene taken separately (such pairs are not "unrelated").
//!
//! Decoding checks the file size before reading and the declared dimensions
//! before any pixel is decoded, as `kenmerk::decode` does, and catches a
//! decoder panic; the pixels are kept as 8-bit RGB (alpha dropped, as PDQ
//! ignores it) because the transformations work on RGB.

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageReader, RgbImage, imageops};
use kenmerk::{Error, ErrorKind, Limits};

/// File extensions taken from the corpus directory.
const EXTENSIONS: [&str; 8] = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff"];

/// One corpus file: its path and its name relative to the corpus directory
/// (with `/` separators), which the report uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFile {
    /// Where it is.
    pub path: PathBuf,
    /// Name relative to the corpus directory.
    pub name: String,
}

/// Lists the image files under `dir`, recursively, in name order.
pub fn list(dir: &Path) -> Result<Vec<CorpusFile>, Error> {
    if !dir.is_dir() {
        return Err(
            Error::new(ErrorKind::Io, "the corpus is not a readable directory").with_path(dir),
        );
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::new(ErrorKind::Io, e.to_string()).with_path(path)
        })?;
        let is_image = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        if !entry.file_type().is_file() || !is_image {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push(CorpusFile {
            path: entry.path().to_path_buf(),
            name,
        });
    }
    Ok(files)
}

/// Reads and decodes one file to RGB, then shrinks it (Lanczos3, aspect
/// kept) so that its longer side is at most `max_side` pixels (`0`: never).
pub fn load(path: &Path, limits: &Limits, max_side: u32) -> Result<RgbImage, Error> {
    let bytes = kenmerk::decode::read_file(path, limits)?;
    let image = decode_rgb(&bytes, limits).map_err(|e| e.with_path(path))?;
    Ok(shrink_to(image, max_side))
}

fn decode_rgb(bytes: &[u8], limits: &Limits) -> Result<RgbImage, Error> {
    let decode_error = |e: image::ImageError| {
        let kind = match e {
            image::ImageError::Limits(_) => ErrorKind::Limits,
            image::ImageError::Unsupported(_) => ErrorKind::Unsupported,
            _ => ErrorKind::Decode,
        };
        Error::new(kind, format!("cannot decode the image: {e}").trim_end())
    };
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::new(ErrorKind::Decode, format!("cannot read the image: {e}")))?;
    if reader.format().is_none() {
        return Err(Error::new(
            ErrorKind::Unsupported,
            "not an image in a supported format",
        ));
    }
    let decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    limits.check_dimensions(w, h)?;
    let mut budget = image::Limits::default();
    budget.max_alloc = Some(limits.max_decoder_alloc);
    let mut decoder = decoder;
    image::ImageDecoder::set_limits(&mut decoder, budget).map_err(decode_error)?;
    let decoded = catch_unwind(AssertUnwindSafe(|| DynamicImage::from_decoder(decoder)))
        .unwrap_or_else(|_| {
            Err(image::ImageError::Decoding(
                image::error::DecodingError::from_format_hint(
                    image::error::ImageFormatHint::Unknown,
                ),
            ))
        });
    Ok(decoded.map_err(decode_error)?.into_rgb8())
}

fn shrink_to(image: RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let longer = w.max(h);
    if max_side == 0 || longer <= max_side {
        return image;
    }
    let scale = f64::from(max_side) / f64::from(longer);
    let nw = ((f64::from(w) * scale).round() as u32).clamp(1, max_side);
    let nh = ((f64::from(h) * scale).round() as u32).clamp(1, max_side);
    imageops::resize(&image, nw, nh, imageops::FilterType::Lanczos3)
}

/// Reads scene groups from a tab-separated manifest whose header names a
/// `file` column (paths relative to the manifest's directory) and a
/// `scene_group` column (empty: no group). Returns the group of each of
/// `files` that the manifest lists, by corpus name.
pub fn scene_groups(
    manifest: &Path,
    files: &[CorpusFile],
) -> Result<HashMap<String, String>, Error> {
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| Error::new(ErrorKind::Io, e.to_string()).with_path(manifest))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let column = |name: &str| {
        header.iter().position(|h| *h == name).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("the manifest has no {name:?} column (tab-separated header expected)"),
            )
            .with_path(manifest)
        })
    };
    let (file_col, group_col) = (column("file")?, column("scene_group")?);
    let base = manifest.parent().unwrap_or(Path::new("."));
    let by_path: HashMap<PathBuf, &str> = files
        .iter()
        .filter_map(|f| Some((f.path.canonicalize().ok()?, f.name.as_str())))
        .collect();
    let mut groups = HashMap::new();
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(group)) = (fields.get(file_col), fields.get(group_col)) else {
            continue;
        };
        if group.trim().is_empty() {
            continue;
        }
        if let Some(name) = base
            .join(file)
            .canonicalize()
            .ok()
            .and_then(|p| by_path.get(&p))
        {
            groups.insert((*name).to_string(), group.trim().to_string());
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_images_in_name_order_and_decodes_with_limits() {
        let dir = std::env::temp_dir().join(format!("kenmerk-eval-corpus-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let img = RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8, y as u8, 9]));
        img.save(dir.join("b.png")).unwrap();
        img.save(dir.join("sub/a.png")).unwrap();
        std::fs::write(dir.join("notes.txt"), "x").unwrap();
        std::fs::write(dir.join("broken.jpg"), b"\xff\xd8\xff\xe0 not really").unwrap();
        let files = list(&dir).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["b.png", "broken.jpg", "sub/a.png"]);
        assert_eq!(load(&files[0].path, &Limits::default(), 0).unwrap(), img);
        assert_eq!(
            load(&files[0].path, &Limits::default(), 20)
                .unwrap()
                .dimensions(),
            (20, 15)
        );
        let err = load(&files[1].path, &Limits::default(), 0).unwrap_err();
        assert_eq!(err.path(), Some(files[1].path.as_path()));
        let tight = Limits {
            max_pixels: 100,
            ..Limits::default()
        };
        let err = load(&files[0].path, &tight, 0).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Limits);

        std::fs::write(
            dir.join("manifest.tsv"),
            "file\tscene_group\nb.png\tg1\nsub/a.png\tg1\nbroken.jpg\t\n",
        )
        .unwrap();
        let groups = scene_groups(&dir.join("manifest.tsv"), &files).unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups["sub/a.png"], "g1");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
