//! `digecon bench serve`: deadline day on loopback (issue 11).
//!
//! A scratch database (SQLite file or PostgreSQL database) with the built-in dataset, the demo's
//! synthetic regional values, two county accounts per county and one reviewer per city; one or
//! two `digecon serve` processes of this binary; then, each for a fixed time:
//!
//! 1. `GET /api/v1/health` alone — the yardstick;
//! 2. the dashboard's read (`observations?indicator=CORE_VA&period=2022`) alone, and the
//!    dashboard's four reads in turn (observations, progress, recent, evaluation);
//! 3. the filers alone: every county account saves its county's `JXDE-M` filing of the open month
//!    (two accounts per county: shared filings, first saves), reading it first and sending its
//!    ETag in `If-Match`; now and then it submits; each city's reviewer returns what was submitted;
//! 4. the filers and `/health`, the filers and the dashboard's read, the filers and the
//!    dashboard's four reads, each pair together.
//!
//! Reads are driven by `wrk` when it is installed (it is lighter than any client written here),
//! otherwise by built-in readers. Afterwards the database is checked: no 5xx, every acknowledged
//! save is in the audit trail, every audit row's old value is the previous row's new value, and
//! the stored values are the last ones in the trail. `--quick` runs a few seconds of phase 3 and
//! the checks only (the test suite does this on both backends). Loopback only; it stops by itself.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use clap::Args;
use digecon_core::{Period, RegionLevel, Role};
use digecon_dataset::Dataset;
use digecon_store::collect::AuditFilter;
use digecon_store::{Store, User};
use serde_json::{json, Value};
use tokio::io::AsyncBufReadExt;

const PASSWORD: &str = "bench password, not for production";
const FORM: &str = "JXDE-M";
const READ_PATH: &str = "/api/v1/observations?indicator=CORE_VA&period=2022";

#[derive(Args)]
pub struct ServeBenchArgs {
    /// 数据库 / sqlite | postgres | both
    #[arg(long, default_value = "both")]
    backend: String,
    /// PostgreSQL 服务器（基准会新建并删除一个临时库）/ PostgreSQL server (a scratch database is created and dropped)
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
    /// 并发填报用户数 / concurrent filers (two county accounts per county, then one reviewer per city)
    #[arg(long, default_value_t = 200)]
    filers: usize,
    /// 并发读取连接数 / concurrent reader connections
    #[arg(long, default_value_t = 32)]
    readers: usize,
    /// 每阶段秒数 / seconds per phase
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// 服务进程数（PostgreSQL 可用 2）/ server processes (2 on PostgreSQL: clients alternate between them)
    #[arg(long, default_value_t = 1)]
    servers: usize,
    /// 只跑填报阶段并检查 / only the filing phase and the checks (what the test suite runs)
    #[arg(long)]
    quick: bool,
    /// 不用 wrk，用内置读取器 / use the built-in readers even if wrk is installed
    #[arg(long)]
    builtin_readers: bool,
    /// 结果另存为 JSON / also write the results as JSON
    #[arg(long)]
    json: Option<PathBuf>,
}

/// One phase's numbers.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct PhaseResult {
    pub name: String,
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub non_2xx: u64,
    pub server_errors: u64,
}

#[derive(Debug, Default, serde::Serialize)]
struct FilerTotals {
    saves: u64,
    saves_per_second: f64,
    save_p50_ms: f64,
    save_p99_ms: f64,
    stale_412: u64,
    conflicts_409: u64,
    submits: u64,
    returns: u64,
    server_errors: u64,
    other_errors: u64,
    first_saves: u64,
}

#[derive(Debug, Default, serde::Serialize)]
struct Report {
    backend: String,
    servers: usize,
    filers: usize,
    readers: usize,
    seconds: u64,
    reader_tool: String,
    phases: Vec<PhaseResult>,
    filers_alone: Option<FilerTotals>,
    filers_with_readers: Option<FilerTotals>,
    checks: Vec<String>,
}

