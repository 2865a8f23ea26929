//! The EU Centre's side of kenmerk: indicator files made only from
//! submissions a member-state authority confirmed (Art. 36(1)(a), 44(3)),
//! with tamper-evident records of every step (Art. 44(4)), versions, removal
//! and deltas (Art. 46(7)), and signed, time-limited copies per detection
//! order (Art. 46(2), (8)).
//!
//! - [`manifest`]: the submissions manifest and its checks.
//! - [`build::build`] and [`build::remove`]: new versions, from image and
//!   (with the cargo feature `video`, FFmpeg) video submissions.
//! - [`records`]: the hash-chained log; [`check`]: a file against its log.
//! - [`delta`]: version-to-version updates for providers.
//! - [`keys`] and [`issue`]: ed25519 keys and issued copies.
//!
//! Indicator files hold only what matching needs (Art. 44(2)); who submitted
//! what stays in the records, with the Centre.

#![forbid(unsafe_code)]

pub mod build;
pub mod check;
pub mod dates;
pub mod delta;
mod hashing;
pub mod issue;
pub mod keys;
pub mod manifest;
pub mod member_state;
pub mod publish;
pub mod records;
