//! `kenmerk`: hash images with Meta-compatible PDQ (and, as the project
//! grows, match them against indicator files).
//!
//! The binary is a thin layer over the `kenmerk` library: argument parsing,
//! walking the inputs, parallelism and output formatting live here; hashing
//! and decoding live in the library.

#![forbid(unsafe_code)]

mod hash_cmd;
mod inputs;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Detection of known material by perceptual hash (PDQ, bit-exact with Meta's).
#[derive(Parser, Debug)]
#[command(name = "kenmerk", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the PDQ hash and quality of images.
    Hash(hash_cmd::HashArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Hash(args) => hash_cmd::run(args),
    }
}
