//! A synthetic, seeded ledger for demonstrations and tests: 100 provincial key projects for 2022
//! whose planned investment sums to exactly 650 亿元 (002 task 17: "重点调度推进 100 个数字经济重点
//! 产业项目建设，力争全年完成 650 亿元以上投资"), their monthly investment reports for the whole year,
//! quarterly progress reports for the 97 tasks of the 2022 work plan, co-operating units' parts
//! and problems needing coordination.
//!
//! Everything generated is **synthetic** (`synthetic = true`, project codes `DEMO22-…`, evidence
//! under `synthetic/`), and the same seed gives the same ledger. Nothing here is a fact about
//! Jiangxi: the cities, counties and provincial departments are real units of the dataset, the
//! projects, amounts and narratives are made up. Task 17's measured investment is the sum of the
//! projects' year-to-date investment, so the task and the project views agree.

use std::collections::BTreeMap;

use digecon_core::{Department, Period, Region, RegionLevel};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::goals::Relation;
use crate::item::{ItemKind, LedgerItem};
use crate::problem::{Problem, Subject};
use crate::progress::{lateness, Contribution, ProgressReport, ProgressStatus};
use crate::projects::{KeyProject, MonthlyReport, ProjectKind, ProjectStatus};

pub const DEMO_YEAR: i32 = 2022;
pub const DEMO_PLAN: &str = "jx-2022-workplan";
pub const DEMO_PROJECTS: usize = 100;
/// 650 亿元 in 万元.
pub const DEMO_PLANNED_WAN: f64 = 6_500_000.0;
/// Who the demo's rows are recorded by.
pub const DEMO_RECORDER: &str = "demo (synthetic)";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DemoLedger {
    pub projects: Vec<KeyProject>,
    pub monthly: Vec<MonthlyReport>,
    pub reports: Vec<ProgressReport>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("演示数据无法生成 / cannot generate the demo ledger: {0}")]
pub struct DemoError(pub String);

/// The cities (and the one provincial zone) with how many of the 100 projects each gets and the
/// tracks they are known for. Weights are our plausible reading of the white paper's city
/// ranking, not data.
const CITIES: &[(&str, usize, &[&str])] = &[
    ("360100", 20, &["虚拟现实（VR）", "电子信息制造", "软件和信息技术服务", "数字文创"]),
    ("360700", 13, &["电子信息制造", "软件和信息技术服务", "大数据与云计算"]),
    ("360800", 12, &["电子信息制造", "智能终端", "新型显示"]),
    ("361100", 10, &["大数据与云计算", "电子信息制造", "数字文创"]),
    ("360400", 9, &["电子信息制造", "锂电新能源", "工业互联网"]),
    ("360900", 8, &["锂电新能源", "电子信息制造"]),
    ("360600", 7, &["移动物联网", "电子信息制造"]),
    ("361000", 5, &["软件和信息技术服务", "大数据与云计算"]),
    ("360500", 4, &["锂电新能源", "工业互联网"]),
    ("360300", 4, &["电子信息制造", "工业互联网"]),
    ("360200", 3, &["数字文创", "电子信息制造"]),
    ("360000Z01", 5, &["大数据与云计算", "人工智能", "软件和信息技术服务"]),
];

/// Per track: the answerable provincial department and the kinds of project.
const TRACKS: &[(&str, &str, &[&str])] = &[
    ("电子信息制造", "360000-miit", &["电子元器件产业园", "高密度印制电路板扩产", "电子信息产业基地", "半导体封装测试"]),
    ("智能终端", "360000-miit", &["智能终端生产基地", "智能穿戴设备制造", "通信模组生产线"]),
    ("新型显示", "360000-miit", &["新型显示模组生产线", "触控显示器件"]),
    ("虚拟现实（VR）", "360000-miit", &["VR 产业基地", "VR 内容制作中心", "VR 头显整机制造"]),
    ("软件和信息技术服务", "360000-miit", &["软件产业园", "信创适配中心", "信息技术服务外包基地"]),
    ("大数据与云计算", "360000-drc", &["大数据中心", "云计算数据中心", "算力中心"]),
    ("人工智能", "360000-most", &["人工智能创新中心", "智能计算平台"]),
    ("移动物联网", "360000-comms", &["移动物联网产业园", "物联网感知终端制造"]),
    ("锂电新能源", "360000-miit", &["锂电池数字化工厂", "储能电池智能制造"]),
    ("工业互联网", "360000-miit", &["工业互联网平台", "标识解析二级节点", "智能制造示范工厂"]),
    ("数字文创", "360000-culture-tourism", &["数字文创园", "数字出版基地", "沉浸式文旅体验中心"]),
];

