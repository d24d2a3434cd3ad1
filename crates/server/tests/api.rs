//! The HTTP API against a real server: sign-in, CSRF, throttling, the authorization matrix
//! (roles × endpoints × in/out of scope), downloads, and the OpenAPI document.

mod common;

use common::{TestServer, PASSWORD, USERS};
use digecon_store::testing::TestDb;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Every GET endpoint that needs a session. (Scope is checked separately below.)
const PROTECTED_GETS: &[&str] = &[
    "/api/v1/me",
    "/api/v1/regions",
    "/api/v1/indicators",
    "/api/v1/departments",
    "/api/v1/plans",
    "/api/v1/targets",
    "/api/v1/tasks",
    "/api/v1/projects",
    "/api/v1/observations",
    "/api/v1/progress",
    "/api/v1/evaluation",
    "/api/v1/observations/recent",
    "/api/v1/forms",
    "/api/v1/filings",
    "/api/v1/audit",
    "/api/v1/todo",
    "/api/v1/notices",
    "/api/v1/ledger/tasks",
    "/api/v1/ledger/projects",
    "/api/v1/bulletin",
    "/api/v1/reports/whitepaper",
    "/api/v1/reports/profile",
    "/api/v1/dictionaries",
    "/api/v1/users",
    "/api/v1/logs/logins",
    "/api/v1/logs/operations",
];

