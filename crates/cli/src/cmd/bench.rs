//! `digecon bench …`: each capability's benchmark; results go to BENCHMARKS.md.

use clap::Subcommand;

#[derive(Subcommand)]
pub enum BenchCmd {
    /// 列出基准 / list the benchmarks
    List,
    /// 综合指数不确定性分析 vs COINr / composite-index uncertainty analysis vs COINr (issue 6)
    Index(super::index::BenchArgs),
    /// 微观数据分类与汇总 vs DuckDB / microdata classification and aggregation vs DuckDB (issue 5)
    Microdata(super::microdata::BenchArgs),
    /// 申报截止日：并发填报与驾驶舱读取，SQLite 与 PostgreSQL / deadline day: concurrent filers and dashboard reads, SQLite and PostgreSQL (issue 11)
    Serve(super::bench_serve::ServeBenchArgs),
}

pub fn run(cmd: BenchCmd) -> anyhow::Result<()> {
    match cmd {
        BenchCmd::List => {
            println!("see BENCHMARKS.md");
            Ok(())
        }
        BenchCmd::Index(a) => super::index::bench(a),
        BenchCmd::Microdata(a) => super::microdata::bench(a),
        BenchCmd::Serve(a) => super::bench_serve::run(a),
    }
}
