//! Deadline day: optimistic concurrency for people (ETag / If-Match → 412), and two servers on one
//! PostgreSQL behaving as one (sessions, sign-in throttling, fresh reads). The load itself is
//! `digecon bench serve --quick`, run by `crates/cli/tests/deadline.rs`.

mod common;

use common::{Session, TestServer, PASSWORD};
use digecon_store::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn open_period(s: &Session) -> String {
    let (_, forms) = s.get("/api/v1/forms").await;
    forms.as_array().unwrap().iter().find(|f| f["code"] == "JXDE-M").unwrap()["current_period"].as_str().unwrap().to_string()
}

fn values(x: f64) -> Value {
    json!({"values": {"EIM_REV_YTD": x, "SW_REV_YTD": x + 1.0, "BS_5G_OPEN_M": 800.0 + x.trunc(), "DE_KEY_PROJECTS_INV_YTD": 12.0}})
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412_naming_who_changed_the_filing() {
    for db in TestDb::both() {
        let l = db.label;
        let srv = TestServer::start(db).await;
        // One county, two people (two browsers of the same office).
        let (alice, bob) = (srv.login("zhanggong").await, srv.login("zhanggong").await);
        let period = open_period(&alice).await;
        let base = format!("/api/v1/filings/JXDE-M/360702/{period}");

        let (s, h, v) = alice.send_with(Method::GET, &base, &[], None).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        let fresh = h["etag"].to_str().unwrap().to_string();
        assert_eq!(v["etag"], fresh.as_str(), "{l}: header and body agree");
        assert_eq!(fresh, "\"new\"", "{l}: nothing filed yet");
        let (_, h, _) = bob.send_with(Method::GET, &base, &[], None).await;
        assert_eq!(h["etag"], fresh.as_str());

        // Bob saves first; Alice's save, based on what she read, is refused and names Bob's change.
        let (s, _, v) = bob.send_with(Method::PUT, &format!("{base}/values"), &[("If-Match", &fresh)], Some(values(100.0))).await;
        assert_eq!(s, StatusCode::OK, "{l}: {v}");
        let after_bob = v["etag"].as_str().unwrap().to_string();
        assert_ne!(after_bob, fresh);
        let (s, _, v) = alice.send_with(Method::PUT, &format!("{base}/values"), &[("If-Match", &fresh)], Some(values(200.0))).await;
        assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{l}: {v}");
        assert_eq!(v["error"]["code"], "precondition_failed");
        assert_eq!(v["error"]["conflict"]["changed_by"], "zhanggong", "{l}: {v}");
        assert!(v["error"]["conflict"]["changed_at"].as_str().is_some_and(|t| t.starts_with("20")), "{l}: {v}");
        assert_eq!(v["error"]["conflict"]["etag"], after_bob.as_str());
        assert!(v["error"]["message"].as_str().unwrap().contains("已被他人修改"), "{l}: {v}");

        // Reloaded, she saves; an action with the old ETag is refused too.
        let (_, h, _) = alice.send_with(Method::GET, &base, &[], None).await;
        let reloaded = h["etag"].to_str().unwrap().to_string();
        assert_eq!(reloaded, after_bob, "{l}");
        let (s, _, v) = alice.send_with(Method::PUT, &format!("{base}/values"), &[("If-Match", &reloaded)], Some(values(200.0))).await;
        assert_eq!(s, StatusCode::OK, "{l}: {v}");
        let (s, _, _) = bob.send_with(Method::POST, &format!("{base}/actions"), &[("If-Match", &after_bob)], Some(json!({"action": "submit"}))).await;
        assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{l}: Bob submits what he has not seen");
        let current = v["etag"].as_str().unwrap().to_string();
        let (s, h, v) = bob.send_with(Method::POST, &format!("{base}/actions"), &[("If-Match", &current)], Some(json!({"action": "submit"}))).await;
        assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("submitted")), "{l}: {v}");
        assert_ne!(h["etag"].to_str().unwrap(), current, "{l}: a step changes the version");
        // A locked filing answers a save like an action: 409.
        let (s, _, v) = alice.send_with(Method::PUT, &format!("{base}/values"), &[], Some(values(300.0))).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {v}");

        // The audit trail is a chain: each change's old value is the previous new value.
        let (_, audit) = alice.get(&format!("/api/v1/audit?form=JXDE-M&filer=360702&period={period}")).await;
        let eim: Vec<(Option<f64>, f64)> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["indicator_code"] == "EIM_REV_YTD")
            .map(|e| (e["old_value"].as_f64(), e["new_value"].as_f64().unwrap()))
            .collect();
        assert_eq!(eim, vec![(None, 100.0), (Some(100.0), 200.0)], "{l}");
    }
}