pub fn run(a: ServeBenchArgs) -> anyhow::Result<()> {
    let backends: Vec<&str> = match a.backend.as_str() {
        "both" => vec!["sqlite", "postgres"],
        "sqlite" => vec!["sqlite"],
        "postgres" => vec!["postgres"],
        other => bail!("--backend: 应为 sqlite、postgres 或 both / expected sqlite, postgres or both, not `{other}`"),
    };
    if a.servers == 0 || (a.servers > 1 && backends.contains(&"sqlite")) {
        bail!("--servers: 多个服务进程只用于 PostgreSQL / several server processes need --backend postgres");
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let mut reports = Vec::new();
    let mut failed = false;
    for b in backends {
        let r = rt.block_on(bench_backend(&a, b))?;
        print_report(&r);
        failed |= r.checks.iter().any(|c| c.starts_with("FAIL"));
        reports.push(r);
    }
    if let Some(path) = &a.json {
        std::fs::write(path, serde_json::to_vec_pretty(&reports)?).with_context(|| format!("写入 / writing {}", path.display()))?;
    }
    if failed {
        bail!("检查未通过 / a check failed (see FAIL above)");
    }
    Ok(())
}

/// A scratch database, dropped at the end.
enum Scratch {
    Sqlite(tempfile::TempDir),
    Postgres { server: String, name: String },
}

impl Scratch {
    fn url(&self) -> String {
        match self {
            Scratch::Sqlite(d) => format!("sqlite:{}", d.path().join("bench.db").display()),
            Scratch::Postgres { server, name } => format!("{server}/{name}"),
        }
    }

    async fn drop_db(&self) {
        if let Scratch::Postgres { server, name } = self {
            if let Err(e) = digecon_store::drop_postgres_database(server, name).await {
                eprintln!("临时库未删除 / scratch database {name} not dropped: {e}");
            }
        }
    }
}

/// A running `digecon serve`, killed when dropped.
struct Server {
    child: tokio::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

async fn start_server(url: &str) -> anyhow::Result<Server> {
    let exe = std::env::current_exe()?;
    let mut child = tokio::process::Command::new(exe)
        .args(["serve", "--database-url", url, "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("digecon serve")?;
    let stdout = child.stdout.take().expect("piped");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = tokio::time::timeout_at(deadline.into(), lines.next_line()).await.context("服务未启动 / the server did not start")??;
        let Some(line) = line else { bail!("服务退出 / the server exited before it served") };
        if let Some(i) = line.find("http://") {
            let base = line[i..].split_whitespace().next().unwrap_or("").trim_end_matches('/').to_string();
            // Keep draining its output so it never blocks on a full pipe.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return Ok(Server { child, base });
        }
    }
}

/// Accounts: (username, role, region) — county filers (two per county: the second shares the
/// first one's filing), then one reviewer per city whose counties file here.
fn accounts(regions: &[digecon_core::Region], filers: usize) -> Vec<(String, Role, String)> {
    let cities: Vec<&digecon_core::Region> = regions.iter().filter(|r| r.level == RegionLevel::City).collect();
    let reviewers = (filers / 10).clamp(1, cities.len());
    let chosen: Vec<&str> = cities.iter().take(reviewers).map(|c| c.code.as_str()).collect();
    // Counties of the reviewed cities, so every submitted filing is returned and filed again.
    let counties: Vec<&digecon_core::Region> = regions
        .iter()
        .filter(|r| r.level == RegionLevel::County && r.parent_code.as_deref().is_some_and(|p| chosen.contains(&p)))
        .collect();
    let mut out: Vec<(String, Role, String)> = Vec::new();
    for twin in ["a", "b"] {
        for r in &counties {
            out.push((format!("f{}{twin}", r.code), Role::County, r.code.clone()));
        }
    }
    out.truncate(filers - reviewers);
    for c in chosen {
        out.push((format!("r{c}"), Role::City, c.to_string()));
    }
    out
}

async fn prepare(url: &str, filers: usize) -> anyhow::Result<(Store, Vec<(String, Role, String)>)> {
    let store = Store::open_url(url, true).await?;
    store.load_dataset(&Dataset::embedded()?, false, &mut |_, _, _| {}).await?;
    super::synth::load_demo(&store, 2022).await?;
    let regions = store.regions().await?;
    let list = accounts(&regions, filers);
    let hash = digecon_app::users::hash_password(PASSWORD).map_err(|e| anyhow!(e))?;
    let mut users: Vec<(String, Role, String)> = list.clone();
    users.push(("bench-province".into(), Role::ProvinceOffice, "360000".into()));
    for (username, role, region) in &users {
        store
            .add_user(&User {
                username: username.clone(),
                display_name: username.clone(),
                role: *role,
                region_code: Some(region.clone()),
                department_code: (*role == Role::ProvinceOffice).then(|| "360000-de-office".to_string()),
                password_hash: hash.clone(),
                active: true,
                created_at: String::new(),
            })
            .await?;
    }
    Ok((store, list))
}

/// A signed-in HTTP client.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
    cookie: String,
}

async fn login(base: &str, username: &str) -> anyhow::Result<Client> {
    let http = reqwest::Client::builder().cookie_store(true).pool_max_idle_per_host(4).build()?;
    let r = http.post(format!("{base}/api/v1/auth/login")).json(&json!({"username": username, "password": PASSWORD})).send().await?;
    if !r.status().is_success() {
        bail!("登录失败 / sign-in of {username} failed: {}", r.status());
    }
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(digecon_server::auth::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_string();
    let me: Value = r.json().await?;
    Ok(Client { http, base: base.to_string(), csrf: me["csrf_token"].as_str().unwrap_or_default().to_string(), cookie })
}

/// Latencies in microseconds.
fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

async fn bench_backend(a: &ServeBenchArgs, backend: &str) -> anyhow::Result<Report> {
    let scratch = match backend {
        "sqlite" => Scratch::Sqlite(tempfile::tempdir()?),
        _ => Scratch::Postgres { server: a.postgres.trim_end_matches('/').to_string(), name: format!("digecon_bench_{}", std::process::id()) },
    };
    let result = bench_on(a, backend, &scratch).await;
    scratch.drop_db().await;
    result
}

async fn bench_on(a: &ServeBenchArgs, backend: &str, scratch: &Scratch) -> anyhow::Result<Report> {
    let url = scratch.url();
    eprintln!("[{backend}] 准备数据库 / preparing the database …");
    let (store, accounts) = prepare(&url, a.filers).await?;
    let mut servers = Vec::new();
    for _ in 0..a.servers {
        servers.push(start_server(&url).await?);
    }
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    eprintln!("[{backend}] 服务 / serving at {}; 登录 / signing in {} accounts …", bases.join(", "), accounts.len());
    let mut clients = Vec::new();
    for (i, (username, role, region)) in accounts.iter().enumerate() {
        clients.push((login(&bases[i % bases.len()], username).await?, *role, region.clone()));
    }
    let reader = login(&bases[0], "bench-province").await?;
    let forms: Value = reader.http.get(format!("{}/api/v1/forms", bases[0])).send().await?.json().await?;
    let period: Period = forms
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["code"] == FORM))
        .and_then(|f| f["current_period"].as_str())
        .ok_or_else(|| anyhow!("{FORM} 没有开放的期间 / no open period"))?
        .parse()?;
    let wrk = (!a.builtin_readers).then(which_wrk).flatten();
    let mut report = Report {
        backend: backend.to_string(),
        servers: a.servers,
        filers: clients.len(),
        readers: a.readers,
        seconds: a.seconds,
        reader_tool: if wrk.is_some() { "wrk".into() } else { "built-in".into() },
        ..Report::default()
    };
    let secs = Duration::from_secs(a.seconds);
    let ledger = Arc::new(Ledger::default());
    if a.quick {
        report.filers_alone = Some(run_filers(&clients, period, secs, ledger.clone()).await);
    } else {
        // Warm up (first reads fill the caches) before anything is timed.
        read_phase(&wrk, &reader, &bases[0], "/api/v1/health", "warm-up", 4, Duration::from_secs(2)).await?;
        report.phases.push(read_phase(&wrk, &reader, &bases[0], "/api/v1/health", "health alone", a.readers, secs).await?);
        report.phases.push(read_phase(&wrk, &reader, &bases[0], READ_PATH, "observations alone", a.readers, secs).await?);
        report.phases.push(read_phase(&wrk, &reader, &bases[0], "@dashboard", "dashboard mix alone", a.readers, secs).await?);
        report.filers_alone = Some(run_filers(&clients, period, secs, ledger.clone()).await);
        let writers = run_filers(&clients, period, secs, ledger.clone());
        let health = read_phase(&wrk, &reader, &bases[0], "/api/v1/health", "health, 200 filers writing", a.readers, secs);
        let (w, h) = tokio::join!(writers, health);
        report.phases.push(h?);
        let writers = run_filers(&clients, period, secs, ledger.clone());
        let reads = read_phase(&wrk, &reader, &bases[0], READ_PATH, "observations, filers writing", a.readers, secs);
        let (w2, r) = tokio::join!(writers, reads);
        report.phases.push(r?);
        let writers = run_filers(&clients, period, secs, ledger.clone());
        let reads = read_phase(&wrk, &reader, &bases[0], "@dashboard", "dashboard mix, filers writing", a.readers, secs);
        let (_, r) = tokio::join!(writers, reads);
        report.phases.push(r?);
        let _ = w;
        report.filers_with_readers = Some(w2);
    }
    drop(servers);
    report.checks = check(&store, period, &ledger, &report).await?;
    store.close().await;
    Ok(report)
}

fn which_wrk() -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| PathBuf::from(d).join("wrk")).find(|p| p.is_file())
}

