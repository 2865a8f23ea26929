//! Hashing one submitted file into what its indicator stores.
//!
//! - An image is read within the image limits, decoded and PDQ-hashed; its
//!   quality must be at least 50. Its blake3 is taken over the bytes read.
//! - A video (cargo feature `video`) is hashed with vPDQ at Meta's default
//!   sampling, one frame per second, within the video limits: file size,
//!   dimensions, duration and frame count are checked before any frame is
//!   decoded, and a truncated or damaged file is an error. The indicator
//!   stores the distinct frame hashes of quality 50 or more, each with its
//!   frame number (`kenmerk::video::matching::video_records`, the selection
//!   `kenmerk db import --vpdq` makes and video matching counts); a video
//!   with no such frame is refused. Its blake3 is computed reading the file
//!   piece by piece, since videos may be far larger than the image cap.
//!
//! Without the `video` feature, a video submission is refused with a reason
//! that says so. Every error names the file.

use std::path::Path;

use kenmerk::index::{Indicator, MediaKind};
use kenmerk::video::VideoLimits;
use kenmerk::{DecodeOptions, Hash256};

use crate::build::MIN_QUALITY;
use crate::manifest::{Submission, SubmittedKind};
use crate::records::{Frame, Record};

/// A hashed submission: its file's digest and what its indicator stores.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hashed {
    /// blake3 of the submitted file's bytes.
    pub(crate) file_blake3: [u8; 32],
    /// The hash or hashes.
    pub(crate) content: Content,
}

/// What an indicator stores.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Content {
    /// One PDQ hash.
    Image { hash: Hash256, quality: u8 },
    /// The stored frames, in frame order, with id 0 (see [`Hashed::entries`]).
    #[cfg_attr(not(feature = "video"), allow(dead_code))]
    Video { frames: Vec<(Hash256, Indicator)> },
}

impl Hashed {
    /// The media kind of the indicator.
    pub(crate) fn kind(&self) -> MediaKind {
        match self.content {
            Content::Image { .. } => MediaKind::Image,
            Content::Video { .. } => MediaKind::Video,
        }
    }

    /// The index records of this submission as indicator `id`.
    pub(crate) fn entries(&self, id: u64) -> Vec<(Hash256, Indicator)> {
        match &self.content {
            Content::Image { hash, quality } => vec![(*hash, Indicator::image(id, *quality))],
            Content::Video { frames } => frames
                .iter()
                .map(|(hash, meta)| {
                    let meta = Indicator {
                        id,
                        video_id: id,
                        ..*meta
                    };
                    (*hash, meta)
                })
                .collect(),
        }
    }

    /// `record` with the fields that describe the indicator (see
    /// [`records`](crate::records)).
    pub(crate) fn describe(&self, record: Record) -> Record {
        match &self.content {
            Content::Image { hash, quality } => Record {
                pdq: Some(hash.to_string()),
                quality: Some(*quality),
                ..record
            },
            Content::Video { frames } => Record {
                frames: Some(
                    frames
                        .iter()
                        .map(|(hash, meta)| Frame {
                            frame: meta.frame,
                            pdq: hash.to_string(),
                            quality: meta.quality,
                        })
                        .collect(),
                ),
                algorithm: "vpdq".to_string(),
                ..record
            },
        }
    }
}

/// Hashes the file of submission `s`.
pub(crate) fn hash_submission(
    s: &Submission,
    image: &DecodeOptions,
    video: &VideoLimits,
) -> Result<Hashed, String> {
    match s.media_kind {
        SubmittedKind::Image => hash_image(&s.path, image),
        SubmittedKind::Video => hash_video(&s.path, video),
    }
}

fn hash_image(path: &Path, options: &DecodeOptions) -> Result<Hashed, String> {
    let bytes = kenmerk::decode::read_file(path, &options.limits)
        .map_err(|e| format!("{}: {}", path.display(), e.reason()))?;
    let file_blake3 = *blake3::hash(&bytes).as_bytes();
    let pdq = kenmerk::hash_image_with(&bytes, options)
        .map_err(|e| format!("{}: {}", path.display(), e.reason()))?;
    if pdq.quality < MIN_QUALITY {
        return Err(format!(
            "{}: PDQ quality {} is below {MIN_QUALITY}: too little detail for a reliable indicator",
            path.display(),
            pdq.quality
        ));
    }
    Ok(Hashed {
        file_blake3,
        content: Content::Image {
            hash: pdq.hash,
            quality: pdq.quality,
        },
    })
}

