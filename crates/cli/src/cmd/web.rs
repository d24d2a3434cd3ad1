//! `serve`, `demo`, `user`, `openapi`: the web application and its accounts.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use digecon_core::Role;
use digecon_dataset::Dataset;
use digecon_app::users::{hash_password, random_token, NewUser};
use digecon_server::{AppState, Config};
use digecon_store::{Store, User};

use super::db::DbArgs;
use crate::output::{emit, Format};

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 监听地址 / address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// 会话 Cookie 加 Secure（HTTPS 部署时）/ mark the session cookie Secure (when served over HTTPS)
    #[arg(long)]
    secure_cookie: bool,
    /// 可信反向代理地址（可多次），其 X-Forwarded-For 视为客户端地址 / address of a trusted reverse proxy (repeatable): its X-Forwarded-For names the client
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
}

pub async fn serve(a: ServeArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let config = Config { secure_cookie: a.secure_cookie, trusted_proxies: a.trusted_proxies, ..Config::default() };
    run_server(store, &a.addr, config, None).await
}

async fn run_server(store: Store, addr: &str, config: Config, banner: Option<String>) -> anyhow::Result<()> {
    if store.counts().await?.regions == 0 {
        bail!("数据库尚未初始化 / the database is empty; run `digecon init` first");
    }
    let state = AppState::new(store, config).await?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("监听 / listening on {addr}"))?;
    let local = listener.local_addr()?;
    if let Some(b) = banner {
        println!("{b}");
    }
    println!("digecon 已启动 / serving on http://{local}  (Ctrl-C 停止 / to stop)");
    digecon_server::serve(state, listener).await?;
    Ok(())
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// 新增用户（密码从标准输入读取）/ add a user; the password is read from stdin
    Add(UserAddArgs),
    /// 列出用户 / list users
    List {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

#[derive(Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    db: DbArgs,
    #[arg(long)]
    username: String,
    /// admin | province_office | department | city | county | viewer
    #[arg(long)]
    role: String,
    /// 数据范围：地区代码 / data scope: region code (its subtree)
    #[arg(long)]
    region: Option<String>,
    /// 所属单位代码 / department code
    #[arg(long)]
    department: Option<String>,
    #[arg(long)]
    display_name: Option<String>,
    /// 从标准输入读取密码（必需，避免密码出现在命令历史中）/ read the password from stdin (required: keeps it out of shell history)
    #[arg(long, required = true)]
    password_stdin: bool,
}

pub async fn user(cmd: UserCmd) -> anyhow::Result<()> {
    match cmd {
        UserCmd::Add(a) => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).context("读取密码 / reading the password from stdin")?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let store = a.db.open(false).await?;
            let new = NewUser {
                username: a.username,
                display_name: a.display_name,
                role: a.role,
                region_code: a.region,
                department_code: a.department,
                password,
            };
            let user = digecon_app::users::add(&store, &new).await.map_err(|e| match e {
                digecon_app::AppError::Invalid(fields) => {
                    let list: Vec<String> = fields.into_iter().map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.message)).collect();
                    anyhow::anyhow!("用户信息有误 / invalid user:\n  {}", list.join("\n  "))
                }
                e => e.into(),
            })?;
            println!("已新增用户 / added user {} ({})", user.username, user.role);
            Ok(())
        }
        UserCmd::List { db, format } => {
            let store = db.open(false).await?;
            let rows: Vec<Vec<String>> = store
                .users()
                .await?
                .into_iter()
                .map(|u| {
                    vec![
                        u.username,
                        u.display_name,
                        u.role.to_string(),
                        u.region_code.unwrap_or_default(),
                        u.department_code.unwrap_or_default(),
                        u.active.to_string(),
                    ]
                })
                .collect();
            emit(format, &["username", "display_name", "role", "region_code", "department_code", "active"], &rows)
        }
    }
}

#[derive(Args)]
pub struct DemoArgs {
    /// 演示数据库文件 / demo database file (created if absent)
    #[arg(long, default_value = "digecon-demo.db")]
    db: PathBuf,
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// 只准备数据库和账号，不启动服务 / prepare the database and accounts, do not serve
    #[arg(long)]
    no_serve: bool,
}

/// Seed of the synthetic demo data, fixed so every demo shows the same figures.
const DEMO_SEED: u64 = 2022;

/// The demo accounts: one per role, scoped as a real deployment would be.
const DEMO_USERS: &[(&str, &str, Role, Option<&str>, Option<&str>)] = &[
    ("admin", "系统管理员 / administrator", Role::Admin, None, None),
    ("province", "省数字经济办 / provincial office", Role::ProvinceOffice, Some("360000"), Some("360000-de-office")),
    ("miit", "省工信厅 / provincial MIIT", Role::Department, None, Some("360000-miit")),
    ("ganzhou", "赣州市 / Ganzhou city", Role::City, Some("360700"), None),
    ("zhanggong", "章贡区 / Zhanggong district", Role::County, Some("360702"), None),
    ("viewer", "领导查看 / leader (read only)", Role::Viewer, Some("360000"), None),
];

pub async fn demo(a: DemoArgs) -> anyhow::Result<()> {
    let store = Store::open_sqlite(&a.db, true).await.with_context(|| format!("打开 / opening {}", a.db.display()))?;
    super::db::track(&store);
    if store.counts().await?.regions == 0 {
        let ds = Dataset::embedded().context("内置数据集 / the built-in dataset")?;
        store.load_dataset(&ds, false, &mut |_, _, _| {}).await?;
        println!("已创建演示数据库 / created the demo database {}", a.db.display());
    }
    // Synthetic, seeded demo data (always flagged synthetic): the 2022 task ledger and key projects.
    if store.ledger_counts().await?.is_empty() {
        let c = store.load_ledger_demo(DEMO_SEED, false).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "已载入合成演示台账 / loaded the synthetic demo ledger (seed {DEMO_SEED}): {} task reports, {} key projects, {} monthly reports, {} problems",
            c.reports, c.key_projects, c.monthly_reports, c.problems
        );
    }
    // Synthetic, seeded values for every city and county (checked against every documented
    // statement, always flagged synthetic, never over a documented or filed value).
    if let Some(line) = super::synth::load_demo(&store, DEMO_SEED).await? {
        println!("{line}");
    }
    // Fresh passwords every run: printed once, never stored in clear.
    let mut lines = vec![format!("演示账号 / demo accounts ({}):", a.db.display())];
    for (username, display, role, region, department) in DEMO_USERS {
        let password = random_token(9);
        let hash = hash_password(&password).map_err(|e| anyhow::anyhow!(e))?;
        if store.user(username).await?.is_some() {
            store.set_password_hash(username, &hash).await?;
            store.set_user_active(username, true).await?;
        } else {
            store
                .add_user(&User {
                    username: username.to_string(),
                    display_name: display.to_string(),
                    role: *role,
                    region_code: region.map(str::to_string),
                    department_code: department.map(str::to_string),
                    password_hash: hash,
                    active: true,
                    created_at: String::new(),
                })
                .await?;
        }
        lines.push(format!("  {username:<10} {password}   {:<16} {display}", role.as_str()));
    }
    let banner = lines.join("\n");
    if a.no_serve {
        println!("{banner}");
        return Ok(());
    }
    let url = format!("http://{}/", a.addr);
    run_server(store, &a.addr, Config::default(), Some(format!("{banner}\n打开 / open {url}"))).await
}

/// Prints the OpenAPI document generated from the server's handlers.
pub fn openapi() -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(&digecon_server::openapi())?);
    Ok(())
}