/// Month weights of a year's investment: slow around the Spring Festival, a push in December.
const SEASON: [f64; 12] = [0.8, 0.7, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1];

const PROBLEMS: &[&str] = &[
    "用地报批手续尚未完成，需协调自然资源部门加快审批",
    "能耗指标未落实，需协调省级统筹解决",
    "项目融资未到位，需协调金融机构支持",
    "电力增容接入滞后，需协调供电企业加快接入",
    "环评批复尚未取得，需协调加快审批",
    "关键设备交付延迟，需协调供应链保障",
    "施工许可办理滞后，需协调住建部门",
];

const TASK_PROBLEMS: &[&str] = &[
    "配套资金尚未落实，需协调财政支持",
    "跨部门数据共享不畅，需协调打通",
    "政策文件会签时间较长，需协调加快出台",
    "项目申报主体积极性不足，需协调各地加大推动力度",
];

struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    fn u(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.rng.random::<f64>()
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.rng.random_range(0..xs.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }
    fn normal(&mut self) -> f64 {
        let u1: f64 = self.rng.random::<f64>().max(f64::MIN_POSITIVE);
        let u2: f64 = self.rng.random();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// Generates the demo ledger from `seed` for the dataset's items, regions and departments.
pub fn generate(seed: u64, items: &[LedgerItem], regions: &[Region], departments: &[Department]) -> Result<DemoLedger, DemoError> {
    let mut g = Gen { rng: ChaCha8Rng::seed_from_u64(seed) };
    let projects = key_projects(&mut g, regions, departments)?;
    let monthly = monthly_reports(&mut g, &projects);
    let mut problems = project_problems(&mut g, &projects, &monthly);
    let tasks: Vec<&LedgerItem> =
        items.iter().filter(|i| i.key.plan_id == DEMO_PLAN && i.key.kind == ItemKind::Task).collect();
    if tasks.is_empty() {
        return Err(DemoError(format!("数据集中没有计划 {DEMO_PLAN} 的任务 / the dataset has no tasks of plan `{DEMO_PLAN}`")));
    }
    let (reports, task_problems) = task_reports(&mut g, &tasks, &monthly);
    problems.extend(task_problems);
    Ok(DemoLedger { projects, monthly, reports, problems })
}

fn key_projects(g: &mut Gen, regions: &[Region], departments: &[Department]) -> Result<Vec<KeyProject>, DemoError> {
    let region = |code: &str| {
        regions.iter().find(|r| r.code == code).ok_or_else(|| DemoError(format!("地区 `{code}` 不在数据集中 / region `{code}` is not in the dataset")))
    };
    for (_, dept, _) in TRACKS {
        if !departments.iter().any(|d| d.code == *dept) {
            return Err(DemoError(format!("单位 `{dept}` 不在数据集中 / department `{dept}` is not in the dataset")));
        }
    }
    debug_assert_eq!(CITIES.iter().map(|c| c.1).sum::<usize>(), DEMO_PROJECTS);

    // Planned investment: 65 000 units of 100 万元. Each project gets at least 1 亿元 (100 units);
    // the rest is shared by log-normal weights with largest-remainder rounding, so the total is
    // exactly 650 亿元.
    const UNITS: u64 = 65_000;
    const MIN_UNITS: u64 = 100;
    let weights: Vec<f64> = (0..DEMO_PROJECTS).map(|_| (0.9 * g.normal()).exp()).collect();
    let wsum: f64 = weights.iter().sum();
    let spare = UNITS - MIN_UNITS * DEMO_PROJECTS as u64;
    let exact: Vec<f64> = weights.iter().map(|w| w / wsum * spare as f64).collect();
    let mut units: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let mut left = spare - units.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..DEMO_PROJECTS).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        units[i] += 1;
        left -= 1;
    }

    let mut out = Vec::with_capacity(DEMO_PROJECTS);
    let mut names: BTreeMap<String, u32> = BTreeMap::new();
    let mut i = 0;
    for (city_code, count, tracks) in CITIES {
        let city = region(city_code)?;
        let counties: Vec<&Region> =
            regions.iter().filter(|r| r.parent_code.as_deref() == Some(city_code) && r.level == RegionLevel::County).collect();
        let short = city.name_zh.trim_end_matches('市').to_string();
        for _ in 0..*count {
            let track = *g.pick(tracks);
            let (_, lead, kinds) = TRACKS.iter().find(|t| t.0 == track).expect("every city track is a track");
            // Most projects sit in a county (区/县); a city-wide one is filed at the city.
            let place = if counties.is_empty() || g.chance(0.2) { city } else { *g.pick(&counties) };
            let place_name = if place.code == city.code { short.clone() } else { place.name_zh.clone() };
            let base = format!("{place_name}{}", g.pick(kinds));
            let n = names.entry(base.clone()).or_insert(0);
            *n += 1;
            let name = if *n == 1 { format!("{base}项目") } else { format!("{base}（{}期）项目", ["一", "二", "三", "四", "五"][(*n as usize - 1).min(4)]) };
            let planned = (units[i] + MIN_UNITS) as f64 * 100.0;
            let total = (planned * g.u(1.3, 4.0) / 100.0).round() * 100.0;
            // A sixth of the projects start during 2022 (April to June); the rest are under way.
            let start = if g.chance(1.0 / 6.0) {
                Period::Month(DEMO_YEAR, g.rng.random_range(4..=6))
            } else {
                Period::Month(g.rng.random_range(2019..=2022), g.rng.random_range(1..=12)).min(Period::Month(DEMO_YEAR, 3))
            };
            let end = Period::Month(g.rng.random_range(DEMO_YEAR..=2025), g.rng.random_range(1..=12)).max(Period::Month(DEMO_YEAR, 12));
            i += 1;
            out.push(KeyProject {
                year: DEMO_YEAR,
                code: format!("DEMO22-{i:03}"),
                name,
                region_code: place.code.clone(),
                industry: track.to_string(),
                kind: ProjectKind::Industry,
                total_investment: total,
                planned_investment: planned,
                start,
                end,
                lead_unit: lead.to_string(),
                status: if end == Period::Month(DEMO_YEAR, 12) { ProjectStatus::Completed } else { ProjectStatus::UnderConstruction },
                synthetic: true,
                recorded_by: DEMO_RECORDER.into(),
                recorded_at: String::new(),
            });
        }
    }
    Ok(out)
}

