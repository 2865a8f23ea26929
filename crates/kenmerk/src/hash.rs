//! 256-bit perceptual hashes in Meta's layout.
//!
//! Meta's reference keeps a PDQ hash as sixteen 16-bit words `w[0..16]`, where
//! hash bit `k` (DCT coefficient row `k / 16`, column `k % 16`) is bit `k % 16`
//! of word `k / 16`, and prints it as the words `w[15]` down to `w[0]`, each as
//! four lowercase hex digits. [`Hash256`] stores the 32 bytes that hex string
//! spells, in order, so `Hash256::as_bytes` is exactly what other tools mean by
//! "the binary form of a PDQ hash", and Hamming distance is a popcount of XOR.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A 256-bit hash (PDQ or a frame of vPDQ) in Meta's byte order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash256([u8; 32]);

impl Hash256 {
    /// Number of bits in the hash.
    pub const BITS: u32 = 256;

    /// The all-zero hash (what Meta's code returns for images under 5 pixels
    /// on a side).
    pub const ZERO: Hash256 = Hash256([0; 32]);

    /// Wraps 32 bytes in the order the hex string spells them.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Hash256(bytes)
    }

    /// The 32 bytes in the order the hex string spells them.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Builds a hash from Meta's sixteen 16-bit words (`w[0]` holds bits 0..16).
    pub fn from_words(words: [u16; 16]) -> Self {
        let mut bytes = [0u8; 32];
        for (i, word) in words.iter().enumerate() {
            let at = 2 * (15 - i);
            bytes[at..at + 2].copy_from_slice(&word.to_be_bytes());
        }
        Hash256(bytes)
    }

    /// Meta's sixteen 16-bit words (`w[0]` holds bits 0..16).
    pub fn to_words(&self) -> [u16; 16] {
        let mut words = [0u16; 16];
        for (i, word) in words.iter_mut().enumerate() {
            let at = 2 * (15 - i);
            *word = u16::from_be_bytes([self.0[at], self.0[at + 1]]);
        }
        words
    }

    /// Position of hash bit `k` as (byte index, mask).
    const fn locate(k: usize) -> (usize, u8) {
        let word = (k >> 4) & 15;
        let bit = k & 15;
        let byte = 2 * (15 - word) + if bit >= 8 { 0 } else { 1 };
        (byte, 1 << (bit & 7))
    }

    /// Bit `k` (0..256) in Meta's numbering: row `k / 16`, column `k % 16` of
    /// the 16x16 DCT block.
    pub fn bit(&self, k: usize) -> bool {
        let (byte, mask) = Self::locate(k);
        self.0[byte] & mask != 0
    }

    /// Sets bit `k` (0..256) in Meta's numbering.
    pub fn set_bit(&mut self, k: usize) {
        let (byte, mask) = Self::locate(k);
        self.0[byte] |= mask;
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> u32 {
        self.0.iter().map(|b| b.count_ones()).sum()
    }

    /// Hamming distance: the number of bits in which the hashes differ.
    pub fn distance(&self, other: &Hash256) -> u32 {
        let mut total = 0;
        for (a, b) in self.0.chunks_exact(8).zip(other.0.chunks_exact(8)) {
            let a = u64::from_ne_bytes(a.try_into().unwrap_or_default());
            let b = u64::from_ne_bytes(b.try_into().unwrap_or_default());
            total += (a ^ b).count_ones();
        }
        total
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(hex: &str) -> Result<Self> {
        let hex = hex.as_bytes();
        if hex.len() != 64 {
            return Err(Error::invalid_input(format!(
                "a 256-bit hash needs 64 hex digits, found {}",
                hex.len()
            )));
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            let hi = hex_value(pair[0]);
            let lo = hex_value(pair[1]);
            match (hi, lo) {
                (Some(hi), Some(lo)) => bytes[i] = hi << 4 | lo,
                _ => {
                    return Err(Error::invalid_input(format!(
                        "not a hex digit at position {}",
                        2 * i + usize::from(hi.is_some())
                    )));
                }
            }
        }
        Ok(Hash256(bytes))
    }

    /// The 64 lowercase hex digits, as Meta's tools print them.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (i, b) in self.0.iter().enumerate() {
            out[2 * i] = DIGITS[usize::from(b >> 4)];
            out[2 * i + 1] = DIGITS[usize::from(b & 15)];
        }
        // The buffer holds only ASCII hex digits.
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash256({self})")
    }
}

impl FromStr for Hash256 {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Hash256::from_hex(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    #[test]
    fn hex_round_trip() {
        let h: Hash256 = SAMPLE.parse().unwrap();
        assert_eq!(h.to_string(), SAMPLE);
        assert_eq!(Hash256::from_hex(&SAMPLE.to_uppercase()).unwrap(), h);
    }

    #[test]
    fn words_follow_meta_print_order() {
        let h: Hash256 = SAMPLE.parse().unwrap();
        let w = h.to_words();
        assert_eq!(w[15], 0xf8f8);
        assert_eq!(w[0], 0x9b22);
        assert_eq!(Hash256::from_words(w), h);
    }

    #[test]
    fn bit_numbering_matches_words() {
        for k in 0..256 {
            let mut h = Hash256::ZERO;
            h.set_bit(k);
            assert!(h.bit(k));
            assert_eq!(h.count_ones(), 1);
            let w = h.to_words();
            assert_eq!(w[k / 16], 1 << (k % 16), "bit {k}");
        }
    }

    #[test]
    fn distance_counts_differing_bits() {
        let a: Hash256 = SAMPLE.parse().unwrap();
        let mut b = a;
        assert_eq!(a.distance(&b), 0);
        b = Hash256::from_bytes(b.as_bytes().map(|x| !x));
        assert_eq!(a.distance(&b), 256);
    }

    #[test]
    fn rejects_bad_hex() {
        assert!(Hash256::from_hex("abc").is_err());
        let bad = format!("{}zz", &SAMPLE[..62]);
        let err = Hash256::from_hex(&bad).unwrap_err();
        assert!(err.reason().contains("position 62"), "{err}");
    }
}
