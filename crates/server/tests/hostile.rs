//! Hostile input at the HTTP boundary: a decompression bomb uploaded as a filing, NUL bytes in
//! text fields, an oversized JSON body, sockets that never send a request; and the security
//! headers every response carries. One test function, so the memory measurement is not disturbed
//! by other tests of this binary.

mod common;

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use common::TestServer;
use digecon_store::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

/// A zip whose one sheet inflates to `inflated` bytes (whitespace inside the sheet's XML, which
/// deflate compresses about a thousandfold), built in chunks.
fn bomb(inflated: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    w.start_file("[Content_Types].xml", opts).unwrap();
    w.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    w.write_all(b"<worksheet><sheetData>").unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut written = 0;
    while written < inflated {
        w.write_all(&chunk).unwrap();
        written += chunk.len();
    }
    w.write_all(b"</sheetData></worksheet>").unwrap();
    w.finish().unwrap().into_inner()
}

/// Peak resident memory of this process so far, in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[tokio::test]
async fn hostile_input_is_refused_and_the_server_keeps_answering() {
    let t = Instant::now();
    let bomb = bomb(1900 * 1024 * 1024);
    eprintln!("bomb of {} bytes built in {:?}", bomb.len(), t.elapsed());
    for db in TestDb::both() {
        let l = db.label;
        let config = digecon_server::Config { header_read_timeout: Duration::from_secs(1), ..Default::default() };
        let srv = TestServer::start_with(db, config).await;
        let county = srv.login("zhanggong").await;
        let (_, forms) = county.get("/api/v1/forms").await;
        let period = forms.as_array().unwrap().iter().find(|f| f["code"] == "JXDE-M").unwrap()["current_period"].as_str().unwrap().to_string();

        // Security headers on the API and the UI; API answers are not stored.
        let r = county.client.get(county.url("/api/v1/me")).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
        assert_eq!(h["cache-control"], "no-store", "{l}: the answer carries the CSRF token");
        let r = county.client.get(county.url("/")).send().await.unwrap();
        assert!(r.headers().contains_key("content-security-policy"));

        // A 1.9 MB .xlsx that inflates to 1.9 GB: refused with the limit named, while memory
        // stays bounded and /health keeps answering.
        let bytes = bomb.clone();
        assert!(bytes.len() < 2 * 1024 * 1024, "{} bytes", bytes.len());
        let before = peak_rss();
        let health = {
            let url = srv.url("/api/v1/health");
            tokio::spawn(async move {
                let c = reqwest::Client::new();
                let mut slowest = Duration::ZERO;
                for _ in 0..20 {
                    let t = Instant::now();
                    assert_eq!(c.get(&url).send().await.unwrap().status(), StatusCode::OK);
                    slowest = slowest.max(t.elapsed());
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                slowest
            })
        };
        let r = county
            .client
            .post(county.url("/api/v1/forms/import?filename=bomb.xlsx"))
            .header("X-CSRF-Token", county.csrf.clone().unwrap())
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let v: Value = r.json().await.unwrap();
        let message = v["error"]["fields"][0]["message"].as_str().unwrap_or_default().to_string();
        assert!(message.contains("解压后超过 64 MiB 上限") && message.contains("decompressed size exceeds the 64 MiB limit"), "{l}: {v}");
        let grown = peak_rss().saturating_sub(before);
        assert!(grown < 96 * 1024 * 1024, "{l}: peak memory grew by {} MB", grown / (1024 * 1024));
        let slowest = health.await.unwrap();
        // Answering at all is the point (a generous bound: CI runs other tests meanwhile).
        assert!(slowest < Duration::from_secs(5), "{l}: /health took {slowest:?} during the upload");

        // NUL (and other control characters) in text: a field-level 422, on both backends.
        let base = format!("/api/v1/filings/JXDE-M/360702/{period}");
        let values = json!({"EIM_REV_YTD": 1.0, "SW_REV_YTD": 1.0, "BS_5G_OPEN_M": 1.0, "DE_KEY_PROJECTS_INV_YTD": 1.0});
        let (s, v) = county.send(Method::PUT, &format!("{base}/values"), Some(json!({"values": values, "reason": "a\u{0000}b"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {v}");
        assert_eq!(v["error"]["fields"][0]["field"], "reason", "{l}: {v}");
        assert!(v["error"]["fields"][0]["message"].as_str().unwrap().contains("U+0000"), "{l}: {v}");
        let (s, _) = county.send(Method::PUT, &format!("{base}/values"), Some(json!({"values": values, "reason": "line one\nline two"}))).await;
        assert_eq!(s, StatusCode::OK, "{l}: line breaks are text");
        let city = srv.login("ganzhou").await;
        let (s, _) = county.post(&format!("{base}/actions"), json!({"action": "submit"})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = city.post(&format!("{base}/actions"), json!({"action": "return", "comment": "x\u{0000}"})).await;
        assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("comment")), "{l}: {v}");
        let (s, v) = srv.anonymous().post("/api/v1/auth/login", json!({"username": "a\u{0001}", "password": "x"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {v}");

        // A JSON body over the limit is 413, not a validation error.
        let big = "x".repeat(3 * 1024 * 1024);
        let (s, v) = county.send(Method::PUT, &format!("{base}/values"), Some(json!({"values": {}, "reason": big}))).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")), "{l}");

        // A socket that never sends a request is closed after the header-read timeout.
        let mut idle = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
        let mut buf = [0u8; 16];
        let t = Instant::now();
        let n = tokio::time::timeout(Duration::from_secs(10), idle.read(&mut buf)).await.expect("closed by the server").unwrap_or(0);
        assert_eq!(n, 0, "{l}: closed without an answer");
        assert!(t.elapsed() < Duration::from_secs(5), "{l}: {:?}", t.elapsed());
    }
}
