//! Reports (the loop's last step): the annual white paper and city/county profiles, built from
//! the store with a template (`data/reports/*.toml`, or a user's copy) and written in HTML, DOCX,
//! PDF and XLSX.

use std::sync::{Arc, OnceLock};

use digecon_core::{Period, RegionLevel};
use digecon_report::paper::{self, fonts::CJK_FAMILIES, EvaluationFacts, Facts, Format, Loaded, ProjectLine, ReportFonts, TargetLine};
use digecon_store::{ObservationFilter, Store};

use crate::error::{AppError, Result};
use crate::progress::{BeforeBase, ProgressRequest};

/// The shipped templates: (kind, file name, text).
pub const TEMPLATES: &[(&str, &str, &str)] = &[
    ("whitepaper", "data/reports/whitepaper.toml", include_str!("../../../data/reports/whitepaper.toml")),
    ("profile", "data/reports/profile.toml", include_str!("../../../data/reports/profile.toml")),
];

/// The shipped template of `kind`.
pub fn shipped(kind: &str) -> Option<(&'static str, &'static str)> {
    TEMPLATES.iter().find(|t| t.0 == kind).map(|t| (t.1, t.2))
}

/// Which report.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// `None`: the province (the root of the region tree).
    pub region: Option<String>,
    /// `None`: the latest year with values.
    pub year: Option<i32>,
    /// A user's template (file name for errors, text); `None`: the shipped one of the kind.
    pub template: Option<(String, String)>,
}

/// Checks a template against the store's catalogue; errors at file:line:column.
pub async fn load_template(store: &Store, kind: &str, custom: Option<(String, String)>) -> Result<Loaded> {
    let indicators = store.indicators().await?;
    let known = |c: &str| indicators.iter().any(|i| i.code == c);
    let (file, text) = match custom {
        Some(t) => t,
        None => {
            let (f, t) = shipped(kind).ok_or_else(|| AppError::NotFound(format!("没有 `{kind}` 模板 / no `{kind}` template")))?;
            (f.to_string(), t.to_string())
        }
    };
    let loaded = Loaded::parse(&file, &text, &known).map_err(|errors| {
        AppError::Conflict(format!("模板有误 / the template has problems:\n{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")))
    })?;
    if loaded.template.kind.get_ref() != kind {
        return Err(AppError::Conflict(format!("{file}: 模板类型为 `{}`，此处需要 `{kind}` / the template is a `{}`, not a `{kind}`", loaded.template.kind.get_ref(), loaded.template.kind.get_ref())));
    }
    Ok(loaded)
}

/// The store's regions, indicators and annual observations.
async fn facts(store: &Store) -> Result<Facts> {
    let regions = store.regions().await?;
    let indicators = store.indicators().await?;
    let observations = store.observations(&ObservationFilter::default()).await?;
    Ok(Facts::new(regions, indicators, observations))
}

/// The white paper of `req.region` (default: the province) for `req.year`.
pub async fn whitepaper(store: &Store, req: ReportRequest) -> Result<paper::Document> {
    let template = load_template(store, "whitepaper", req.template).await?;
    let facts = facts(store).await?;
    let region = match req.region {
        Some(r) => r,
        None => facts.root().ok_or_else(|| AppError::NotFound("数据库中没有地区 / the database has no regions".into()))?,
    };
    let year = req.year.or_else(|| facts.latest_year()).ok_or_else(|| AppError::NotFound("数据库中没有年度数据 / the database has no annual values".into()))?;
    paper::build(&template, &facts, &region, year).map_err(|e| AppError::NotFound(e.to_string()))
}

/// Whose profiles a [`ProfileBuilder`] makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Profiles {
    One(String),
    /// Every region of these levels.
    Levels(Vec<RegionLevel>),
}

/// Builds profiles for many regions with one read of the store and one evaluation per level
/// that the regions asked for are at.
pub struct ProfileBuilder {
    template: Loaded,
    regions: Vec<String>,
    facts: Facts,
    year: i32,
    evaluations: Vec<(RegionLevel, digecon_evaluate::Evaluation)>,
    progress: Vec<digecon_track::Progress>,
    plans: Vec<digecon_core::Plan>,
    projects: Vec<digecon_core::Project>,
    tasks: Vec<digecon_core::Task>,
}

