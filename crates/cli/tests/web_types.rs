//! A renamed API field breaks the web build: web/scripts/rename-check.mjs renames `Me.display_name`
//! in a scratch copy of the committed OpenAPI document, regenerates the client's types and expects
//! `vue-tsc` to fail on the pages that read it. Needs `npm ci` in web/ (the README's test command).

use std::path::Path;
use std::process::Command;

#[test]
fn a_renamed_api_field_breaks_the_web_build() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    assert!(web.join("node_modules/vue-tsc").exists(), "run `npm ci` in web/ first (the README's test command does)");
    let out = Command::new("node").arg("scripts/rename-check.mjs").current_dir(&web).output().expect("run node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("display_name"), "{text}");
}