/// A year of monthly reports per project. Each project has a pace: how much of its planned
/// investment it completes by December (most 1.05–1.35, about one in six 0.55–0.85).
fn monthly_reports(g: &mut Gen, projects: &[KeyProject]) -> Vec<MonthlyReport> {
    let mut out = Vec::with_capacity(projects.len() * 12);
    for p in projects {
        let pace = if g.chance(1.0 / 6.0) { g.u(0.55, 0.85) } else { g.u(1.05, 1.35) };
        let first = if p.start.year() == DEMO_YEAR { p.start.months().0 } else { 1 };
        let w: Vec<f64> = (1..=12u8).map(|m| if m < first { 0.0 } else { SEASON[m as usize - 1] * g.u(0.75, 1.25) }).collect();
        let wsum: f64 = w.iter().sum();
        let year_total = p.planned_investment * pace;
        let mut cum = 0.0;
        let mut prev_ytd = 0.0;
        for m in 1..=12u8 {
            cum += w[m as usize - 1];
            // Whole 万元, rounded on the cumulative amount so months add up to the YTD exactly.
            let ytd = (year_total * cum / wsum).round();
            let share = ytd / p.planned_investment;
            let progress = if m < first {
                "未开工，前期手续办理中"
            } else if share < 0.3 {
                "场地平整及基础施工"
            } else if share < 0.6 {
                "主体结构施工"
            } else if share < 0.9 {
                "设备采购及安装"
            } else {
                "设备调试，部分产线投产"
            };
            out.push(MonthlyReport {
                year: DEMO_YEAR,
                code: p.code.clone(),
                month: m,
                month_investment: ytd - prev_ytd,
                ytd_investment: ytd,
                progress: progress.to_string(),
                synthetic: true,
                recorded_by: DEMO_RECORDER.into(),
                recorded_at: String::new(),
            });
            prev_ytd = ytd;
        }
    }
    out
}

