//! One module per capability; each adds its subcommands to [`Command`].
//! Commands that touch the database are async; `run` owns the one tokio runtime.

mod backup;
mod bench;
mod bench_serve;
mod index;
mod ledger;
mod microdata;
mod progress;
mod data;
pub mod db;
mod forms;
mod synth;
mod evaluate;
mod facts;
mod web;
mod report;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// 创建数据库并载入数据集 / create the database and load the dataset
    Init(data::InitArgs),
    /// 数据库概况 / what the database holds
    Status(data::StatusArgs),
    /// 导出观测值 / export observations (CSV)
    Export(data::ExportArgs),
    /// 导入观测值（全部成功或全部不写入）/ import observations, all or nothing
    Import(data::ImportArgs),
    /// 备份全部数据（运行中也可）/ back up everything (while servers run): catalogue, observations and revisions, filings and audit, ledger, users, logs
    Backup(backup::BackupArgs),
    /// 从备份恢复（全部成功或全部不写入）/ restore a backup, all or nothing (into SQLite or PostgreSQL)
    Restore(backup::RestoreArgs),
    /// 删除观测值 / delete observations (kept in the revision history)
    Wipe(data::WipeArgs),
    /// 查看指标序列 / show an indicator's series
    Show(data::ShowArgs),
    /// 列出目录 / list regions, departments, indicators, plans, targets, constraints, references, tasks, projects
    List(data::ListArgs),
    /// 企业微观数据：分类、汇总、合成 / enterprise microdata: classify, aggregate, synthesize (NBS 2021)
    #[command(subcommand)]
    Microdata(microdata::MicrodataCmd),
    /// 综合指数：构建、敏感性分析、AHP 权重、产业选择 / composite indices: build (COINr-compatible), sensitivity analysis, AHP weights, industry selection
    #[command(subcommand)]
    Index(index::IndexCmd),
    /// 目标进度：序时进度、预期路径、状态及其规则 / progress of every target at an as-of period, with the rule behind each status
    Progress(progress::ProgressArgs),
    /// 一致性核对：规划与文件数字互相印证 / consistency checks: plans (stated growth, projection tables, growth vs level, targets below base) and the documents' statements (shares, growth and sums recomputed, figures stated twice, implausible goals)
    #[command(alias = "check-plans")]
    Check(progress::CheckPlansArgs),
    /// 文件数字台账：源文件中的每个数字是否收录、未收录的原因 / the fact ledger: every number of the source documents, held, left out (with the reason) or not a fact
    Facts(facts::FactsArgs),
    /// 启动网页服务 / serve the API and the web UI
    Serve(web::ServeArgs),
    /// 演示：建库、建账号、启动服务 / demo: create the database and accounts, then serve
    Demo(web::DemoArgs),
    /// 用户管理 / user accounts
    #[command(subcommand)]
    User(web::UserCmd),
    /// 输出 OpenAPI 文档 / print the OpenAPI document of the HTTP API
    Openapi,
    /// 报表：列表、模板、导入 / report forms: list, show, template, import
    #[command(subcommand)]
    Forms(forms::FormsCmd),
    /// 填报：查看、录入、上报、审核、退回、重新打开、报送率 / filings: list, show, set, submit, approve, return, reopen, rates
    #[command(subcommand)]
    Filings(forms::FilingsCmd),
    /// 填报审计记录 / the filings' audit trail
    Audit(forms::AuditArgs),
    /// 工作台账：任务、量化目标、进度填报、红黄绿状态、导入导出 / task ledger: tasks and their goals, progress reports, red/yellow/green status, import/export
    #[command(subcommand)]
    Tasks(ledger::TasksCmd),
    /// 重点项目：清单、月度投资、调度视图、问题、演示数据、导入导出 / key projects: registry, monthly investment, scheduling views, problems, demo data, import/export
    #[command(subcommand)]
    Projects(ledger::ProjectsCmd),
    /// 季度通报（Markdown、HTML、XLSX）/ the quarterly bulletin (Markdown, HTML, XLSX)
    Bulletin(ledger::BulletinArgs),
    /// 合成地区数据：生成、核对全部文件陈述、写入 / synthetic city and county data: generate, check every documented statement, write
    Synth(synth::SynthArgs),
    /// 监测评价：设区市、县的得分、排名、梯队、进位、优势与短板 / city and county evaluation: scores, ranks, tiers, rank change, strengths and weaknesses
    Evaluate(evaluate::EvaluateArgs),
    /// 报告：年度白皮书、一地一档（HTML、DOCX、PDF、XLSX）/ reports: the annual white paper and city/county profiles (HTML, DOCX, PDF, XLSX)
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// 性能基准 / benchmarks against the peers named in BENCHMARKS.md
    #[command(subcommand)]
    Bench(bench::BenchCmd),
}

pub fn run(command: Command) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = dispatch(&rt, command);
    // Whatever the command did, the SQLite file alone now holds it (no committed data left only
    // in the -wal file, so a plain copy of the .db is a complete backup).
    let closed = rt.block_on(db::close_all());
    result.and(closed)
}

fn dispatch(rt: &tokio::runtime::Runtime, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Init(a) => rt.block_on(data::init(a)),
        Command::Status(a) => rt.block_on(data::status(a)),
        Command::Export(a) => rt.block_on(data::export(a)),
        Command::Import(a) => rt.block_on(data::import(a)),
        Command::Backup(a) => rt.block_on(backup::backup(a)),
        Command::Restore(a) => rt.block_on(backup::restore(a)),
        Command::Wipe(a) => rt.block_on(data::wipe(a)),
        Command::Show(a) => rt.block_on(data::show(a)),
        Command::List(a) => rt.block_on(data::list(a)),
        Command::Microdata(c) => microdata::run(c),
        Command::Index(c) => index::run(c),
        Command::Progress(a) => rt.block_on(progress::progress(a)),
        Command::Check(a) => rt.block_on(progress::check(a)),
        Command::Facts(a) => facts::facts(a),
        Command::Serve(a) => rt.block_on(web::serve(a)),
        Command::Demo(a) => rt.block_on(web::demo(a)),
        Command::User(c) => rt.block_on(web::user(c)),
        Command::Openapi => web::openapi(),
        Command::Forms(c) => rt.block_on(forms::forms(c)),
        Command::Filings(c) => rt.block_on(forms::filings(c)),
        Command::Audit(a) => rt.block_on(forms::audit(a)),
        Command::Tasks(c) => rt.block_on(ledger::tasks(c)),
        Command::Projects(c) => rt.block_on(ledger::projects(c)),
        Command::Bulletin(a) => rt.block_on(ledger::bulletin(a)),
        Command::Synth(a) => rt.block_on(synth::synth(a)),
        Command::Evaluate(a) => rt.block_on(evaluate::evaluate(a)),
        Command::Report(c) => rt.block_on(report::run(c)),
        Command::Bench(c) => bench::run(c),
    }
}
