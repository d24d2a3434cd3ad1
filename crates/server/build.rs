//! Rebuild when the web UI is (re)built, so the binary embeds the current `web/dist`
//! (rust-embed cannot notice a folder that appears after the first build).
fn main() {
    println!("cargo:rerun-if-changed=../../web/dist");
    println!("cargo:rerun-if-changed=../../web/dist/index.html");
}