/// The dashboard's four reads, taken in turn.
fn dashboard_paths() -> Vec<&'static str> {
    vec![READ_PATH, "/api/v1/progress?as_of=2022", "/api/v1/observations/recent?limit=20", "/api/v1/evaluation?scope=city&year=2022"]
}

async fn read_phase(wrk: &Option<PathBuf>, c: &Client, base: &str, path: &str, name: &str, connections: usize, time: Duration) -> anyhow::Result<PhaseResult> {
    let paths: Vec<String> = if path == "@dashboard" { dashboard_paths().into_iter().map(String::from).collect() } else { vec![path.to_string()] };
    let mut r = match wrk {
        Some(w) => wrk_phase(w, c, base, &paths, connections, time).await?,
        None => builtin_phase(c, base, &paths, connections, time).await,
    };
    r.name = name.to_string();
    Ok(r)
}

async fn wrk_phase(wrk: &PathBuf, c: &Client, base: &str, paths: &[String], connections: usize, time: Duration) -> anyhow::Result<PhaseResult> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("paths.lua");
    // Round-robin over the paths; count 5xx separately from other non-2xx.
    let list = paths.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ");
    std::fs::write(
        &script,
        format!(
            "local paths = {{{list}}}\nlocal i = 0\nlocal fives = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\nresponse = function(status, headers, body)\n  if status >= 500 then fives = fives + 1 end\nend\ndone = function(summary, latency, requests)\nend\n"
        ),
    )?;
    let out = tokio::process::Command::new(wrk)
        .arg(format!("-t{}", 2.min(connections)))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", time.as_secs().max(1)))
        .arg("--latency")
        .arg("-H")
        .arg(format!("Cookie: {}", c.cookie))
        .arg("-s")
        .arg(&script)
        .arg(base)
        .output()
        .await
        .context("wrk")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    parse_wrk(&text).ok_or_else(|| anyhow!("wrk 输出无法解析 / could not read wrk's output:\n{text}"))
}

