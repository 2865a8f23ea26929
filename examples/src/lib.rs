//! Examples live beside this file: `cargo run -p kenmerk-examples --example NAME`.