impl ProfileBuilder {
    pub async fn new(store: &Store, year: Option<i32>, template: Option<(String, String)>, which: Profiles) -> Result<ProfileBuilder> {
        let template = load_template(store, "profile", template).await?;
        let facts = facts(store).await?;
        let (regions, levels) = match which {
            Profiles::One(code) => {
                let r = facts.region(&code).ok_or_else(|| AppError::NotFound(format!("未知的地区代码 / unknown region code `{code}` (see `digecon list regions`)")))?;
                let level = r.level;
                (vec![code], vec![level])
            }
            Profiles::Levels(levels) => {
                let mut v: Vec<String> = Vec::new();
                for level in &levels {
                    let mut of_level: Vec<String> = facts.base().regions.values().filter(|r| r.level == *level).map(|r| r.code.clone()).collect();
                    of_level.sort();
                    v.extend(of_level);
                }
                (v, levels)
            }
        };
        let year = year.or_else(|| facts.latest_year()).ok_or_else(|| AppError::NotFound("数据库中没有年度数据 / the database has no annual values".into()))?;
        let schemes = crate::evaluation::schemes(store).await?;
        let mut evaluations = Vec::new();
        for level in levels {
            if let Ok(s) = crate::evaluation::scheme(&schemes, level) {
                // A level without values is simply not evaluated (the profile lists it as a gap).
                if let Ok(e) = crate::evaluation::evaluate(store, s, Some(year)).await {
                    evaluations.push((level, e));
                }
            }
        }
        let req = ProgressRequest { as_of: Period::Year(year), plan: None, region: None, references: None, before_base: BeforeBase::LeaveOut };
        let progress = crate::progress::progress(store, &req, None).await?;
        Ok(ProfileBuilder {
            template,
            regions,
            facts,
            year,
            evaluations,
            progress,
            plans: store.plans().await?,
            projects: store.projects(None).await?,
            tasks: store.tasks(None).await?,
        })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    /// The regions asked for: level by level in the order asked, each level by code.
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// One region's profile.
    pub fn build(&self, region: &str) -> Result<paper::Document> {
        let r = self.facts.region(region).ok_or_else(|| AppError::NotFound(format!("未知的地区代码 / unknown region code `{region}` (see `digecon list regions`)")))?;
        let mut facts = self.facts.clone();
        facts.evaluation = self.evaluations.iter().find(|(l, _)| *l == r.level).and_then(|(_, e)| {
            let u = e.units.iter().find(|u| u.code == region)?;
            let dim_name = |code: &str| e.nodes.iter().find(|n| n.code == code).map_or(code.to_string(), |n| n.name_zh.clone());
            Some(EvaluationFacts {
                year: e.year,
                ranked: e.units.iter().filter(|u| u.rank.is_some()).count(),
                score: u.score,
                rank: u.rank,
                tier: u.tier,
                rank_change: u.rank_change,
                strengths: u.strengths.iter().map(|c| dim_name(c)).collect(),
                weaknesses: u.weaknesses.iter().map(|c| dim_name(c)).collect(),
                dimensions: u.dimensions.iter().map(|d| (dim_name(&d.code), d.score, d.rank)).collect(),
                inputs: u.inputs,
                synthetic_inputs: u.synthetic_inputs,
                method: digecon_evaluate::METHOD.split(" / ").next().unwrap_or_default().to_string(),
            })
        });
        let plan_name = |id: &str| self.plans.iter().find(|p| p.id == id).map_or(id.to_string(), |p| p.name_zh.clone());
        facts.targets = self
            .progress
            .iter()
            .filter(|p| p.region_code == region)
            .map(|p| TargetLine {
                plan: plan_name(&p.plan_id),
                indicator: p.indicator_name.clone(),
                unit: p.unit.clone(),
                base: match (p.base_year, p.base_value) {
                    (Some(y), Some(v)) => format!("{}（{y}）", paper::build::fmt_value(v)),
                    _ => "—".into(),
                },
                target: format!("{}（{}）", p.target.text, p.target_year),
                latest: p.latest.as_ref().map(|pt| {
                    let synthetic = self.facts.is_synthetic(region, &p.indicator_code, pt.period);
                    (pt.period.year(), pt.value, synthetic)
                }),
                status: p.status.zh().to_string(),
            })
            .collect();
        let own_plans: Vec<&str> = self.plans.iter().filter(|p| p.region_code == region).map(|p| p.id.as_str()).collect();
        facts.projects = self
            .projects
            .iter()
            .filter(|p| own_plans.contains(&p.plan_id.as_str()))
            .map(|p| ProjectLine { kind: format!("{}·{}", p.category, p.domain), name: p.name.clone(), detail: p.goal_text.clone(), synthetic: false })
            .collect();
        let tasks = self.tasks.iter().filter(|t| own_plans.contains(&t.plan_id.as_str())).count();
        if tasks > 0 {
            facts.projects.push(ProjectLine { kind: "重点任务".into(), name: format!("{} 项", tasks), detail: format!("见 {} 的任务清单（digecon tasks list）", own_plans.iter().map(|p| plan_name(p)).collect::<Vec<_>>().join("、")), synthetic: false });
        }
        paper::build(&self.template, &facts, region, self.year).map_err(|e| AppError::NotFound(e.to_string()))
    }
}

/// The system's CJK fonts for DOCX figures and the PDF, read once per process.
pub fn system_fonts() -> Result<Arc<ReportFonts>> {
    static FONTS: OnceLock<std::result::Result<Arc<ReportFonts>, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            use digecon_report::paper::fonts::fontdb;
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            if let Ok(dir) = std::env::var("DIGECON_FONT_DIR") {
                db.load_fonts_dir(dir);
            }
            let mut paths: Vec<std::path::PathBuf> = Vec::new();
            for face in db.faces() {
                if face.families.iter().any(|(f, _)| CJK_FAMILIES.contains(&f.as_str())) {
                    if let fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) = &face.source {
                        if !paths.contains(p) {
                            paths.push(p.clone());
                        }
                    }
                }
            }
            let files = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
            ReportFonts::new(files).map(Arc::new).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(AppError::Unavailable)
}

/// Writes `doc` in `format` (HTML and XLSX need no fonts).
pub fn render(doc: &paper::Document, format: Format) -> Result<Vec<u8>> {
    let fonts = match format {
        Format::Docx | Format::Pdf => Some(system_fonts()?),
        _ => None,
    };
    Ok(paper::render(doc, format, fonts.as_deref())?)
}
