//! x86-64 kernels. Each entry point is compiled with its target features
//! and must only be called after runtime detection of them.

pub(super) mod avx2;
pub(super) mod avx512;