#[tokio::test]
async fn sign_in_session_csrf_and_errors() {
    for db in TestDb::both() {
        let srv = TestServer::start(db).await;
        let anon = srv.anonymous();
        let (s, v) = anon.get("/api/v1/health").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["database"], srv.db.label);

        for p in PROTECTED_GETS {
            let (s, v) = anon.get(p).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{p}");
            assert_eq!(v["error"]["code"], "unauthenticated", "{p}");
        }
        // Wrong password: 401 with a JSON error; missing fields: 422 listing both.
        let (s, v) = anon.post("/api/v1/auth/login", json!({"username": "admin", "password": "nope"})).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
        let (s, v) = anon.post("/api/v1/auth/login", json!({"username": "", "password": ""})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, vec!["username", "password"]);
        let (s, _) = anon.post("/api/v1/auth/login", json!({"user": "admin"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "malformed body");

        let admin = srv.login("admin").await;
        let (s, me) = admin.get("/api/v1/me").await;
        assert_eq!((s, me["role"].as_str()), (StatusCode::OK, Some("admin")));

        // State-changing requests need the CSRF token.
        let mut no_csrf = srv.login("admin").await;
        no_csrf.csrf = None;
        let (s, v) = no_csrf.post("/api/v1/users", json!({})).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf")));
        no_csrf.csrf = Some("forged".into());
        let (s, _) = no_csrf.post("/api/v1/auth/logout", json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Sign-out ends the session.
        let (s, _) = admin.post("/api/v1/auth/logout", json!({})).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = admin.get("/api/v1/me").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);

        // The logs saw all of it.
        let province = srv.login("province").await;
        let (_, logins) = province.get("/api/v1/logs/logins").await;
        assert!(logins.as_array().unwrap().iter().any(|r| r["username"] == "admin" && r["success"] == false));
        let (_, ops) = province.get("/api/v1/logs/operations").await;
        assert!(ops.as_array().unwrap().iter().any(|r| r["path"] == "/api/v1/auth/logout" && r["status"] == 204 && r["username"] == "admin"));
        assert!(ops.as_array().unwrap().iter().any(|r| r["path"] == "/api/v1/users" && r["status"] == 403));
    }
}

/// Sign-in from a client address (the test server trusts 127.0.0.1 as its reverse proxy).
async fn login_from(srv: &TestServer, addr: &str, username: &str, password: &str) -> reqwest::Response {
    srv.anonymous()
        .client
        .post(srv.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", addr)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn failed_sign_ins_slow_the_guesser_but_never_lock_out_the_owner() {
    for db in TestDb::both() {
        let config = digecon_server::Config { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..Default::default() };
        let srv = TestServer::start_with(db, config).await;
        // Five wrong passwords from one address: the first three are checked, then that
        // address waits (429 with Retry-After) before it may guess again.
        let mut statuses = Vec::new();
        for _ in 0..5 {
            statuses.push(login_from(&srv, "203.0.113.7", "viewer", "wrong-password").await.status());
        }
        assert_eq!(&statuses[..3], &[StatusCode::UNAUTHORIZED; 3]);
        assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
        let r = login_from(&srv, "203.0.113.7", "viewer", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits at the guesser's address");
        assert!(r.headers().get("retry-after").is_some());
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "throttled");
        // The owner, elsewhere, is not affected.
        let r = login_from(&srv, "198.51.100.20", "viewer", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", srv.db.label);
        // Throttled attempts wrote nothing: three checked failures plus the owner's success.
        let logs = srv.store.login_log(100).await.unwrap();
        assert_eq!(logs.iter().filter(|l| !l.success).count(), 3, "{}", srv.db.label);
        assert!(logs.iter().all(|l| l.message != "throttled"));
    }
}

fn regions_of(v: &Value) -> Vec<String> {
    let mut r: Vec<String> = v.as_array().unwrap().iter().map(|o| o["region_code"].as_str().unwrap().to_string()).collect();
    r.sort();
    r.dedup();
    r
}

/// Roles × endpoints × in-scope / out-of-scope. Expected status per user for each request.
#[tokio::test]
async fn authorization_matrix() {
    for db in TestDb::both() {
        let srv = TestServer::start(db).await;
        // Give Zhanggong (360702), Nankang (360703) and Donghu (360102) a value each, so county scope can be seen.
        for (region, v) in [("360702", 1.0), ("360703", 2.0), ("360102", 3.0)] {
            let o = digecon_core::Observation {
                region_code: region.into(),
                indicator_code: "DE_VA".into(),
                period: "2022".parse().unwrap(),
                value: v,
                status: digecon_core::ObservationStatus::Provisional,
                source: digecon_core::Source { doc: "test".into(), quote: String::new() },
                synthetic: true,
            };
            srv.store.upsert_observations(&[o], "test", "matrix", false).await.unwrap();
        }

        use StatusCode as S;
        let ok = S::OK;
        let no = S::FORBIDDEN;
        // path → expected status for: admin, province, miit, ganzhou, nanchang, zhanggong, nankang, viewer
        let matrix: &[(&str, [S; 8])] = &[
            ("/api/v1/me", [ok; 8]),
            ("/api/v1/regions", [ok; 8]),
            ("/api/v1/indicators", [ok; 8]),
            ("/api/v1/departments", [ok; 8]),
            ("/api/v1/plans", [ok; 8]),
            ("/api/v1/targets", [ok; 8]),
            ("/api/v1/tasks", [ok; 8]),
            ("/api/v1/projects", [ok; 8]),
            ("/api/v1/observations", [ok; 8]),
            ("/api/v1/observations?region=360000", [ok, ok, no, no, no, no, no, ok]),
            ("/api/v1/observations?region=360700", [ok, ok, no, ok, no, no, no, ok]),
            ("/api/v1/observations?region=360702", [ok, ok, no, ok, no, ok, no, ok]),
            ("/api/v1/observations?region=360703", [ok, ok, no, ok, no, no, ok, ok]),
            ("/api/v1/observations?region=360100", [ok, ok, no, no, ok, no, no, ok]),
            ("/api/v1/observations?region=360702&format=csv", [ok, ok, no, ok, no, ok, no, ok]),
            ("/api/v1/progress?as_of=2022", [ok; 8]),
            ("/api/v1/observations/recent", [ok; 8]),
            ("/api/v1/forms", [ok; 8]),
            ("/api/v1/filings", [ok; 8]),
            ("/api/v1/audit", [ok; 8]),
            ("/api/v1/filings/JXDE-M/360702/2023-03", [ok, ok, no, ok, no, ok, no, ok]),
            ("/api/v1/filings/JXDE-M/360703/2023-03", [ok, ok, no, ok, no, no, ok, ok]),
            ("/api/v1/filings/JXDE-A-CITY/360700/2022", [ok, ok, no, ok, no, no, no, ok]),
            ("/api/v1/filings/GZ2023-MIIT/360700-miit/2023", [ok, ok, no, ok, no, no, no, ok]),
            ("/api/v1/forms/JXDE-M/template?period=2023-03&filers=360702", [ok, ok, no, ok, no, ok, no, ok]),
            ("/api/v1/forms/JXDE-M/rates?period=2023-03", [ok, ok, no, ok, ok, no, no, ok]),
            ("/api/v1/ledger/tasks?period=2022-Q3", [ok; 8]),
            ("/api/v1/ledger/projects?month=2022-09", [ok; 8]),
            ("/api/v1/bulletin?quarter=2022-Q3", [ok, ok, no, no, no, no, no, ok]),
            ("/api/v1/reports/whitepaper?year=2022&format=xlsx", [ok, ok, no, no, no, no, no, ok]),
            ("/api/v1/reports/profile?region=360700&year=2022&format=xlsx", [ok, ok, no, ok, no, no, no, ok]),
            ("/api/v1/reports/profile?region=360702&year=2022&format=xlsx", [ok, ok, no, ok, no, ok, no, ok]),
            ("/api/v1/dictionaries", [ok; 8]),
            ("/api/v1/users", [ok, no, no, no, no, no, no, no]),
            ("/api/v1/logs/logins", [ok, ok, no, no, no, no, no, no]),
            ("/api/v1/logs/operations", [ok, ok, no, no, no, no, no, no]),
            ("/api/v1/todo", [ok; 8]),
            ("/api/v1/notices", [ok; 8]),
        ];
        let mut sessions = Vec::new();
        for (u, ..) in USERS {
            sessions.push((u, srv.login(u).await));
        }
        for (path, expected) in matrix {
            for ((user, s), want) in sessions.iter().zip(expected) {
                let (got, body) = s.get(path).await;
                assert_eq!(got, *want, "{} GET {path} as {user}: {body}", srv.db.label);
                if got == S::FORBIDDEN {
                    assert_eq!(body["error"]["code"], "forbidden");
                }
            }
        }

        // Unfiltered lists contain only what is in scope.
        let scope_of = |user: &str| -> Option<&str> { USERS.iter().find(|u| u.0 == user).unwrap().2 };
        let tree = digecon_core::RegionTree::new(&srv.store.regions().await.unwrap());
        for (user, s) in &sessions {
            let (_, obs) = s.get("/api/v1/observations?indicator=DE_VA").await;
            let seen = regions_of(&obs);
            match (**user, scope_of(user)) {
                ("admin", _) | ("province", _) | ("viewer", _) => assert!(seen.contains(&"360000".to_string()) && seen.contains(&"360702".to_string())),
                ("miit", _) => assert!(seen.is_empty(), "a department without a region sees no regional data"),
                (_, Some(root)) => {
                    assert!(!seen.is_empty(), "{user} sees its own data");
                    assert!(seen.iter().all(|r| tree.is_within(r, root)), "{user} saw {seen:?}");
                }
                _ => unreachable!(),
            }
            let (_, targets) = s.get("/api/v1/targets").await;
            for t in targets.as_array().unwrap() {
                let r = t["region_code"].as_str().unwrap();
                let led = t["lead_units"].as_array().unwrap().iter().any(|d| Some(d.as_str().unwrap()) == USERS.iter().find(|u| u.0 == **user).unwrap().3);
                assert!(
                    matches!(**user, "admin" | "province") || led || scope_of(user).is_some_and(|root| tree.is_within(r, root)),
                    "{user} saw target of {r}"
                );
            }
        }
        // Tasks: Ganzhou sees its own plans' tasks only; the provincial MIIT sees the tasks it leads or co-operates on.
        let (_, t) = sessions[3].1.get("/api/v1/tasks").await;
        let plans: std::collections::BTreeSet<&str> = t.as_array().unwrap().iter().map(|x| x["plan_id"].as_str().unwrap()).collect();
        assert_eq!(plans.into_iter().collect::<Vec<_>>(), vec!["gz-2023-keypoints"]);
        let (_, t) = sessions[2].1.get("/api/v1/tasks?plan=jx-2022-workplan").await;
        let t = t.as_array().unwrap();
        assert!(!t.is_empty() && t.len() < 97);
        assert!(t.iter().all(|x| x["lead_units"].as_array().unwrap().iter().chain(x["coop_units"].as_array().unwrap()).any(|d| d == "360000-miit")));

        // Writes: only the admin creates users, every field is checked at once.
        let (s, v) = sessions[1].1.post("/api/v1/users", json!({"username": "x", "role": "viewer", "password": "0123456789", "region_code": "360000"})).await;
        assert_eq!((s, v["error"]["code"].as_str()), (S::FORBIDDEN, Some("forbidden")));
        let admin = &sessions[0].1;
        let (s, v) = admin.post("/api/v1/users", json!({"username": "bad name", "role": "mayor", "password": "short", "region_code": "999999"})).await;
        assert_eq!(s, S::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, vec!["username", "role", "password", "region_code"]);
        let (s, v) = admin.post("/api/v1/users", json!({"username": "ruijin", "role": "county", "password": "0123456789ab", "region_code": "360781"})).await;
        assert_eq!((s, v["role"].as_str()), (S::CREATED, Some("county")), "{v}");
        let (s, _) = admin.post("/api/v1/users", json!({"username": "ruijin", "role": "county", "password": "0123456789ab", "region_code": "360781"})).await;
        assert_eq!(s, S::CONFLICT);
        let (s, v) = admin.post("/api/v1/users", json!({"username": "c2", "role": "county", "password": "0123456789ab", "region_code": "360700"})).await;
        assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (S::UNPROCESSABLE_ENTITY, Some("region_code")), "a county user needs a county");

        // Unknown API paths are JSON 404s, not the web page.
        let (s, v) = admin.get("/api/v1/nope").await;
        assert_eq!((s, v["error"]["code"].as_str()), (S::NOT_FOUND, Some("not_found")));
        let (s, v) = admin.send(Method::GET, "/api/v1/observations?period=2022-13", None).await;
        assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (S::UNPROCESSABLE_ENTITY, Some("period")));
    }
}

#[tokio::test]
async fn downloads_carry_the_documented_values() {
    let srv = TestServer::start(TestDb::sqlite()).await;
    let s = srv.login("viewer").await;
    let (code, v) = s.get("/api/v1/observations?indicator=DE_VA&region=360000&period=2022").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(v[0]["value"], 11874.0);
    assert_eq!(v[0]["source_doc"], "000_060bb66a7157f110.txt");

    let r = s.client.get(s.url("/api/v1/observations?indicator=CORE_VA&region=360700&period=2022&format=csv")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let text = r.text().await.unwrap();
    assert!(text.starts_with("region_code,region_name,indicator_code"));
    assert!(text.contains("360700,赣州市,CORE_VA,数字经济核心产业增加值,亿元,2022,365.02,final,"), "{text}");

    let r = s.client.get(s.url("/api/v1/observations?indicator=CORE_VA&region=360700&format=sdmx")).send().await.unwrap();
    let text = r.text().await.unwrap();
    assert!(text.contains("dataflow,DIGECON:DF_DIGITAL_ECONOMY(1.0),I,360700,CORE_VA,2022,365.02,亿元,A,false,"), "{text}");

    let r = s.client.get(s.url("/api/v1/observations?indicator=CORE_VA&format=xlsx")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");
}

/// Write endpoints × roles: a request that passes authorization is then refused by validation
/// (422); one that does not is 403. Nothing is written.
#[tokio::test]
async fn authorization_matrix_for_writes() {
    for db in TestDb::both() {
        let srv = TestServer::start(db).await;
        use StatusCode as S;
        let (no, bad) = (S::FORBIDDEN, S::UNPROCESSABLE_ENTITY);
        let csv = "form_code,period,filer_code,indicator_code,value\nJXDE-M,2023-03,360702,EIM_REV_YTD,1\n";
        // (method, path, body, expected for admin, province, miit, ganzhou, nanchang, zhanggong, nankang, viewer)
        let rows: Vec<(Method, &str, Option<Value>, [S; 8])> = vec![
            (Method::PUT, "/api/v1/filings/JXDE-M/360702/2023-03/values", Some(json!({"values": {"NOPE": 1.0}})), [bad, bad, no, no, no, bad, no, no]),
            (Method::POST, "/api/v1/filings/JXDE-M/360702/2023-03/actions", Some(json!({"action": "bogus"})), [bad, bad, no, bad, no, bad, no, bad]),
            (Method::POST, "/api/v1/filings/GZ2023-MIIT/360700-miit/2023/actions", Some(json!({"action": "bogus"})), [bad, bad, no, bad, no, no, no, bad]),
            (Method::POST, "/api/v1/users", Some(json!({})), [bad, no, no, no, no, no, no, no]),
            // Everyone may change their own password; a wrong current password is a 422 too.
            (Method::POST, "/api/v1/me/password", Some(json!({})), [bad; 8]),
            (Method::POST, "/api/v1/me/password", Some(json!({"old_password": "wrong", "new_password": "0123456789ab", "confirm_password": "0123456789ab"})), [bad; 8]),
            // 待办 and review: the dry run is the filer's (as a save); 催报 and bulk review are the
            // reviewers' within scope (a month's form given a year: refused once authorized).
            (Method::POST, "/api/v1/filings/JXDE-M/360702/2023-03/check", Some(json!({"values": {"NOPE": 1.0}})), [bad, bad, no, no, no, bad, no, no]),
            (Method::POST, "/api/v1/filings/JXDE-M/360702/2023/remind", Some(json!({})), [bad, bad, no, bad, no, no, no, no]),
            (Method::POST, "/api/v1/filings/actions", Some(json!({"action": "bogus", "filings": []})), [bad, bad, no, bad, bad, no, no, no]),
            (Method::POST, "/api/v1/notices/999999/read", None, [S::NOT_FOUND; 8]),
        ];
        let mut sessions = Vec::new();
        for (u, ..) in USERS {
            sessions.push((u, srv.login(u).await));
        }
        let before = srv.store.counts().await.unwrap();
        for (method, path, body, expected) in &rows {
            for ((user, s), want) in sessions.iter().zip(expected) {
                let (got, v) = s.send(method.clone(), path, body.clone()).await;
                assert_eq!(got, *want, "{} {method} {path} as {user}: {v}", srv.db.label);
            }
        }
        // An upload for Zhanggong: only its own staff (and the provincial office, filing on its
        // behalf) get past scope; the window of 2023-03 is long closed, so even they are refused,
        // at the cell that would have changed.
        let expected = [bad, bad, no, no, no, bad, no, no];
        for ((user, s), want) in sessions.iter().zip(expected) {
            let r = s
                .client
                .post(s.url("/api/v1/forms/import?filename=m.csv&dry_run=true"))
                .header("X-CSRF-Token", s.csrf.clone().unwrap())
                .body(csv)
                .send()
                .await
                .unwrap();
            let got = r.status();
            assert_eq!(got, want, "{} upload as {user}: {}", srv.db.label, r.text().await.unwrap());
        }
        assert_eq!(srv.store.counts().await.unwrap(), before, "nothing was written");
    }
}

/// A county's month through the API: rule error with both sides, correction, submit, a sibling
/// county refused, city and province approve, the value is final and among the latest at once.
#[tokio::test]
async fn a_filing_through_the_api() {
    for db in TestDb::both() {
        let l = db.label;
        let srv = TestServer::start(db).await;
        let county = srv.login("zhanggong").await;
        let (_, forms) = county.get("/api/v1/forms").await;
        let m = forms.as_array().unwrap().iter().find(|f| f["code"] == "JXDE-M").expect("the monthly form");
        assert_eq!(m["my_filers"][0]["code"], "360702", "{l}");
        let period = m["current_period"].as_str().unwrap().to_string();
        let base = format!("/api/v1/filings/JXDE-M/360702/{period}");

        let (s, v) = county.send(Method::PUT, &format!("{base}/values"), Some(json!({"values": {"EIM_REV_YTD": -5.0}}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {v}");
        let f = &v["error"]["fields"][0];
        assert!(f["field"].as_str().unwrap().contains("360702"), "{l}: {v}");
        assert!(f["message"].as_str().unwrap().contains("M-EIM-NONNEG"), "{l}: {v}");
        assert!(f["message"].as_str().unwrap().contains("-5"), "{l}: both sides' values: {v}");

        let values = json!({"values": {"EIM_REV_YTD": 123.45, "SW_REV_YTD": 6.5, "BS_5G_OPEN_M": 800.0, "DE_KEY_PROJECTS_INV_YTD": 12.0}});
        let (s, v) = county.send(Method::PUT, &format!("{base}/values"), Some(values)).await;
        assert_eq!((s, v["created"].as_u64()), (StatusCode::OK, Some(4)), "{l}: {v}");

        // A sibling county cannot touch it; the city cannot file it for them.
        let (s, _) = srv.login("nankang").await.send(Method::PUT, &format!("{base}/values"), Some(json!({"values": {"EIM_REV_YTD": 1.0}}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}");
        let city = srv.login("ganzhou").await;
        let (s, _) = city.send(Method::PUT, &format!("{base}/values"), Some(json!({"values": {"EIM_REV_YTD": 1.0}}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}");

        let (s, v) = county.post(&format!("{base}/actions"), json!({"action": "submit"})).await;
        assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("submitted")), "{l}: {v}");
        let (s, _) = county.post(&format!("{base}/actions"), json!({"action": "approve"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}: a filer does not approve its own filing");
        let (s, v) = city.post(&format!("{base}/actions"), json!({"action": "return"})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: returning needs a comment: {v}");
        let (s, v) = city.post(&format!("{base}/actions"), json!({"action": "approve"})).await;
        assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("city_approved")), "{l}: {v}");
        let province = srv.login("province").await;
        let (s, v) = province.post(&format!("{base}/actions"), json!({"action": "approve"})).await;
        assert_eq!((s, v["state"].as_str(), v["can_reopen"].as_bool()), (StatusCode::OK, Some("approved"), Some(true)), "{l}: {v}");

        let (_, recent) = province.get("/api/v1/observations/recent?limit=5").await;
        let o = recent.as_array().unwrap().iter().find(|o| o["indicator_code"] == "EIM_REV_YTD").expect("the approved value is among the latest");
        assert_eq!((o["region_code"].as_str(), o["value"].as_f64(), o["status"].as_str()), (Some("360702"), Some(123.45), Some("final")), "{l}");
        let (_, audit) = county.get(&format!("/api/v1/audit?form=JXDE-M&filer=360702&period={period}")).await;
        let actions: Vec<&str> = audit.as_array().unwrap().iter().filter(|e| e["indicator_code"].is_null()).map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, vec!["save", "submit", "approve", "approve"], "{l}");

        // The template of the approved filing, uploaded unchanged, is refused: approved filings are locked.
        let r = county.client.get(county.url(&format!("/api/v1/forms/JXDE-M/template?period={period}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        let r = county
            .client
            .post(county.url("/api/v1/forms/import?filename=JXDE-M.xlsx"))
            .header("X-CSRF-Token", county.csrf.clone().unwrap())
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert!(status == StatusCode::OK && v["unchanged"] == 4 && v["updated"] == 0, "{l}: unchanged template of a locked filing changes nothing: {status} {v}");

        // A CSV with a bad cell names file, row and column, and writes nothing.
        let csv = format!("form_code,period,filer_code,filer_name,indicator_code,indicator_name,unit,previous,value\nJXDE-M,{period},360703,,EIM_REV_YTD,,,,abc\n");
        let r = county
            .client
            .post(county.url("/api/v1/forms/import?filename=bad.csv"))
            .header("X-CSRF-Token", county.csrf.clone().unwrap())
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let v: Value = r.json().await.unwrap();
        assert!(v["error"]["fields"].as_array().unwrap().iter().any(|f| f["field"].as_str().unwrap().starts_with("bad.csv:2")), "{l}: {v}");
    }
}

/// The ledger on the synthetic demo data (seed 2022): colours in scope, projects, the bulletin.
#[tokio::test]
async fn ledger_and_bulletin() {
    let srv = TestServer::start(TestDb::sqlite()).await;
    srv.store.load_ledger_demo(2022, false).await.unwrap();
    let province = srv.login("province").await;
    let (s, v) = province.get("/api/v1/ledger/tasks?period=2022-Q3&plan=jx-2022-workplan").await;
    assert_eq!(s, StatusCode::OK);
    let tasks = v.as_array().unwrap();
    assert_eq!(tasks.len(), 97);
    let count = |c: &str| tasks.iter().filter(|t| t["colour"] == c).count();
    // The same counts the bulletin states for 2022-Q3 (crates/ledger tests recompute them).
    assert_eq!((count("green"), count("yellow"), count("red"), count("grey")), (80, 5, 11, 1));
    // The provincial MIIT sees only the tasks it leads or co-operates on.
    let (_, v) = srv.login("miit").await.get("/api/v1/ledger/tasks?period=2022-Q3").await;
    assert!(v.as_array().unwrap().iter().all(|t| t["plan_id"] == "jx-2022-workplan") && v.as_array().unwrap().len() < 97);

    let (_, v) = province.get("/api/v1/ledger/projects?month=2022-09").await;
    let planned: f64 = v.as_array().unwrap().iter().map(|p| p["planned"].as_f64().unwrap()).sum();
    assert!((planned - 6_500_000.0).abs() < 1e-6, "100 projects planning 650 亿 = 6,500,000 万元, got {planned}");
    let (_, v) = srv.login("ganzhou").await.get("/api/v1/ledger/projects?month=2022-09").await;
    assert!(v.as_array().unwrap().iter().all(|p| p["city_code"] == "360700"), "a city sees its own projects");

    let r = province.client.get(province.url("/api/v1/bulletin?quarter=2022-Q3")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    let html = r.text().await.unwrap();
    assert!(html.contains("650.00") && html.contains("496.04") && html.contains("76.3"), "the bulletin's headline figures");
    let (s, v) = province.get("/api/v1/bulletin?quarter=2022-09").await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("quarter")));
}

#[tokio::test]
async fn target_progress_as_of_2022() {
    let srv = TestServer::start(TestDb::sqlite()).await;
    let (s, v) = srv.login("province").await.get("/api/v1/progress?as_of=2022&plan=jx-14fyp").await;
    assert_eq!(s, StatusCode::OK);
    let de = v.as_array().unwrap().iter().find(|p| p["indicator_code"] == "DE_VA" && p["target_year"] == 2025).unwrap();
    // 8354 × 1.14² = 10856.8584 expected for 2022; 11874 observed.
    assert_eq!(de["status"], "on_track");
    assert!((de["expected_value"].as_f64().unwrap() - 8354.0 * 1.14 * 1.14).abs() < 1e-9);
    assert_eq!(de["latest_value"], 11874.0);
    let eim = v.as_array().unwrap().iter().find(|p| p["indicator_code"] == "EIM_REV").unwrap();
    assert_eq!(eim["status"], "achieved");
    // A county sees no provincial targets; a bad date is a 422 naming the field.
    let (_, v) = srv.login("zhanggong").await.get("/api/v1/progress?as_of=2022").await;
    assert!(v.as_array().unwrap().is_empty());
    let (s, v) = srv.login("province").await.get("/api/v1/progress?as_of=22").await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("as_of")));
}

/// The OpenAPI document lists every route and every `$ref` resolves.
#[tokio::test]
async fn openapi_document_covers_every_endpoint() {
    let srv = TestServer::start(TestDb::sqlite()).await;
    let (s, doc) = srv.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut listed: Vec<String> = Vec::new();
    for (p, item) in paths {
        for m in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = item.get(m) {
                let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{m} {p} has no responses"));
                assert!(!responses.is_empty(), "{m} {p} has responses");
                // OpenAPI 3.1 requires a description on every response object.
                for (status, r) in responses {
                    assert!(r["description"].as_str().is_some_and(|d| !d.is_empty()), "{m} {p} {status} lacks a description");
                }
                listed.push(format!("{} {p}", m.to_uppercase()));
            }
        }
    }
    for want in PROTECTED_GETS.iter().map(|p| format!("GET {p}")).chain(
        ["POST /api/v1/auth/login", "POST /api/v1/auth/logout", "POST /api/v1/users", "GET /api/v1/health", "GET /api/v1/openapi.json"]
            .iter()
            .map(|s| s.to_string()),
    ) {
        assert!(listed.contains(&want), "{want} missing from the OpenAPI document");
    }
    // Every operation listed is really routed (not 404/405 at the router).
    let admin = srv.login("admin").await;
    for op in &listed {
        let (m, p) = op.split_once(' ').unwrap();
        let (s, _) = admin.send(m.parse().unwrap(), p, Some(json!({}))).await;
        assert!(s != StatusCode::NOT_FOUND && s != StatusCode::METHOD_NOT_ALLOWED, "{op} → {s}");
    }
    // All references resolve.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }
    // Domain types are returned as they are, vocabularies as their stored text (`ytd`, not the
    // variant name), and the document says so: the web client is typed by it.
    let (_, inds) = srv.login("province").await.get("/api/v1/indicators").await; // the admin above signed out
    let inds = inds.as_array().unwrap();
    let allowed = schemas["Accumulation"]["enum"].as_array().unwrap();
    assert!(inds.iter().any(|i| i["accumulation"] == "ytd"));
    assert!(inds.iter().all(|i| allowed.contains(&i["accumulation"])), "{allowed:?}");
    assert!(inds.iter().all(|i| i["code"].is_string() && i["name_zh"].is_string() && i["unit"].is_string()));
    // The names and unit spellings the documents print, joined in (IndicatorDto).
    let ind = |code: &str| inds.iter().find(|i| i["code"] == code).unwrap().clone();
    assert_eq!(ind("ONLINE_RETAIL")["aliases"], serde_json::json!(["网上零售额"]));
    assert_eq!(ind("INTERPROV_BW")["unit_aliases"], serde_json::json!(["Gpbs", "GB"]));
    assert_eq!(ind("DE_VA_GROWTH")["aliases"], serde_json::json!([]));
}

/// The evaluation on the documented values alone (no synthetic data loaded): the white paper's
/// tier rule places the three cities whose core-industry value added is documented, lists the
/// eight without a value as untiered, and names every indicator it had to leave out. Scores and
/// ranks are published to everyone; raw values stay within the caller's scope.
#[tokio::test]
async fn evaluation_on_documented_values() {
    let srv = TestServer::start(TestDb::sqlite()).await;
    let gz = srv.login("ganzhou").await;
    let (s, e) = gz.get("/api/v1/evaluation?scope=city&year=2022").await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["units"].as_array().unwrap().len(), 11);
    let core = e["tiers"].as_array().unwrap().iter().find(|t| t["subject"] == "CORE_VA").unwrap();
    assert_eq!(core["method"], "above");
    assert_eq!(core["parameters"], json!([400.0, 200.0]));
    assert_eq!(core["groups"][0]["units"], json!(["360100", "360800"]));
    assert_eq!(core["groups"][0]["max"], json!(615.09));
    assert_eq!(core["groups"][1]["units"], json!(["360700"]));
    assert_eq!(core["untiered"].as_array().unwrap().len(), 8);
    // Indicators documented for 赣州 only cannot separate cities: excluded, with the reason.
    let excluded = e["excluded"].as_array().unwrap();
    let reason = |code: &str| excluded.iter().find(|x| x["code"] == code).map(|x| x["reason"].as_str().unwrap().to_string()).unwrap_or_default();
    assert!(reason("DE_VA").contains("same value (1785.6), so it cannot tell them apart"), "{excluded:?}");
    assert!(reason("DC_PUE").contains("no region has a value this year"), "{excluded:?}");
    assert!(reason("GOV").contains("every indicator below it is excluded"), "{excluded:?}");
    let unit = |code: &str| e["units"].as_array().unwrap().iter().find(|u| u["code"] == code).unwrap().clone();
    let value = |u: &serde_json::Value, ind: &str| u["indicators"].as_array().unwrap().iter().find(|i| i["code"] == ind).unwrap()["value"].clone();
    // 赣州 sees its own 365.02 but not 南昌's 615.09 (outside its scope), though 南昌's score is there.
    assert_eq!(value(&unit("360700"), "CORE_VA"), json!(365.02));
    assert_eq!(value(&unit("360100"), "CORE_VA"), serde_json::Value::Null);
    assert!(unit("360100")["score"].is_number());
    let (_, e) = srv.login("province").await.get("/api/v1/evaluation?scope=city&year=2022").await;
    let nc = e["units"].as_array().unwrap().iter().find(|u| u["code"] == "360100").unwrap().clone();
    assert_eq!(nc["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "CORE_VA").unwrap()["value"], json!(615.09));
    // Bad parameters are named; a year without values is a 404.
    let (s, v) = gz.get("/api/v1/evaluation?scope=town").await;
    assert_eq!((s, v["error"]["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("scope")));
    let (s, _) = gz.get("/api/v1/evaluation?scope=city&year=2001").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// 修改密码: the current password is required and the new one typed twice alike; the new one
/// signs in at once and the old one no longer does.
#[tokio::test]
async fn a_user_changes_their_own_password() {
    for db in TestDb::both() {
        let srv = TestServer::start(db).await;
        let user = USERS.last().unwrap().0;
        let s = srv.login(user).await;
        let new = "a new password 42";
        let (st, v) = s.post("/api/v1/me/password", json!({"old_password": PASSWORD, "new_password": new, "confirm_password": "something else"})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"][0]["field"], "confirm_password", "{v}");
        let (st, v) = s.post("/api/v1/me/password", json!({"old_password": "not it at all", "new_password": new, "confirm_password": new})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"][0]["field"], "old_password", "{v}");
        let (st, v) = s.post("/api/v1/me/password", json!({"old_password": PASSWORD, "new_password": new, "confirm_password": new})).await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
        let anon = srv.anonymous();
        let (st, _) = anon.post("/api/v1/auth/login", json!({"username": user, "password": PASSWORD})).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "the old password no longer signs in");
        let (st, _) = anon.post("/api/v1/auth/login", json!({"username": user, "password": new})).await;
        assert_eq!(st, StatusCode::OK, "the new one does");
    }
}
