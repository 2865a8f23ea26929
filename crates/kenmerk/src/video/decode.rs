//! Decoding video files with FFmpeg's libraries, as Meta's vPDQ does.
//!
//! The file is opened through FFmpeg's `file` protocol only (no network, no
//! playlists pulling in other files) and only with the demuxers of common
//! containers. The first video stream is decoded packet by packet; every
//! frame the decoder returns is numbered from 0, and each frame whose
//! number is a multiple of the step (see [`super::sampling`]) is converted
//! to RGB24 at the stream's own size by swscale with the area filter (as
//! Meta's `vpdq` does) and PDQ-hashed. kenmerk adds swscale's accurate
//! rounding: without it FFmpeg 5.1 converts YUV to RGB with an inexact SIMD
//! routine, and the hashes then differ from those Meta publishes for its
//! sample videos (made with a newer FFmpeg) by up to 22 bits on usable
//! frames; with it they differ by at most 2 there, and by at most 6 from
//! hashes PyPI `vpdq` makes on FFmpeg 5.1. In key-frame mode only key packets
//! reach the decoder, and a frame's number comes from its timestamp.
//!
//! A file shorter than its container's stated sizes is refused before
//! FFmpeg opens it (see [`super::container`]).
//!
//! Limits: the file size before opening; the declared dimensions, duration
//! and frame count once the stream is known and before any packet is
//! decoded; while decoding, the decoder's `max_pixels`, the number of
//! frames, and the number of packets in a row that yield no frame. Reading
//! stops at the first demuxer error, as in Meta's tool; a file whose
//! video packets then end well before the duration its stream declares is
//! reported as truncated (frame counts are no guide: AVI files may declare
//! dropped frames that have no packet).

use std::path::Path;

use ff::codec::threading;
use ff::software::scaling;
use ff::util::format::Pixel;
use ffmpeg_next as ff;

use super::{FrameHash, VideoHash, VideoLimits, VideoOptions, sampling};
use crate::error::{Error, ErrorKind, Result};
use crate::pdq::PdqHasher;
use crate::pixels::{PixelBuffer, PixelFormat};

/// Demuxers a video may be opened with (FFmpeg's names).
const FORMAT_WHITELIST: &str =
    "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,flv,mpegts,mpeg,ogg,asf,m4v,h264,hevc,mpeg4video";

/// A file whose video packets end before this share (in percent) of the
/// stream's declared duration is taken as truncated.
const TRUNCATED_PERCENT: i128 = 90;

/// What a video stream declares, read without decoding a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoInfo {
    /// Frame width.
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Frame rate used for sampling (average rate, else base rate).
    pub fps: f64,
    /// Duration in seconds, if the container declares one.
    pub duration_secs: Option<f64>,
    /// Number of frames, if the container declares it.
    pub frames: Option<u64>,
    /// FFmpeg's name of the codec.
    pub codec: String,
}

fn decode_error(what: &str, err: ff::Error) -> Error {
    Error::decode(format!("{what}: {err}"))
}

/// Opens `path` and checks its stream against `limits`; decodes nothing.
pub fn probe_video_file(path: &Path, limits: &VideoLimits) -> Result<VideoInfo> {
    open(
        path,
        &VideoOptions {
            limits: *limits,
            ..VideoOptions::default()
        },
    )
    .map(|opened| opened.info)
    .map_err(|e| e.with_path(path))
}

/// vPDQ hash of the video file at `path`. Errors name the file.
pub fn hash_video_file(path: &Path, options: &VideoOptions) -> Result<VideoHash> {
    open(path, options)
        .and_then(|opened| hash_opened(opened, options))
        .map_err(|e| e.with_path(path))
}

struct Opened {
    input: ff::format::context::Input,
    stream: usize,
    decoder: ff::decoder::Video,
    info: VideoInfo,
    /// Stream time base in seconds; start time and declared duration in
    /// its units.
    time_base: f64,
    start_time: i64,
    stream_duration: Option<i64>,
}

fn init() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        // Registration is a no-op on FFmpeg >= 4; what matters is silence:
        // corrupt input would otherwise print FFmpeg's warnings on stderr.
        let _ = ff::init();
        ff::util::log::set_level(ff::util::log::Level::Quiet);
    });
}