/// Reads `Requests/sec`, the latency distribution and non-2xx counts from wrk's output.
fn parse_wrk(text: &str) -> Option<PhaseResult> {
    let ms = |s: &str| -> Option<f64> {
        let s = s.trim();
        if let Some(v) = s.strip_suffix("us") {
            v.parse::<f64>().ok().map(|v| v / 1000.0)
        } else if let Some(v) = s.strip_suffix("ms") {
            v.parse().ok()
        } else if let Some(v) = s.strip_suffix('s') {
            v.parse::<f64>().ok().map(|v| v * 1000.0)
        } else {
            None
        }
    };
    let mut r = PhaseResult::default();
    for line in text.lines() {
        let l = line.trim();
        if let Some(v) = l.strip_prefix("Requests/sec:") {
            r.per_second = v.trim().parse().ok()?;
        } else if let Some(v) = l.strip_prefix("50%") {
            r.p50_ms = ms(v)?;
        } else if let Some(v) = l.strip_prefix("99%") {
            r.p99_ms = ms(v)?;
        } else if let Some(v) = l.strip_prefix("Non-2xx or 3xx responses:") {
            r.non_2xx = v.trim().parse().ok()?;
        } else if l.contains("requests in") {
            r.requests = l.split_whitespace().next()?.parse().ok()?;
        }
    }
    (r.per_second > 0.0).then_some(r)
}

