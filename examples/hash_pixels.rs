//! Hashing frames a pipeline has already decoded (from a video decoder, a
//! GPU readback, another image library) without re-encoding them.
//!
//! ```sh
//! cargo run --release -p kenmerk-examples --example hash_pixels
//! ```

use kenmerk::pdq::PdqHasher;
use kenmerk::{PixelBuffer, PixelFormat};

fn main() -> Result<(), kenmerk::Error> {
    // A BGRA frame of 320x240 with 64 bytes of padding after each row, as
    // many decoders hand them out.
    let (width, height, stride) = (320usize, 240usize, 320 * 4 + 64);
    let mut frame = vec![0u8; stride * height];
    for y in 0..height {
        for x in 0..width {
            let px = &mut frame[y * stride + x * 4..][..4];
            px.copy_from_slice(&[
                (x / 2) as u8,
                (y % 256) as u8,
                ((x * y) / 300 % 256) as u8,
                255,
            ]);
        }
    }
    let image = PixelBuffer::new(&frame, width, height, stride, PixelFormat::Bgra8)?;
    // One hasher per thread: it keeps its buffers, so hashing a stream of
    // frames allocates nothing after the first.
    let mut hasher = PdqHasher::new();
    let result = hasher.hash(&image);
    println!("{},{}", result.hash, result.quality);
    Ok(())
}
