//! The Centre's signing key: ed25519 (via `ed25519-dalek`), generated from
//! the operating system's random source, stored as one line of text.
//!
//! `NAME.key` holds `kenmerk-ed25519-secret-key <64 hex digits of the seed>`
//! and is created readable by its owner only; `NAME.pub` holds the public
//! key in the form `kenmerk::index::PublicKey` reads. Existing key files are
//! never overwritten.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer, SigningKey};
use kenmerk::index::PublicKey;

use crate::records::{hex, parse_digest};

const SECRET_KEY_TAG: &str = "kenmerk-ed25519-secret-key";

/// A signing key.
pub struct SecretKey(SigningKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SecretKey(public {})",
            hex(self.0.verifying_key().as_bytes())
        )
    }
}

impl SecretKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<SecretKey, String> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| format!("no random source: {e}"))?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }

    /// The key of a 32-byte seed (for tests).
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(&seed))
    }

    /// Its public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_bytes(self.0.verifying_key().to_bytes())
            .unwrap_or_else(|_| unreachable!("a signing key's public key is valid"))
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    /// Reads a secret key file.
    pub fn read(path: &Path) -> Result<SecretKey, String> {
        let bad = || format!("{}: not a kenmerk secret key file", path.display());
        if fs::metadata(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len()
            > 4096
        {
            return Err(bad());
        }
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut words = text.split_whitespace();
        if words.next() != Some(SECRET_KEY_TAG) {
            return Err(bad());
        }
        let seed = words.next().and_then(parse_digest).ok_or_else(bad)?;
        if words.next().is_some() {
            return Err(bad());
        }
        Ok(SecretKey::from_seed(seed))
    }

    /// Writes `NAME.key` (owner-only) and `NAME.pub`; refuses to overwrite.
    /// Returns both paths.
    pub fn write_pair(&self, name: &Path) -> Result<(PathBuf, PathBuf), String> {
        let key_path = with_suffix(name, "key");
        let pub_path = with_suffix(name, "pub");
        for p in [&key_path, &pub_path] {
            if p.exists() {
                return Err(format!(
                    "{}: already exists; not overwriting a key",
                    p.display()
                ));
            }
        }
        let secret = format!("{SECRET_KEY_TAG} {}\n", hex(&self.0.to_bytes()));
        write_new(&key_path, secret.as_bytes(), 0o600)?;
        if let Err(e) = write_new(&pub_path, self.public_key().to_text().as_bytes(), 0o644) {
            let _ = fs::remove_file(&key_path);
            return Err(e);
        }
        Ok((key_path, pub_path))
    }
}

fn with_suffix(name: &Path, suffix: &str) -> PathBuf {
    let mut s = name.as_os_str().to_os_string();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

/// Creates `path` with `mode` (never replacing a file), writes and syncs.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), String> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let result = options
        .open(path)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()));
    result.map_err(|e| format!("{}: {e}", path.display()))
}