async fn builtin_phase(c: &Client, base: &str, paths: &[String], connections: usize, time: Duration) -> PhaseResult {
    let deadline = Instant::now() + time;
    let mut tasks = Vec::new();
    for k in 0..connections {
        let (c, base, paths) = (c.clone(), base.to_string(), paths.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let (mut non2xx, mut fives) = (0u64, 0u64);
            let mut i = k;
            while Instant::now() < deadline {
                i += 1;
                let t = Instant::now();
                match c.http.get(format!("{base}{}", paths[i % paths.len()])).send().await {
                    Ok(r) => {
                        let s = r.status();
                        let _ = r.bytes().await;
                        lat.push(t.elapsed().as_micros() as u64);
                        if !s.is_success() {
                            non2xx += 1;
                        }
                        if s.is_server_error() {
                            fives += 1;
                        }
                    }
                    Err(_) => fives += 1,
                }
            }
            (lat, non2xx, fives)
        }));
    }
    let mut all = Vec::new();
    let mut r = PhaseResult::default();
    for t in tasks {
        if let Ok((lat, n, f)) = t.await {
            all.extend(lat);
            r.non_2xx += n;
            r.server_errors += f;
        }
    }
    all.sort_unstable();
    r.requests = all.len() as u64;
    r.per_second = all.len() as f64 / time.as_secs_f64();
    r.p50_ms = percentile(&all, 0.5);
    r.p99_ms = percentile(&all, 0.99);
    r
}

/// What the filers were told: every acknowledged save, and the failures by kind.
#[derive(Default)]
struct Ledger {
    /// (filer, indicator) → values whose save was acknowledged.
    acked: Mutex<HashMap<(String, String), Vec<f64>>>,
    server_errors: AtomicU64,
    failures: Mutex<Vec<String>>,
}