/// Problems raised by projects: most lagging projects raise one, a few others too; about half are
/// resolved one to four months later.
fn project_problems(g: &mut Gen, projects: &[KeyProject], monthly: &[MonthlyReport]) -> Vec<Problem> {
    let mut out = Vec::new();
    for p in projects {
        let dec = monthly.iter().find(|r| r.code == p.code && r.month == 12).map_or(0.0, |r| r.ytd_investment);
        let lagging = dec < p.planned_investment * 0.9;
        if !(lagging && g.chance(0.8) || g.chance(0.08)) {
            continue;
        }
        let raised = g.rng.random_range(3..=8u8);
        let resolved = g.chance(0.5).then(|| raised + g.rng.random_range(1..=4u8));
        out.push(Problem {
            subject: Subject::KeyProject { year: p.year, code: p.code.clone() },
            raised: Period::Month(DEMO_YEAR, raised),
            seq: 1,
            department_code: Some(p.lead_unit.clone()),
            text: g.pick(PROBLEMS).to_string(),
            resolved: resolved.map(|m| Period::Month(DEMO_YEAR, m)),
            resolution: if resolved.is_some() { "已协调解决".into() } else { String::new() },
            synthetic: true,
            recorded_by: DEMO_RECORDER.into(),
            recorded_at: String::new(),
        });
    }
    out
}

/// How a task goes through the year.
#[derive(Clone, Copy, PartialEq)]
enum Path {
    OnTime,
    /// Late in the quarters before `q`, on time from `q`.
    CaughtUp(u8),
    /// Late from quarter `q` on.
    LateFrom(u8),
}

