//! The C ABI called from Rust exactly as C calls it: hashing equals the
//! core library's, searches follow the capacity contract, and bad pointers
//! and bytes give result codes with outputs untouched. (The C programs in
//! examples/c check the same from C, against Meta's hashes.)

use std::ffi::{CString, c_int};
use std::ptr;

use kenmerk::Hash256;
use kenmerk::index::{Indicator, WriteOptions, to_bytes};
use kenmerk_ffi::*;

/// A PNG with enough detail for quality 100.
fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(120, 90, |x, y| {
        image::Rgb([((x * 7) ^ (y * 3)) as u8, (x * y) as u8, (y * 11) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn open_bytes(bytes: &[u8]) -> *mut kenmerk_index {
    let mut index = ptr::null_mut();
    // SAFETY: valid slice and out pointer.
    let r = unsafe { kenmerk_index_open_bytes(bytes.as_ptr(), bytes.len(), &mut index) };
    assert_eq!(r, kenmerk_result::Ok);
    index
}

#[test]
fn hashes_equal_the_core_library() {
    let bytes = png();
    let want = kenmerk::hash_image(&bytes).unwrap();
    let mut hash = [0u8; 32];
    let mut quality: c_int = -1;
    // SAFETY: valid buffers of the documented sizes.
    let r =
        unsafe { kenmerk_hash_image(bytes.as_ptr(), bytes.len(), hash.as_mut_ptr(), &mut quality) };
    assert_eq!(r, kenmerk_result::Ok);
    assert_eq!(
        (Hash256::from_bytes(hash), quality),
        (want.hash, c_int::from(want.quality))
    );

    let mut all = [0u8; KENMERK_DIHEDRAL_HASH_BYTES];
    // SAFETY: as above, 256 bytes.
    let r = unsafe {
        kenmerk_hash_image_dihedral(bytes.as_ptr(), bytes.len(), all.as_mut_ptr(), &mut quality)
    };
    assert_eq!(r, kenmerk_result::Ok);
    assert_eq!(all[..32], hash);
}

#[test]
fn search_follows_the_capacity_contract() {
    let target = Hash256::from_bytes([0x11; 32]);
    let mut near = target;
    near.set_bit(3); // 0x11 has bit 3 clear in every byte
    let entries = [
        (near, Indicator::image(20, 100)),
        (target, Indicator::image(10, 100)),
        (Hash256::from_bytes([0xee; 32]), Indicator::image(30, 100)),
    ];
    let index = open_bytes(&to_bytes(&entries, &WriteOptions::default()));
    let mut len = 0usize;
    // SAFETY: live handle, valid out pointer.
    let r = unsafe { kenmerk_index_len(index, &mut len) };
    assert_eq!(r, kenmerk_result::Ok);
    assert_eq!(len, 3);

    let query = target.as_bytes();
    let mut needed = 0usize;
    // SAFETY: capacity 0 with a NULL array is allowed.
    let r =
        unsafe { kenmerk_index_search(index, query.as_ptr(), 31, ptr::null_mut(), 0, &mut needed) };
    assert_eq!((r, needed), (kenmerk_result::InsufficientCapacity, 2));

    let sentinel = kenmerk_match {
        indicator: 99,
        distance: 99,
    };
    let mut out = [sentinel; 4];
    // SAFETY: 1 writable element.
    let r = unsafe {
        kenmerk_index_search(index, query.as_ptr(), 31, out.as_mut_ptr(), 1, &mut needed)
    };
    assert_eq!(
        (r, needed, out[0]),
        (kenmerk_result::InsufficientCapacity, 2, sentinel)
    );

    let mut n = 0usize;
    // SAFETY: 4 writable elements.
    let r = unsafe { kenmerk_index_search(index, query.as_ptr(), 31, out.as_mut_ptr(), 4, &mut n) };
    assert_eq!(r, kenmerk_result::Ok);
    assert_eq!(
        out[..n],
        [
            kenmerk_match {
                indicator: 10,
                distance: 0
            },
            kenmerk_match {
                indicator: 20,
                distance: 1
            }
        ]
    );
    assert_eq!(out[2], sentinel, "nothing written past the matches");

    let group: Vec<u8> = std::iter::repeat_n(*near.as_bytes(), 8).flatten().collect();
    // SAFETY: 256 readable bytes, 4 writable elements.
    let r = unsafe {
        kenmerk_index_search_dihedral(index, group.as_ptr(), 0, out.as_mut_ptr(), 4, &mut n)
    };
    assert_eq!(
        (r, n, out[0]),
        (
            kenmerk_result::Ok,
            1,
            kenmerk_match {
                indicator: 20,
                distance: 0
            }
        )
    );
    // SAFETY: live handle.
    assert_eq!(unsafe { kenmerk_index_verify(index) }, kenmerk_result::Ok);
    // SAFETY: freed once; NULL is a no-op.
    unsafe {
        kenmerk_index_free(index);
        kenmerk_index_free(ptr::null_mut());
    }
}

#[test]
fn bad_input_gives_codes_and_leaves_outputs_alone() {
    let mut hash = [7u8; 32];
    let mut quality: c_int = -3;
    let junk = b"junk";
    // SAFETY: valid buffers.
    let r =
        unsafe { kenmerk_hash_image(junk.as_ptr(), junk.len(), hash.as_mut_ptr(), &mut quality) };
    assert_eq!(r, kenmerk_result::Unsupported);
    let truncated = &png()[..60];
    // SAFETY: valid buffers.
    let r = unsafe {
        kenmerk_hash_image(
            truncated.as_ptr(),
            truncated.len(),
            hash.as_mut_ptr(),
            &mut quality,
        )
    };
    assert_eq!(r, kenmerk_result::Decode);
    // SAFETY: NULLs are checked before use.
    let r = unsafe { kenmerk_hash_image(ptr::null(), 10, hash.as_mut_ptr(), &mut quality) };
    assert_eq!(r, kenmerk_result::NullParameter);
    assert_eq!((hash, quality), ([7u8; 32], -3));

    let mut detail = [0 as std::ffi::c_char; 64];
    let mut len = 0usize;
    // SAFETY: 64 writable bytes.
    let r = unsafe { kenmerk_last_error_message(detail.as_mut_ptr(), detail.len(), &mut len) };
    assert_eq!(r, kenmerk_result::Ok);
    assert_eq!(len, "argument `bytes` is NULL".len());

    let mut index = ptr::null_mut();
    let missing = CString::new("/nonexistent/order.kmk").unwrap();
    // SAFETY: valid C string and out pointer.
    let r = unsafe { kenmerk_index_open(missing.as_ptr(), &mut index) };
    assert_eq!(r, kenmerk_result::Io);
    // SAFETY: valid bytes and out pointer.
    let r = unsafe { kenmerk_index_open_bytes(junk.as_ptr(), junk.len(), &mut index) };
    assert_eq!((r, index), (kenmerk_result::Corrupt, ptr::null_mut()));

    let pixels = [0u8; 12];
    // SAFETY: valid buffers; the format is checked.
    let r = unsafe {
        kenmerk_hash_pixels(
            pixels.as_ptr(),
            12,
            2,
            2,
            6,
            42,
            hash.as_mut_ptr(),
            &mut quality,
        )
    };
    assert_eq!(r, kenmerk_result::InvalidArgument);
}

#[test]
fn signed_files_open_only_with_their_key_and_within_their_period() {
    use ed25519_dalek::{Signer, SigningKey};
    use kenmerk::index::{IssueRequest, PublicKey, issue};

    let hash = Hash256::from_bytes([0x5a; 32]);
    let plain = to_bytes(
        &[(hash, Indicator::image(4, 100))],
        &WriteOptions::default(),
    );
    let signer = SigningKey::from_bytes(&[1; 32]);
    let public = PublicKey::from_bytes(signer.verifying_key().to_bytes()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, from: u64, until: u64| {
        let request = IssueRequest {
            issued_to: "provider".into(),
            valid_from: from,
            valid_until: until,
            issued_at: from,
        };
        let bytes = issue::issue(&plain, &request, &public, |m| signer.sign(m).to_bytes()).unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        CString::new(path.to_str().unwrap()).unwrap()
    };
    let open = |path: &CString, key: &[u8; 32]| {
        let mut index = ptr::null_mut();
        // SAFETY: a NUL-terminated path, 32 key bytes and a valid out pointer.
        let result = unsafe { kenmerk_index_open_signed(path.as_ptr(), key.as_ptr(), &mut index) };
        // SAFETY: NULL or a handle just opened.
        unsafe { kenmerk_index_free(index) };
        (result, index.is_null())
    };
    let current = write("current.kmk", 0, u64::MAX);
    assert_eq!(
        open(&current, public.as_bytes()),
        (kenmerk_result::Ok, false)
    );
    let other = SigningKey::from_bytes(&[2; 32]).verifying_key().to_bytes();
    assert_eq!(open(&current, &other), (kenmerk_result::Signature, true));
    let expired = write("expired.kmk", 0, 1);
    assert_eq!(
        open(&expired, public.as_bytes()),
        (kenmerk_result::Expired, true)
    );
    let future = write("future.kmk", u64::MAX - 1, u64::MAX);
    assert_eq!(
        open(&future, public.as_bytes()),
        (kenmerk_result::NotYetValid, true)
    );
    // The plain open refuses the period too.
    let mut index = ptr::null_mut();
    // SAFETY: as above.
    let result = unsafe { kenmerk_index_open(expired.as_ptr(), &mut index) };
    assert_eq!((result, index.is_null()), (kenmerk_result::Expired, true));
    // NULL key.
    let mut index = ptr::null_mut();
    // SAFETY: NULL is what is being tested; the function checks it.
    let result = unsafe { kenmerk_index_open_signed(current.as_ptr(), ptr::null(), &mut index) };
    assert_eq!(
        (result, index.is_null()),
        (kenmerk_result::NullParameter, true)
    );
}