async fn run_filers(clients: &[(Client, Role, String)], period: Period, time: Duration, ledger: Arc<Ledger>) -> FilerTotals {
    let deadline = Instant::now() + time;
    let totals = Arc::new(Mutex::new((FilerTotals::default(), Vec::<u64>::new())));
    let epoch = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for (i, (c, role, region)) in clients.iter().enumerate() {
        let (c, region, ledger, totals, epoch) = (c.clone(), region.clone(), ledger.clone(), totals.clone(), epoch.clone());
        let role = *role;
        tasks.push(tokio::spawn(async move {
            if role == Role::City {
                reviewer(&c, &region, period, deadline, &ledger, &totals).await;
            } else {
                filer(&c, i, &region, period, deadline, &ledger, &totals, &epoch).await;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let mut g = totals.lock().unwrap();
    let (mut t, lat) = std::mem::take(&mut *g);
    let mut lat = lat;
    lat.sort_unstable();
    t.saves_per_second = t.saves as f64 / time.as_secs_f64();
    t.save_p50_ms = percentile(&lat, 0.5);
    t.save_p99_ms = percentile(&lat, 0.99);
    t
}

fn filing_path(region: &str, period: Period) -> String {
    format!("/api/v1/filings/{FORM}/{region}/{period}")
}

async fn get_filing(c: &Client, region: &str, period: Period) -> Result<(String, Option<String>), reqwest::StatusCode> {
    let r = c.http.get(format!("{}{}", c.base, filing_path(region, period))).send().await.map_err(|_| reqwest::StatusCode::BAD_GATEWAY)?;
    if !r.status().is_success() {
        return Err(r.status());
    }
    let v: Value = r.json().await.map_err(|_| reqwest::StatusCode::BAD_GATEWAY)?;
    Ok((v["etag"].as_str().unwrap_or_default().to_string(), v["state"].as_str().map(str::to_string)))
}

type Totals = Mutex<(FilerTotals, Vec<u64>)>;

fn note_failure(ledger: &Ledger, totals: &Totals, what: String, status: reqwest::StatusCode) {
    let mut t = totals.lock().unwrap();
    if status.is_server_error() || status == reqwest::StatusCode::BAD_GATEWAY {
        t.0.server_errors += 1;
        ledger.server_errors.fetch_add(1, Ordering::Relaxed);
        let mut f = ledger.failures.lock().unwrap();
        if f.len() < 20 {
            f.push(format!("{what}: {status}"));
        }
    } else {
        t.0.other_errors += 1;
    }
}

#[allow(clippy::too_many_arguments)]
async fn filer(c: &Client, index: usize, region: &str, period: Period, deadline: Instant, ledger: &Ledger, totals: &Totals, epoch: &AtomicU64) {
    let mut k: u64 = 0;
    while Instant::now() < deadline {
        let (etag, state) = match get_filing(c, region, period).await {
            Ok(x) => x,
            Err(s) => {
                note_failure(ledger, totals, format!("GET filing {region}"), s);
                continue;
            }
        };
        if matches!(state.as_deref(), Some("submitted" | "city_approved" | "approved")) {
            // Waiting for the city's reviewer to return it.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        k += 1;
        // Unique values per save, so every acknowledged one can be found in the audit trail.
        let n = epoch.fetch_add(1, Ordering::Relaxed) as f64;
        let base = (index as f64 + 1.0) * 1.0e6 + n;
        let values = BTreeMap::from([
            ("EIM_REV_YTD".to_string(), base + 0.25),
            ("SW_REV_YTD".to_string(), base + 0.5),
            ("BS_5G_OPEN_M".to_string(), base),
            ("DE_KEY_PROJECTS_INV_YTD".to_string(), base + 0.75),
        ]);
        let t = Instant::now();
        let r = c
            .http
            .put(format!("{}{}/values", c.base, filing_path(region, period)))
            .header("X-CSRF-Token", &c.csrf)
            .header("If-Match", &etag)
            .json(&json!({"values": values, "reason": "bench"}))
            .send()
            .await;
        let Ok(r) = r else {
            note_failure(ledger, totals, format!("PUT {region}"), reqwest::StatusCode::BAD_GATEWAY);
            continue;
        };
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        match status.as_u16() {
            200 => {
                let micros = t.elapsed().as_micros() as u64;
                {
                    let mut acked = ledger.acked.lock().unwrap();
                    for (ind, v) in &values {
                        acked.entry((region.to_string(), ind.clone())).or_default().push(*v);
                    }
                }
                {
                    let mut g = totals.lock().unwrap();
                    g.0.saves += 1;
                    if body["created"].as_u64().unwrap_or(0) > 0 {
                        g.0.first_saves += 1;
                    }
                    g.1.push(micros);
                }
                if k % 10 == 0 && index % 2 == 0 {
                    let new_etag = body["etag"].as_str().unwrap_or_default().to_string();
                    let r = c
                        .http
                        .post(format!("{}{}/actions", c.base, filing_path(region, period)))
                        .header("X-CSRF-Token", &c.csrf)
                        .header("If-Match", new_etag)
                        .json(&json!({"action": "submit"}))
                        .send()
                        .await;
                    match r.map(|r| r.status()) {
                        Ok(s) if s.is_success() => totals.lock().unwrap().0.submits += 1,
                        Ok(s) if s == reqwest::StatusCode::PRECONDITION_FAILED => totals.lock().unwrap().0.stale_412 += 1,
                        Ok(s) if s == reqwest::StatusCode::CONFLICT => totals.lock().unwrap().0.conflicts_409 += 1,
                        Ok(s) => note_failure(ledger, totals, format!("submit {region}"), s),
                        Err(_) => note_failure(ledger, totals, format!("submit {region}"), reqwest::StatusCode::BAD_GATEWAY),
                    }
                }
            }
            412 => totals.lock().unwrap().0.stale_412 += 1,
            // The twin submitted in between: the filing is locked until it is returned.
            409 => totals.lock().unwrap().0.conflicts_409 += 1,
            _ => note_failure(ledger, totals, format!("PUT {region}: {body}"), status),
        }
    }
}

async fn reviewer(c: &Client, city: &str, period: Period, deadline: Instant, ledger: &Ledger, totals: &Totals) {
    while Instant::now() < deadline {
        let r = c.http.get(format!("{}/api/v1/filings?form={FORM}&period={period}&state=submitted", c.base)).send().await;
        let list: Vec<Value> = match r {
            Ok(r) if r.status().is_success() => r.json().await.unwrap_or_default(),
            Ok(r) => {
                note_failure(ledger, totals, format!("list {city}"), r.status());
                continue;
            }
            Err(_) => continue,
        };
        for f in list {
            let Some(region) = f["filer_code"].as_str() else { continue };
            let Ok((etag, _)) = get_filing(c, region, period).await else { continue };
            let r = c
                .http
                .post(format!("{}{}/actions", c.base, filing_path(region, period)))
                .header("X-CSRF-Token", &c.csrf)
                .header("If-Match", etag)
                .json(&json!({"action": "return", "comment": "请核实 / please check (bench)"}))
                .send()
                .await;
            match r.map(|r| r.status()) {
                Ok(s) if s.is_success() => totals.lock().unwrap().0.returns += 1,
                Ok(s) if s == reqwest::StatusCode::PRECONDITION_FAILED => totals.lock().unwrap().0.stale_412 += 1,
                Ok(s) if s == reqwest::StatusCode::CONFLICT => totals.lock().unwrap().0.conflicts_409 += 1,
                Ok(s) => note_failure(ledger, totals, format!("return {region}"), s),
                Err(_) => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The database after the run: the audit trail is a chain, every acknowledged save is in it,
/// the stored values are its last ones, and nothing answered 5xx.
async fn check(store: &Store, period: Period, ledger: &Ledger, report: &Report) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let fives = ledger.server_errors.load(Ordering::Relaxed) + report.phases.iter().map(|p| p.server_errors).sum::<u64>();
    let failures = ledger.failures.lock().unwrap().clone();
    out.push(if fives == 0 { "ok   0 responses 5xx".to_string() } else { format!("FAIL {fives} responses 5xx, e.g. {failures:?}") });
    let audit = store.audit(&AuditFilter { form: Some(FORM.into()), period: Some(period), ..Default::default() }).await?;
    let mut chains: HashMap<(String, String), Vec<(Option<f64>, f64)>> = HashMap::new();
    for e in &audit {
        if let (Some(ind), Some(new)) = (&e.indicator_code, e.new_value) {
            chains.entry((e.filer_code.clone(), ind.clone())).or_default().push((e.old_value, new));
        }
    }
    let mut broken = 0;
    let mut rows = 0;
    for chain in chains.values() {
        let mut prev: Option<f64> = None;
        for (old, new) in chain {
            rows += 1;
            if *old != prev {
                broken += 1;
            }
            prev = Some(*new);
        }
    }
    out.push(if broken == 0 {
        format!("ok   {rows} audit rows: every old value is the previous new value")
    } else {
        format!("FAIL {broken} of {rows} audit rows have an old value that is not the previous new value")
    });
    let acked = ledger.acked.lock().unwrap().clone();
    let mut lost = 0;
    let mut n = 0;
    for (key, values) in &acked {
        let chain = chains.get(key);
        for v in values {
            n += 1;
            if !chain.is_some_and(|c| c.iter().any(|(_, new)| new == v)) {
                lost += 1;
            }
        }
    }
    out.push(if lost == 0 { format!("ok   {n} acknowledged values, all in the audit trail") } else { format!("FAIL {lost} of {n} acknowledged values are not in the audit trail") });
    let mut stale = 0;
    for ((filer, ind), chain) in &chains {
        let stored = store.filing_detail(FORM, filer, period).await?.and_then(|d| d.values.get(ind).copied());
        if stored != chain.last().map(|c| c.1) {
            stale += 1;
        }
    }
    out.push(if stale == 0 {
        format!("ok   {} stored values equal the last value in their audit trail", chains.len())
    } else {
        format!("FAIL {stale} stored values differ from the last value in their audit trail")
    });
    Ok(out)
}

fn print_report(r: &Report) {
    println!("\n## {} · {} server(s) · {} filers · {} reader connections ({}) · {} s per phase\n", r.backend, r.servers, r.filers, r.readers, r.reader_tool, r.seconds);
    let health = r.phases.iter().find(|p| p.name == "health alone").map(|p| p.per_second);
    if !r.phases.is_empty() {
        println!("| phase | requests/s | p50 ms | p99 ms | non-2xx | ratio to health alone |");
        println!("|---|---|---|---|---|---|");
        for p in &r.phases {
            let ratio = health.map_or(String::new(), |h| format!("{:.2}", p.per_second / h));
            println!("| {} | {:.0} | {:.2} | {:.2} | {} | {ratio} |", p.name, p.per_second, p.p50_ms, p.p99_ms, p.non_2xx);
        }
    }
    for (name, t) in [("filers alone", &r.filers_alone), ("filers while reading", &r.filers_with_readers)] {
        if let Some(t) = t {
            println!(
                "\n{name}: {} saves ({:.0}/s, p50 {:.1} ms, p99 {:.1} ms), {} first saves, {} submits, {} returns, {} stale (412), {} conflicts (409), {} other 4xx, {} 5xx",
                t.saves, t.saves_per_second, t.save_p50_ms, t.save_p99_ms, t.first_saves, t.submits, t.returns, t.stale_412, t.conflicts_409, t.other_errors, t.server_errors
            );
        }
    }
    println!();
    for c in &r.checks {
        println!("{c}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let text = "Running 10s test @ http://127.0.0.1:8080\n  2 threads and 32 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     1.50ms  500.00us  20.00ms   90.00%\n  Latency Distribution\n     50%    1.20ms\n     75%    1.60ms\n     90%    2.10ms\n     99%  850.00us\n  123456 requests in 10.00s, 50.00MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:  12345.60\nTransfer/sec:      5.00MB\n";
        let r = parse_wrk(text).unwrap();
        assert_eq!(r.requests, 123456);
        assert_eq!(r.per_second, 12345.6);
        assert_eq!(r.p50_ms, 1.2);
        assert_eq!(r.p99_ms, 0.85);
        assert_eq!(r.non_2xx, 3);
    }
}