fn task_reports(g: &mut Gen, tasks: &[&LedgerItem], monthly: &[MonthlyReport]) -> (Vec<ProgressReport>, Vec<Problem>) {
    let mut reports = Vec::new();
    let mut problems = Vec::new();
    for item in tasks {
        // Task 17 is measured by the key projects themselves: its colour follows their data.
        let measured_by_projects = item.key.number == 17;
        let path = match g.u(0.0, 1.0) {
            _ if measured_by_projects => Path::OnTime,
            x if x < 0.76 => Path::OnTime,
            x if x < 0.88 => Path::CaughtUp(g.rng.random_range(2..=4u8)),
            _ => Path::LateFrom(g.rng.random_range(1..=4u8)),
        };
        // One task in twenty-five misses a quarter's report.
        let missing = g.chance(0.04).then(|| g.rng.random_range(1..=4u8));
        let done_early = matches!(path, Path::OnTime) && g.chance(0.25);
        let lead = item.lead_units.first().cloned().unwrap_or_default();
        for q in 1..=4u8 {
            if missing == Some(q) {
                continue;
            }
            let period = Period::Quarter(DEMO_YEAR, q);
            let late = match path {
                Path::OnTime => false,
                Path::CaughtUp(from) => q < from,
                Path::LateFrom(from) => q >= from,
            };
            let share = item.expected_share(&period);
            let mut r = ProgressReport {
                key: item.key.clone(),
                period,
                department_code: lead.clone(),
                status: ProgressStatus::InProgress,
                percent: None,
                values: BTreeMap::new(),
                milestones_reached: Vec::new(),
                narrative: String::new(),
                evidence: vec![format!("synthetic/{}-{}-{period}.pdf", item.key.plan_id, item.key.number)],
                contributions: Vec::new(),
                synthetic: true,
                recorded_by: DEMO_RECORDER.into(),
                recorded_at: String::new(),
            };
            let finished = !late && (q == 4 || (done_early && q >= 3));
            if late {
                r.percent = Some(((share * 100.0 - g.u(5.0, 25.0)).max(0.0)).floor());
                r.status = if g.chance(0.5) { ProgressStatus::Behind } else { ProgressStatus::InProgress };
                r.narrative = "工作推进慢于序时进度，正在加快推进（合成演示数据）".into();
            } else if finished {
                r.percent = Some(100.0);
                r.status = ProgressStatus::Completed;
                r.narrative = "年度任务已完成（合成演示数据）".into();
            } else {
                r.percent = Some((share * 100.0 + g.u(0.0, 12.0)).ceil().min(99.0));
                r.narrative = "按计划推进，进度符合序时要求（合成演示数据）".into();
            }
            for goal in &item.goals {
                let target = goal.value;
                let v = if measured_by_projects && goal.unit == "亿元" {
                    // The key projects' year-to-date investment at the quarter's end, in 亿元.
                    let m = 3 * q;
                    monthly.iter().filter(|x| x.month == m).map(|x| x.ytd_investment).sum::<f64>() / 10000.0
                } else if measured_by_projects && goal.unit == "个" {
                    target
                } else if goal.is_level() {
                    let end = match goal.relation {
                        Relation::Above => target + g.u(0.5, 5.0),
                        _ if target >= 100.0 => target,
                        _ => (target + g.u(0.0, 3.0)).min(100.0),
                    };
                    let v = if late && q == 4 { target * g.u(0.85, 0.97) } else { end * (0.88 + 0.03 * f64::from(q)) };
                    (v * 10.0).round() / 10.0
                } else if late {
                    let v = target * share * g.u(0.55, 0.9);
                    if target >= 1.0 && target.fract() == 0.0 { v.floor() } else { (v * 100.0).floor() / 100.0 }
                } else if finished {
                    let v = target * g.u(1.0, 1.15);
                    if target.fract() == 0.0 && target >= 1.0 { v.ceil() } else { (v * 100.0).ceil() / 100.0 }
                } else {
                    let v = target * share * g.u(1.0, 1.3);
                    if target >= 1.0 && target.fract() == 0.0 { v.ceil() } else { (v * 100.0).ceil() / 100.0 }
                };
                r.values.insert(goal.id.clone(), v);
            }
            if measured_by_projects {
                let invested = item.goals.iter().find(|x| x.unit == "亿元").and_then(|x| r.values.get(&x.id).map(|v| (*v, x.value)));
                if let Some((v, target)) = invested {
                    let pct = ((v / target * 1000.0).floor() / 10.0).min(100.0);
                    r.percent = Some(pct);
                    r.status = if q == 4 && v >= target { ProgressStatus::Completed } else { ProgressStatus::InProgress };
                    r.narrative = format!("{DEMO_PROJECTS} 个重点产业项目累计完成投资 {v:.2} 亿元（合成演示数据）");
                }
            }
            // The generator's intent must be what the rule says: an on-time report that rounding
            // made late is nudged up, a late one that came out on time is marked behind.
            if !late && !measured_by_projects && !lateness(item, &r).is_empty() {
                r.percent = r.percent.map(|p| p.max((share * 100.0).ceil()));
                for goal in &item.goals {
                    let need = if q == 4 { goal.value * 1.05 } else { goal.value * share };
                    if let Some(v) = r.values.get_mut(&goal.id) {
                        if !goal.is_met_by(*v) || *v < need {
                            *v = need.ceil().max(*v);
                        }
                    }
                }
            }
            if late && lateness(item, &r).is_empty() {
                r.status = ProgressStatus::Behind;
            }
            if let Some(coop) = item.coop_units.first() {
                if g.chance(0.3) {
                    r.contributions.push(Contribution {
                        department_code: coop.clone(),
                        narrative: "配合提供政策、数据和项目支持（合成演示数据）".into(),
                        synthetic: true,
                        recorded_by: DEMO_RECORDER.into(),
                        recorded_at: String::new(),
                    });
                }
            }
            if late && g.chance(0.5) {
                let resolved = (q < 4 && g.chance(0.5)).then(|| Period::Quarter(DEMO_YEAR, q + 1));
                problems.push(Problem {
                    subject: Subject::Item(item.key.clone()),
                    raised: period,
                    seq: 1,
                    department_code: Some(lead.clone()),
                    text: g.pick(TASK_PROBLEMS).to_string(),
                    resolved,
                    resolution: if resolved.is_some() { "已协调解决".into() } else { String::new() },
                    synthetic: true,
                    recorded_by: DEMO_RECORDER.into(),
                    recorded_at: String::new(),
                });
            }
            reports.push(r);
        }
    }
    (reports, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn season_weights_cover_the_year() {
        assert_eq!(SEASON.len(), 12);
        assert!(CITIES.iter().all(|c| c.2.iter().all(|t| TRACKS.iter().any(|x| x.0 == *t))));
        assert_eq!(CITIES.iter().map(|c| c.1).sum::<usize>(), DEMO_PROJECTS);
    }
}
