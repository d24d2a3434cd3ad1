//! Deadline day, bounded: `digecon bench serve --quick` on both backends — 40 filers (two per
//! county, so filings are shared; first saves; submits; city reviewers returning them) through a
//! real `digecon serve` for a few seconds. The command itself checks the database afterwards and
//! fails on any 5xx, any acknowledged value missing from the audit trail, any audit row whose old
//! value is not the previous new value, or any stored value that is not the trail's last.

use std::process::Command;

#[test]
fn forty_filers_on_both_backends_lose_nothing_and_get_no_5xx() {
    let postgres = digecon_store::testing::postgres_server();
    let out = Command::new(env!("CARGO_BIN_EXE_digecon"))
        .args(["bench", "serve", "--quick", "--backend", "both", "--filers", "40", "--seconds", "4", "--postgres", &postgres])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for backend in ["sqlite", "postgres"] {
        assert!(stdout.contains(&format!("## {backend} ")), "{stdout}");
    }
    assert_eq!(stdout.matches("ok   0 responses 5xx").count(), 2, "{stdout}");
    assert_eq!(stdout.matches("every old value is the previous new value").count(), 2, "{stdout}");
    assert_eq!(stdout.matches("all in the audit trail").count(), 2, "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    // Work was done: saves were acknowledged and checked.
    assert!(!stdout.contains(" 0 acknowledged values"), "{stdout}");
}
