//! A real server on a free port over a scratch database (SQLite or PostgreSQL) with one user per
//! role, and a signed-in HTTP client per user.

#![allow(dead_code)]

use std::net::SocketAddr;

use digecon_core::Role;
use digecon_dataset::Dataset;
use digecon_server::{hash_password, AppState, Config};
use digecon_store::testing::TestDb;
use digecon_store::{Store, User};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

pub const PASSWORD: &str = "correct horse battery";

/// (username, role, region, department)
pub const USERS: &[(&str, Role, Option<&str>, Option<&str>)] = &[
    ("admin", Role::Admin, None, None),
    ("province", Role::ProvinceOffice, Some("360000"), Some("360000-de-office")),
    ("miit", Role::Department, None, Some("360000-miit")),
    ("ganzhou", Role::City, Some("360700"), None),
    ("nanchang", Role::City, Some("360100"), None),
    ("zhanggong", Role::County, Some("360702"), None),
    ("nankang", Role::County, Some("360703"), None),
    ("viewer", Role::Viewer, Some("360000"), None),
];

pub struct TestServer {
    pub addr: SocketAddr,
    pub store: Store,
    pub db: TestDb,
    _task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn start(db: TestDb) -> TestServer {
        TestServer::start_with(db, Config::default()).await
    }

    pub async fn start_with(db: TestDb, config: Config) -> TestServer {
        let store = db.open().await;
        store.load_dataset(&Dataset::embedded().unwrap(), false, &mut |_, _, _| {}).await.unwrap();
        let hash = hash_password(PASSWORD).unwrap();
        for (username, role, region, department) in USERS {
            store
                .add_user(&User {
                    username: username.to_string(),
                    display_name: username.to_string(),
                    role: *role,
                    region_code: region.map(str::to_string),
                    department_code: department.map(str::to_string),
                    password_hash: hash.clone(),
                    active: true,
                    created_at: String::new(),
                })
                .await
                .unwrap();
        }
        let state = AppState::new(store.clone(), config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            digecon_server::serve(state, listener).await.unwrap();
        });
        TestServer { addr, store, db, _task: task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Another server on the same database: its own pools, caches and change-feed position, as a
    /// second `digecon serve` process behind the same load balancer would have.
    pub async fn second(&self, config: Config) -> (SocketAddr, tokio::task::JoinHandle<()>) {
        let store = Store::open_url(&self.db.url, false).await.unwrap();
        let state = AppState::new(store, config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            digecon_server::serve(state, listener).await.unwrap();
        });
        (addr, task)
    }

    pub fn anonymous(&self) -> Session {
        Session { client: Client::builder().cookie_store(true).build().unwrap(), base: self.url(""), csrf: None }
    }

    pub async fn login(&self, username: &str) -> Session {
        let mut s = self.anonymous();
        let r = s.client.post(s.url("/api/v1/auth/login")).json(&serde_json::json!({"username": username, "password": PASSWORD})).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        let me: Value = r.json().await.unwrap();
        s.csrf = Some(me["csrf_token"].as_str().unwrap().to_string());
        s
    }
}

pub struct Session {
    pub client: Client,
    pub base: String,
    pub csrf: Option<String>,
}

impl Session {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The same browser (cookies, CSRF token) talking to another server.
    pub fn at(&self, addr: SocketAddr) -> Session {
        Session { client: self.client.clone(), base: format!("http://{addr}"), csrf: self.csrf.clone() }
    }

    /// A request with extra headers; returns status, headers and the JSON body.
    pub async fn send_with(&self, method: Method, path: &str, headers: &[(&str, &str)], body: Option<Value>) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self.client.request(method.clone(), self.url(path));
        if method != Method::GET {
            if let Some(t) = &self.csrf {
                req = req.header("X-CSRF-Token", t);
            }
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let h = r.headers().clone();
        let text = r.text().await.unwrap();
        (status, h, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Sends a request; state-changing ones carry the CSRF token when the session has one.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.client.request(method.clone(), self.url(path));
        if method != Method::GET {
            if let Some(t) = &self.csrf {
                req = req.header("X-CSRF-Token", t);
            }
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body)).await
    }
}