fn open(path: &Path, options: &VideoOptions) -> Result<Opened> {
    let limits = &options.limits;
    let meta = std::fs::metadata(path).map_err(|e| Error::io(e, path))?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::Io, "not a regular file").with_path(path));
    }
    limits.check_file_bytes(meta.len())?;
    super::container::check_complete(path, meta.len())?;
    let utf8 = path.to_str().ok_or_else(|| {
        Error::new(
            ErrorKind::Unsupported,
            "FFmpeg cannot open a path that is not valid UTF-8",
        )
    })?;
    init();

    let mut format_options = ff::Dictionary::new();
    format_options.set("protocol_whitelist", "file");
    format_options.set("format_whitelist", FORMAT_WHITELIST);
    // The `file:` prefix keeps FFmpeg from reading the name as a URL.
    let input = ff::format::input_with_dictionary(&format!("file:{utf8}"), format_options)
        .map_err(|e| decode_error("not a readable video file", e))?;

    // Meta's tool takes the first video stream.
    let stream = input
        .streams()
        .find(|s| s.parameters().medium() == ff::media::Type::Video)
        .ok_or_else(|| Error::decode("the file has no video stream"))?;
    let index = stream.index();
    let time_base = f64::from(stream.time_base());
    let start_time = match stream.start_time() {
        t if t == ff::ffi::AV_NOPTS_VALUE => 0,
        t => t,
    };
    let fps = frame_rate(stream.avg_frame_rate(), stream.rate())?;
    let duration_secs = if stream.duration() > 0 && time_base > 0.0 {
        Some(stream.duration() as f64 * time_base)
    } else if input.duration() > 0 {
        Some(input.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE))
    } else {
        None
    };
    let stream_duration = Some(stream.duration()).filter(|&d| d > 0);
    let declared_frames = u64::try_from(stream.frames()).ok().filter(|&n| n > 0);
    if let Some(seconds) = duration_secs {
        limits.check_duration(seconds)?;
        limits.check_frames((seconds * fps) as u64)?;
    }
    if let Some(frames) = declared_frames {
        limits.check_frames(frames)?;
    }

    let mut context = ff::codec::context::Context::from_parameters(stream.parameters())
        .map_err(|e| decode_error("bad codec parameters", e))?;
    context.set_threading(threading::Config {
        kind: threading::Type::Slice,
        count: options.threads.max(1),
        ..Default::default()
    });
    let codec = ff::decoder::find(context.id())
        .ok_or_else(|| Error::new(ErrorKind::Unsupported, "no decoder for the video codec"))?;
    // A first decoder only reads the declared size (opening decodes nothing).
    let declared = ff::codec::context::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().open_as(codec))
        .and_then(|opened| opened.video())
        .map_err(|e| decode_error("cannot open the video decoder", e))?;
    let (width, height) = (declared.width(), declared.height());
    drop(declared);
    if width == 0 || height == 0 {
        return Err(Error::decode("the video stream declares no frame size"));
    }
    limits.check_dimensions(width, height)?;
    let mut decoder_options = ff::Dictionary::new();
    // The decoder refuses frames larger than this, whatever the bitstream says.
    decoder_options.set(
        "max_pixels",
        &limits.max_pixels.min(i64::MAX as u64).to_string(),
    );
    let decoder = context
        .decoder()
        .open_as_with(codec, decoder_options)
        .and_then(|opened| opened.video())
        .map_err(|e| decode_error("cannot open the video decoder", e))?;
    let info = VideoInfo {
        width,
        height,
        fps,
        duration_secs,
        frames: declared_frames,
        codec: codec.name().to_string(),
    };
    Ok(Opened {
        input,
        stream: index,
        decoder,
        info,
        time_base,
        start_time,
        stream_duration,
    })
}

/// The average frame rate, else the base rate, as Meta's tool picks it.
fn frame_rate(average: ff::Rational, base: ff::Rational) -> Result<f64> {
    let chosen = if average.numerator() == 0 || average.denominator() == 0 {
        base
    } else {
        average
    };
    if chosen.numerator() <= 0 || chosen.denominator() <= 0 {
        return Err(Error::decode("the video stream declares no frame rate"));
    }
    Ok(f64::from(chosen.numerator()) / f64::from(chosen.denominator()))
}

/// The decoding loop's state: the frames seen and the hashes made.
struct Sampler<'a> {
    options: &'a VideoOptions,
    step: u64,
    width: u32,
    height: u32,
    fps: f64,
    time_base: f64,
    start_time: i64,
    decoded: u64,
    packets_without_frame: u64,
    scaler: Option<scaling::Context>,
    rgb: ff::frame::Video,
    hasher: PdqHasher,
    frames: Vec<FrameHash>,
}