#[tokio::test]
async fn two_servers_on_one_postgres_behave_as_one() {
    let proxy = digecon_server::Config { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..Default::default() };
    let a = TestServer::start_with(TestDb::postgres(), proxy.clone()).await;
    let (b_addr, _b) = a.second(proxy).await;

    // A session made by one server is valid on the other.
    let county = a.login("zhanggong").await;
    let county_b = county.at(b_addr);
    let (s, me) = county_b.get("/api/v1/me").await;
    assert_eq!((s, me["username"].as_str()), (StatusCode::OK, Some("zhanggong")));

    // B has the dashboard's read in memory before anything is filed …
    let province_b = a.login("province").await.at(b_addr);
    let period = open_period(&county).await;
    let read = format!("/api/v1/observations?indicator=EIM_REV_YTD&period={period}");
    let (s, v) = province_b.get(&read).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v.as_array().unwrap().iter().all(|o| o["region_code"] != "360702"));
    let (_, v) = province_b.get(&read).await;
    assert!(v.as_array().unwrap().iter().all(|o| o["region_code"] != "360702"), "from memory now");

    // … a value saved through A is read at once through B, and so is its approval.
    let base = format!("/api/v1/filings/JXDE-M/360702/{period}");
    let (s, v) = county.send(Method::PUT, &format!("{base}/values"), Some(values(321.5))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = province_b.get(&read).await;
    let o = v.as_array().unwrap().iter().find(|o| o["region_code"] == "360702").expect("visible through B at once");
    assert_eq!((o["value"].as_f64(), o["status"].as_str()), (Some(321.5), Some("provisional")));
    let (s, _) = county.post(&format!("{base}/actions"), json!({"action": "submit"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = a.login("ganzhou").await.post(&format!("{base}/actions"), json!({"action": "approve"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = a.login("province").await.post(&format!("{base}/actions"), json!({"action": "approve"})).await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = province_b.get(&read).await;
    let o = v.as_array().unwrap().iter().find(|o| o["region_code"] == "360702").unwrap();
    assert_eq!(o["status"], "final", "approved through A, final through B at once");

    // Sign-out through A ends the session on B at once.
    let (s, _) = county.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = county_b.get("/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Sign-in throttling is shared: three failures through A from one address, the next try
    // through B from that address waits; the owner elsewhere signs in through B.
    let try_login = |addr: std::net::SocketAddr, from: &'static str, password: &'static str| {
        let c = reqwest::Client::new();
        async move {
            c.post(format!("http://{addr}/api/v1/auth/login"))
                .header("X-Forwarded-For", from)
                .json(&json!({"username": "viewer", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..3 {
        assert_eq!(try_login(a.addr, "203.0.113.5", "wrong").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(try_login(b_addr, "203.0.113.5", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(try_login(b_addr, "198.51.100.1", PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn a_ledger_report_has_an_etag_and_a_stale_one_is_refused_with_412() {
    for db in TestDb::both() {
        let l = db.label;
        let srv = TestServer::start(db).await;
        let (alice, bob) = (srv.login("province").await, srv.login("province").await);
        let path = "/api/v1/ledger/reports/jx-2022-workplan/task/1/2022-Q3";
        let (s, h, v) = alice.send_with(Method::GET, path, &[], None).await;
        assert_eq!(s, StatusCode::OK, "{l}: {v}");
        assert_eq!((h["etag"].to_str().unwrap(), v["etag"].as_str()), ("\"new\"", Some("\"new\"")), "{l}");
        assert!(v["report"].is_null());
        assert!(v["goals"].as_array().unwrap().iter().any(|g| g["id"] == "G1"), "{l}: {v}");
        let body = json!({"status": "in_progress", "percent": 50.0, "values": {"G1": 12.0}, "narrative": "已遴选 12 个项目"});
        let (s, h, v) = bob.send_with(Method::PUT, path, &[("If-Match", "\"new\"")], Some(body.clone())).await;
        assert_eq!(s, StatusCode::OK, "{l}: {v}");
        let first = h["etag"].to_str().unwrap().to_string();
        assert_eq!(v["report"]["values"]["G1"], 12.0);
        assert_eq!(v["report"]["department_code"], "360000-most", "{l}: the first lead unit by default");
        // Alice files over what she read: refused, naming who filed in between.
        let (s, _, v) = alice.send_with(Method::PUT, path, &[("If-Match", "\"new\"")], Some(body.clone())).await;
        assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{l}: {v}");
        assert_eq!(v["error"]["conflict"]["changed_by"], "province", "{l}: {v}");
        assert_eq!(v["error"]["conflict"]["etag"], first.as_str());
        let (s, h, _) = alice.send_with(Method::PUT, path, &[("If-Match", &first)], Some(json!({"status": "in_progress", "percent": 60.0}))).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert_ne!(h["etag"].to_str().unwrap(), first);
        // The rules of a report are the ledger's, field by field; scope first.
        let (s, _, v) = alice.send_with(Method::PUT, path, &[], Some(json!({"status": "in_progress", "percent": 140.0}))).await;
        assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("percent")), "{l}: {v}");
        let (s, _) = srv.login("zhanggong").await.get(path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}: a county does not see the province's work plan");
    }
}
