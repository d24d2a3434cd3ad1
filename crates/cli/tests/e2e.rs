//! Runs the browser end-to-end tests (web/e2e/run.mjs) against this build's `digecon` binary in
//! Debian's Chromium. Needs `npm ci && npm run build` in web/ first (the README's test command
//! does that), so the binary embeds the UI.

use std::path::Path;
use std::process::Command;

#[test]
fn browser_end_to_end() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    assert!(
        web.join("dist/index.html").exists() && web.join("node_modules/playwright-core").exists(),
        "the web UI is not built: run `npm ci && npm run build` in web/ (the README's test command does)"
    );
    let status = Command::new("node")
        .arg("e2e/run.mjs")
        .current_dir(&web)
        .env("DIGECON_BIN", env!("CARGO_BIN_EXE_digecon"))
        .status()
        .expect("run node (Node.js is needed for the browser tests)");
    assert!(status.success(), "browser end-to-end tests failed (screenshots in web/e2e/artifacts/)");
}