fn hash_opened(opened: Opened, options: &VideoOptions) -> Result<VideoHash> {
    let Opened {
        mut input,
        stream,
        mut decoder,
        info,
        time_base,
        start_time,
        stream_duration,
    } = opened;
    let mut sampler = Sampler {
        options,
        step: sampling::frame_step(options.seconds_per_hash, info.fps),
        width: info.width,
        height: info.height,
        fps: info.fps,
        time_base,
        start_time,
        decoded: 0,
        packets_without_frame: 0,
        scaler: None,
        rgb: ff::frame::Video::empty(),
        hasher: PdqHasher::new(),
        frames: Vec::new(),
    };
    let mut packet = ff::Packet::empty();
    let mut decoded_frame = ff::frame::Video::empty();
    let mut read_failed = false;
    // Where the video packets read so far end, in stream time-base units.
    let mut packets_end: Option<i64> = None;
    loop {
        match packet.read(&mut input) {
            Ok(()) => {}
            Err(ff::Error::Eof) => break,
            // Meta's tool stops reading at the first error, then flushes.
            Err(_) => {
                read_failed = true;
                break;
            }
        }
        if packet.stream() != stream {
            continue;
        }
        if let Some(pts) = packet.pts() {
            let end = pts.saturating_add(packet.duration().max(0));
            packets_end = Some(packets_end.map_or(end, |e| e.max(end)));
        }
        if options.keyframes_only && !packet.is_key() {
            continue;
        }
        decoder
            .send_packet(&packet)
            .map_err(|e| decode_error("the decoder rejected a packet", e))?;
        sampler.packets_without_frame += 1;
        sampler.receive(&mut decoder, &mut decoded_frame)?;
        if sampler.packets_without_frame > options.limits.max_packets_without_frame {
            return Err(Error::decode(format!(
                "no frame decoded from {} packets in a row",
                sampler.packets_without_frame
            )));
        }
    }
    decoder
        .send_eof()
        .map_err(|e| decode_error("cannot flush the decoder", e))?;
    sampler.receive(&mut decoder, &mut decoded_frame)?;

    if sampler.decoded == 0 {
        return Err(Error::decode("no frame could be decoded"));
    }
    if let (Some(declared), Some(end)) = (stream_duration, packets_end) {
        let covered = i128::from(end) - i128::from(start_time);
        if covered * 100 < i128::from(declared) * TRUNCATED_PERCENT {
            let cause = if read_failed {
                "reading stopped at damaged data"
            } else {
                "the file ends early"
            };
            return Err(Error::decode(format!(
                "truncated or damaged: the video stops at {:.1} s of the {:.1} s it declares ({cause})",
                covered as f64 * time_base,
                declared as f64 * time_base
            )));
        }
    }
    let mut frames = sampler.frames;
    frames.sort_by_key(|f| f.frame);
    frames.dedup_by_key(|f| f.frame);
    Ok(VideoHash {
        frames,
        fps: info.fps,
        width: info.width,
        height: info.height,
        frames_decoded: sampler.decoded,
    })
}

impl Sampler<'_> {
    /// Takes every frame the decoder has ready.
    fn receive(
        &mut self,
        decoder: &mut ff::decoder::Video,
        frame: &mut ff::frame::Video,
    ) -> Result<()> {
        loop {
            match decoder.receive_frame(frame) {
                Ok(()) => self.take(frame)?,
                Err(ff::Error::Eof) => return Ok(()),
                Err(ff::Error::Other { errno }) if errno == ff::util::error::EAGAIN => {
                    return Ok(());
                }
                Err(e) => return Err(decode_error("the decoder failed", e)),
            }
        }
    }

    fn take(&mut self, frame: &ff::frame::Video) -> Result<()> {
        self.packets_without_frame = 0;
        let number = self.decoded;
        self.decoded += 1;
        self.options.limits.check_frames(self.decoded)?;
        self.options
            .limits
            .check_dimensions(frame.width(), frame.height())?;
        let number = if self.options.keyframes_only {
            self.number_from_timestamp(frame).unwrap_or(number)
        } else if number.is_multiple_of(self.step) {
            number
        } else {
            return Ok(());
        };
        let frame_number = u32::try_from(number)
            .map_err(|_| Error::limits("frame number does not fit in 32 bits"))?;
        self.convert_to_rgb(frame)?;
        let pixels = PixelBuffer::new(
            self.rgb.data(0),
            self.width as usize,
            self.height as usize,
            self.rgb.stride(0),
            PixelFormat::Rgb8,
        )?;
        let pdq = self.hasher.hash(&pixels);
        self.frames.push(FrameHash {
            frame: frame_number,
            quality: pdq.quality,
            hash: pdq.hash,
            timestamp: sampling::timestamp(frame_number, self.fps),
        });
        Ok(())
    }

    /// The display index of a frame from its timestamp (key-frame mode).
    fn number_from_timestamp(&self, frame: &ff::frame::Video) -> Option<u64> {
        let ts = frame.timestamp()?;
        let seconds = ts.saturating_sub(self.start_time) as f64 * self.time_base;
        let number = (seconds * self.fps).round();
        (number.is_finite() && number >= 0.0).then_some(number as u64)
    }

    /// Converts `frame` to RGB24 at the stream's size into `self.rgb`.
    fn convert_to_rgb(&mut self, frame: &ff::frame::Video) -> Result<()> {
        let stale = self.scaler.as_ref().is_none_or(|s| {
            let input = s.input();
            input.format != frame.format()
                || input.width != frame.width()
                || input.height != frame.height()
        });
        if stale {
            // A size change mid-stream gets a new scaler to the same output.
            let scaler = scaling::Context::get(
                frame.format(),
                frame.width(),
                frame.height(),
                Pixel::RGB24,
                self.width,
                self.height,
                scaling::Flags::AREA | scaling::Flags::ACCURATE_RND,
            )
            .map_err(|e| decode_error("cannot convert the frame to RGB", e))?;
            self.scaler = Some(scaler);
        }
        match &mut self.scaler {
            Some(scaler) => scaler
                .run(frame, &mut self.rgb)
                .map_err(|e| decode_error("cannot convert the frame to RGB", e)),
            None => Err(Error::decode("no frame converter")),
        }
    }
}