#[cfg(feature = "video")]
fn hash_video(path: &Path, limits: &VideoLimits) -> Result<Hashed, String> {
    use kenmerk::video::{VideoOptions, hash_video_file, matching};

    let options = VideoOptions {
        limits: *limits,
        ..VideoOptions::default()
    };
    let vpdq = hash_video_file(path, &options)
        .map_err(|e| format!("{}: {}", path.display(), e.reason()))?;
    let frames = matching::video_records(0, &vpdq.frames, MIN_QUALITY);
    if frames.is_empty() {
        return Err(format!(
            "{}: none of its {} sampled frames has PDQ quality {MIN_QUALITY} or more: too \
             little detail for a reliable indicator",
            path.display(),
            vpdq.frames.len()
        ));
    }
    Ok(Hashed {
        file_blake3: file_blake3(path, limits.max_file_bytes)?,
        content: Content::Video { frames },
    })
}

#[cfg(not(feature = "video"))]
fn hash_video(path: &Path, _limits: &VideoLimits) -> Result<Hashed, String> {
    Err(no_video_support(path))
}

/// Why a build without the `video` feature refuses a video submission.
#[cfg_attr(feature = "video", allow(dead_code))]
fn no_video_support(path: &Path) -> String {
    format!(
        "{}: a video submission, but this kenmerk was built without video support (the \
         `video` feature, which needs FFmpeg's libraries)",
        path.display()
    )
}

/// blake3 of the file at `path`, read in pieces; refuses files larger than
/// `max_bytes`.
#[cfg_attr(not(feature = "video"), allow(dead_code))]
fn file_blake3(path: &Path, max_bytes: u64) -> Result<[u8; 32], String> {
    use std::io::Read;

    let failed = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut file = std::fs::File::open(path).map_err(failed)?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(failed(e)),
        };
        total += n as u64;
        if total > max_bytes {
            return Err(format!(
                "{}: more than {max_bytes} bytes (the file grew while it was hashed?)",
                path.display()
            ));
        }
        hasher.update(&buffer[..n]);
    }
    Ok(*hasher.finalize().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_digest_is_blake3_of_the_bytes_read_in_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.bin");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            file_blake3(&path, 200_000).unwrap(),
            *blake3::hash(&bytes).as_bytes()
        );
        let err = file_blake3(&path, 199_999).unwrap_err();
        assert!(err.contains("more than 199999 bytes"), "{err}");
        let err = file_blake3(&dir.path().join("gone.mp4"), 10).unwrap_err();
        assert!(err.contains("gone.mp4"), "{err}");
    }

    #[test]
    fn the_refusal_without_video_support_names_the_file_and_the_feature() {
        let reason = no_video_support(Path::new("clips/a.mp4"));
        assert!(reason.starts_with("clips/a.mp4: "), "{reason}");
        assert!(reason.contains("without video support"), "{reason}");
    }

    #[test]
    fn a_video_indicator_keeps_its_frames_under_its_own_id_and_records_them() {
        let hash = |b: u8| Hash256::from_bytes([b; 32]);
        let frame = |n: u32, q: u8| Indicator {
            id: 0,
            kind: MediaKind::Video,
            quality: q,
            video_id: 0,
            frame: n,
        };
        let hashed = Hashed {
            file_blake3: [1; 32],
            content: Content::Video {
                frames: vec![(hash(3), frame(0, 90)), (hash(4), frame(25, 70))],
            },
        };
        let entries = hashed.entries(7);
        assert_eq!(entries.len(), 2);
        assert!(entries.iter().all(|(_, m)| m.id == 7 && m.video_id == 7));
        assert_eq!(entries[1].1.frame, 25);
        let record = hashed.describe(Record::new(crate::records::Event::Add));
        assert_eq!(record.algorithm, "vpdq");
        assert_eq!((record.pdq, record.quality), (None, None));
        let frames = record.frames.unwrap();
        assert_eq!(frames[1].frame, 25);
        assert_eq!(frames[1].quality, 70);
        assert_eq!(frames[1].pdq, hash(4).to_string());
    }
}
