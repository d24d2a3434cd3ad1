//! Parsing each file of the dataset and checking the references between them.

use std::collections::{BTreeMap, HashMap, HashSet};

use digecon_core::{check_value, Limits, Located,
    is_indicator_code, Accumulation, Aggregation, Attribute, Constraint, Department,
    DepartmentKind, Formula, Frequency, Indicator, IndicatorAliases, Milestone, Observation, ObservationKey,
    ObservationStatus, Period, Plan, PlanKind, Polarity, Project, Region, RegionLevel, Relation,
    Source, Target, Task,
};

use crate::csvio::{Row, Table, OBSERVATION_COLUMNS};
use crate::{Catalog, DataErrors, Dataset, Files, Printed, TargetKey};

const REGIONS: &str = "regions.csv";
const DEPARTMENTS: &str = "departments.csv";
const PLANS: &str = "plans.csv";
const INDICATORS: &str = "indicators.csv";
const TARGETS: &str = "targets.csv";
const CONSTRAINTS: &str = "constraints.csv";
const TASKS: &str = "tasks.csv";
const PROJECTS: &str = "projects.csv";
const OBSERVATIONS_DIR: &str = "observations/";

pub(crate) fn parse_dataset(files: Files<'_>) -> Result<Dataset, DataErrors> {
    let mut errors = Vec::new();
    let file = |name: &str| files.iter().find(|(p, _)| p == name).map(|(_, c)| *c);
    let table = |name: &str, required: &[&str], optional: &[&str], errors: &mut Vec<Located>| match file(name) {
        Some(text) => Table::read(name, text, required, optional, errors),
        None => {
            errors.push(Located::at(name, 0, "文件缺失 / file is missing from the dataset"));
            None
        }
    };

    let mut ds = Dataset::default();
    if let Some(t) = table(REGIONS, &["code", "name_zh", "name_en", "level", "parent_code", "source"], &[], &mut errors) {
        ds.regions = regions(&t, &mut errors);
    }
    let region_index: HashMap<&str, &Region> = ds.regions.iter().map(|r| (r.code.as_str(), r)).collect();

    if let Some(t) = table(
        DEPARTMENTS,
        &["code", "name_zh", "name_en", "region_code", "kind", "aliases", "source_doc", "source_quote"],
        &[],
        &mut errors,
    ) {
        ds.departments = departments(&t, &region_index, &mut errors);
    }
    if let Some(t) = table(
        PLANS,
        &["id", "name_zh", "name_en", "kind", "region_code", "issuer", "issued", "start_year", "end_year", "source_doc"],
        &[],
        &mut errors,
    ) {
        ds.plans = plans(&t, &region_index, &mut errors);
    }
    if let Some(t) = table(
        INDICATORS,
        &[
            "code", "name_zh", "name_en", "unit", "frequency", "accumulation", "polarity", "aggregation",
            "category", "definition", "source_department", "formula",
        ],
        &["aliases", "unit_aliases"],
        &mut errors,
    ) {
        (ds.indicators, ds.indicator_aliases) = indicators(&t, &mut errors);
    }

    let catalog = Catalog::new(ds.regions.clone(), ds.indicators.clone()).with_aliases(ds.indicator_aliases.clone());
    let mut obs_files: Vec<&(String, &str)> =
        files.iter().filter(|(p, _)| p.starts_with(OBSERVATIONS_DIR) && p.ends_with(".csv")).collect();
    obs_files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut seen: HashMap<ObservationKey, (String, u64)> = HashMap::new();
    for (name, text) in obs_files {
        if let Ok(obs) = parse_observations_into(name, text, &catalog, &Limits::default(), &mut seen, &mut errors) {
            ds.observations.extend(obs);
        }
    }

    let units = UnitResolver::new(&ds.departments, &ds.regions);
    let plan_index: HashMap<&str, &Plan> = ds.plans.iter().map(|p| (p.id.as_str(), p)).collect();
    if let Some(t) = table(
        TARGETS,
        &[
            "plan_id", "region_code", "indicator_code", "base_year", "base_text", "base_value", "target_year",
            "target_text", "attribute", "stated_growth_text", "lead_units", "lead_units_text", "source_doc",
            "source_quote",
        ],
        &["printed_name", "printed_unit"],
        &mut errors,
    ) {
        (ds.targets, ds.target_printed) = targets(&t, &plan_index, &catalog, &units, &mut errors);
    }
    if let Some(t) = table(
        CONSTRAINTS,
        &["region_code", "indicator_code", "period", "relation", "value", "source_doc", "source_quote"],
        &[],
        &mut errors,
    ) {
        ds.constraints = constraints(&t, &catalog, &mut errors);
    }
    if let Some(t) = table(
        TASKS,
        &[
            "plan_id", "number", "section", "text", "lead_units", "lead_units_text", "coop_units",
            "coop_units_text", "source_doc",
        ],
        &[],
        &mut errors,
    ) {
        ds.tasks = tasks(&t, &plan_index, &units, &mut errors);
    }
    if let Some(t) = table(
        PROJECTS,
        &[
            "plan_id", "number", "category", "domain", "name", "content", "goal_text", "milestone_2023",
            "milestone_2025", "lead_units", "lead_units_text", "coop_units", "coop_units_text", "source_doc",
        ],
        &[],
        &mut errors,
    ) {
        ds.projects = projects(&t, &plan_index, &units, &mut errors);
    }
    if let Some(text) = file(crate::references::FILE) {
        ds.references = crate::references::parse(crate::references::FILE, text, Some(&catalog), &mut errors);
    }
    ds.forms = crate::forms::parse_forms(&files, &ds.regions, &ds.departments, &ds.indicators, &mut errors);

    if errors.is_empty() {
        Ok(ds)
    } else {
        Err(DataErrors(errors))
    }
}

/// Parses an observation file (the export layout) and checks it against `catalog`:
/// unknown region or indicator, bad period, a period the indicator is not collected at,
/// non-numeric value, a name that does not match its code, duplicate keys.
pub fn parse_observations(file: &str, text: &str, catalog: &Catalog) -> Result<Vec<Observation>, DataErrors> {
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    match parse_observations_into(file, text, catalog, &Limits::default(), &mut seen, &mut errors) {
        Ok(obs) if errors.is_empty() => Ok(obs),
        _ => Err(DataErrors(errors)),
    }
}

/// An observation import file read: its rows, and notes on how it was read (an encoding other
/// than UTF-8, tab-separated).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationFile {
    pub observations: Vec<Observation>,
    pub notes: Vec<String>,
}

/// Reads an observation import file from its bytes within `limits`: size first, then the
/// encoding (UTF-8 ± BOM, UTF-16 with a BOM, GBK when clearly Chinese — anything else refused
/// with line, byte offset and remedy), then the rows as [`parse_observations`] does.
pub fn parse_observation_file(file: &str, bytes: &[u8], catalog: &Catalog, limits: &Limits) -> Result<ObservationFile, DataErrors> {
    let whole = |e: Located| DataErrors(vec![e.in_file(file)]);
    digecon_core::limits::check_file_size(bytes.len() as u64, limits).map_err(whole)?;
    let decoded = digecon_core::text::decode(bytes).map_err(whole)?;
    let mut notes: Vec<String> = decoded.note().map(|n| format!("{file}: {n}")).into_iter().collect();
    if digecon_core::text::sniff_delimiter(&decoded.text) == b'\t' {
        notes.push(format!("{file}: 按制表符分隔读取 / read as tab-separated"));
    }
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    match parse_observations_into(file, &decoded.text, catalog, limits, &mut seen, &mut errors) {
        Ok(observations) if errors.is_empty() => Ok(ObservationFile { observations, notes }),
        _ => Err(DataErrors(errors)),
    }
}

fn parse_observations_into(
    file: &str,
    text: &str,
    catalog: &Catalog,
    limits: &Limits,
    seen: &mut HashMap<ObservationKey, (String, u64)>,
    errors: &mut Vec<Located>,
) -> Result<Vec<Observation>, ()> {
    let before = errors.len();
    let Some(t) = Table::read_limited(file, text, OBSERVATION_COLUMNS, &[], limits, errors) else { return Err(()) };
    let mut out = Vec::new();
    for row in t.rows() {
        let Some(o) = observation(&row, catalog, errors) else { continue };
        match seen.get(&o.key()) {
            Some((f, l)) => errors.push(row.error(format!(
                "重复的观测值 / duplicate observation {} × {} × {} (first at {f}:{l})",
                o.region_code, o.indicator_code, o.period
            ))),
            None => {
                seen.insert(o.key(), (file.to_string(), row.line));
                out.push(o);
            }
        }
    }
    if errors.len() == before {
        Ok(out)
    } else {
        Err(())
    }
}

fn observation(row: &Row<'_>, catalog: &Catalog, errors: &mut Vec<Located>) -> Option<Observation> {
    let n = errors.len();
    let region_code = row.code("region_code", errors);
    let indicator_code = row.code("indicator_code", errors);
    let period: Option<Period> = row.parse("period", errors);
    let value = row.number("value", errors).filter(|v| match check_value(*v) {
        Ok(()) => true,
        Err(e) => {
            errors.push(row.error(format!("`value` `{}`: {e}", row.raw("value"))));
            false
        }
    });
    let status: Option<ObservationStatus> = row.parse("status", errors);
    let synthetic = row.boolean("synthetic", errors);

    if let Some(code) = &region_code {
        match catalog.region(code) {
            None => errors.push(row.error(format!("未知的地区代码 / unknown region code `{code}`"))),
            Some(r) => {
                let name = row.text("region_name");
                if !name.is_empty() && name != r.name_zh {
                    errors.push(row.error(format!(
                        "地区名称与代码不符 / region_name `{name}` does not match {code} ({})",
                        r.name_zh
                    )));
                }
            }
        }
    }
    if let Some(code) = &indicator_code {
        match catalog.indicator(code) {
            None => errors.push(row.error(format!("未知的指标代码 / unknown indicator code `{code}`"))),
            Some(i) => {
                // The name and unit may be the page's own words when the catalogue lists them.
                let name = row.text("indicator_name");
                if !name.is_empty() && !catalog.names_indicator(code, &name) {
                    errors.push(unknown_name(row, "indicator_name", &name, i, &catalog.aliases(code)));
                }
                let unit = row.text("unit");
                if !unit.is_empty() && !catalog.spells_unit(code, &unit) {
                    errors.push(unknown_unit(row, "unit", &unit, i, &catalog.aliases(code)));
                }
                if let Some(p) = &period {
                    if !i.accepts(p) {
                        errors.push(row.error(format!(
                            "期间频率不符 / period {p} does not fit {code}, which is collected by {}",
                            i.frequency
                        )));
                    }
                }
            }
        }
    }
    if errors.len() > n {
        return None;
    }
    Some(Observation {
        region_code: region_code?,
        indicator_code: indicator_code?,
        period: period?,
        value: value?,
        status: status?,
        source: Source { doc: row.text("source_doc"), quote: row.text("source_quote") },
        synthetic: synthetic?,
    })
}

/// Reports a second row with the same key.
fn check_unique<K: std::hash::Hash + Eq + std::fmt::Display>(
    seen: &mut HashMap<K, u64>,
    key: K,
    row: &Row<'_>,
    errors: &mut Vec<Located>,
) -> bool {
    if let Some(first) = seen.get(&key) {
        errors.push(row.error(format!("重复的键 / duplicate key `{key}` (first at line {first})")));
        false
    } else {
        seen.insert(key, row.line);
        true
    }
}

fn regions(t: &Table, errors: &mut Vec<Located>) -> Vec<Region> {
    let mut out: Vec<(u64, Region)> = Vec::new();
    let mut seen = HashMap::new();
    for row in t.rows() {
        let n = errors.len();
        let code = row.code("code", errors);
        let name_zh = row.required_text("name_zh", errors);
        let level: Option<RegionLevel> = row.parse("level", errors);
        let parent = row.raw("parent_code");
        if let Some(c) = &code {
            let numeric = c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit());
            let zone = level == Some(RegionLevel::Zone);
            if !numeric && !zone {
                errors.push(row.error(format!("地区代码应为 6 位数字 / region code `{c}` must be 6 digits (GB/T 2260)")));
            }
            check_unique(&mut seen, c.clone(), &row, errors);
        }
        if level == Some(RegionLevel::Province) && !parent.is_empty() {
            errors.push(row.error("省级地区不应有上级 / a province has no parent_code"));
        }
        if level.is_some_and(|l| l != RegionLevel::Province) && parent.is_empty() {
            errors.push(row.error("缺少上级地区 / parent_code is empty"));
        }
        if errors.len() > n {
            continue;
        }
        out.push((
            row.line,
            Region {
                code: code.unwrap(),
                name_zh: name_zh.unwrap(),
                name_en: row.text("name_en"),
                level: level.unwrap(),
                parent_code: (!parent.is_empty()).then(|| parent.to_string()),
            },
        ));
    }
    // Parents must exist and sit one level up (a zone may hang under a province or a city).
    let levels: HashMap<&str, RegionLevel> = out.iter().map(|(_, r)| (r.code.as_str(), r.level)).collect();
    for (line, r) in &out {
        let Some(p) = &r.parent_code else { continue };
        let ok = match (levels.get(p.as_str()), r.level) {
            (None, _) => {
                errors.push(Located::at(t.file.clone(), *line, format!("未知的上级地区 / unknown parent_code `{p}`")));
                continue;
            }
            (Some(RegionLevel::Province), RegionLevel::City) => true,
            (Some(RegionLevel::City), RegionLevel::County) => true,
            (Some(RegionLevel::Province | RegionLevel::City), RegionLevel::Zone) => true,
            _ => false,
        };
        if !ok {
            errors.push(Located::at(t.file.clone(), *line, format!("上级地区层级不对 / a {} cannot have the {} `{p}` as parent", r.level, levels[p.as_str()])));
        }
    }
    out.into_iter().map(|(_, r)| r).collect()
}

fn departments(t: &Table, regions: &HashMap<&str, &Region>, errors: &mut Vec<Located>) -> Vec<Department> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in t.rows() {
        let n = errors.len();
        let code = row.code("code", errors);
        let name_zh = row.required_text("name_zh", errors);
        let region_code = row.code("region_code", errors);
        let kind: Option<DepartmentKind> = row.parse("kind", errors);
        let aliases = row.list("aliases", errors);
        if let Some(rc) = &region_code {
            if !regions.contains_key(rc.as_str()) {
                errors.push(row.error(format!("未知的地区代码 / unknown region code `{rc}`")));
            }
            if let Some(c) = &code {
                if !c.starts_with(&format!("{rc}-")) {
                    errors.push(row.error(format!("单位代码应以地区代码开头 / department code `{c}` must start with `{rc}-`")));
                }
            }
        }
        if let Some(c) = &code {
            check_unique(&mut seen, c.clone(), &row, errors);
        }
        if errors.len() > n {
            continue;
        }
        out.push(Department {
            code: code.unwrap(),
            name_zh: name_zh.unwrap(),
            name_en: row.text("name_en"),
            region_code: region_code.unwrap(),
            kind: kind.unwrap(),
            aliases: aliases.unwrap(),
            source: Source { doc: row.text("source_doc"), quote: row.text("source_quote") },
        });
    }
    out
}

/// A printed name that is neither the indicator's name nor one of its aliases, at its cell.
fn unknown_name(row: &Row<'_>, column: &str, name: &str, i: &Indicator, a: &IndicatorAliases) -> Located {
    let known = std::iter::once(&i.name_zh).chain(&a.names).map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    Located::at_column(
        row.file,
        row.line,
        column,
        format!(
            "指标名称与代码不符 / indicator name `{name}` does not match {}: expected {known} (add a printed name to the `aliases` of indicators.csv)",
            i.code
        ),
    )
}

/// A printed unit that is neither the indicator's unit nor one of its other spellings, at its cell.
fn unknown_unit(row: &Row<'_>, column: &str, unit: &str, i: &Indicator, a: &IndicatorAliases) -> Located {
    let known = std::iter::once(&i.unit).chain(&a.units).map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ");
    Located::at_column(
        row.file,
        row.line,
        column,
        format!("单位与指标不符 / unit `{unit}` does not match {}: expected {known} (add a spelling to the `unit_aliases` of indicators.csv)", i.code),
    )
}

fn plans(t: &Table, regions: &HashMap<&str, &Region>, errors: &mut Vec<Located>) -> Vec<Plan> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in t.rows() {
        let n = errors.len();
        let id = row.code("id", errors);
        let name_zh = row.required_text("name_zh", errors);
        let kind: Option<PlanKind> = row.parse("kind", errors);
        let region_code = row.code("region_code", errors);
        let start = row.int("start_year", errors);
        let end = row.int("end_year", errors);
        if let Some(rc) = &region_code {
            if !regions.contains_key(rc.as_str()) {
                errors.push(row.error(format!("未知的地区代码 / unknown region code `{rc}`")));
            }
        }
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                errors.push(row.error(format!("起始年晚于结束年 / start_year {s} is after end_year {e}")));
            }
        }
        if let Some(i) = &id {
            check_unique(&mut seen, i.clone(), &row, errors);
        }
        if errors.len() > n {
            continue;
        }
        out.push(Plan {
            id: id.unwrap(),
            name_zh: name_zh.unwrap(),
            name_en: row.text("name_en"),
            kind: kind.unwrap(),
            region_code: region_code.unwrap(),
            issuer: row.text("issuer"),
            issued: row.text("issued"),
            start_year: start.unwrap() as i32,
            end_year: end.unwrap() as i32,
            source_doc: row.text("source_doc"),
        });
    }
    out
}

fn indicators(t: &Table, errors: &mut Vec<Located>) -> (Vec<Indicator>, BTreeMap<String, IndicatorAliases>) {
    let mut out: Vec<(u64, Indicator)> = Vec::new();
    let mut aliases: BTreeMap<String, IndicatorAliases> = BTreeMap::new();
    let mut seen = HashMap::new();
    for row in t.rows() {
        let n = errors.len();
        let code = row.code("code", errors);
        let name_zh = row.required_text("name_zh", errors);
        let name_en = row.required_text("name_en", errors);
        let frequency: Option<Frequency> = row.parse("frequency", errors);
        let accumulation: Option<Accumulation> = row.parse("accumulation", errors);
        let polarity: Option<Polarity> = row.parse("polarity", errors);
        let aggregation: Option<Aggregation> = row.parse("aggregation", errors);
        let formula: Option<Option<Formula>> = row.parse_opt("formula", errors);
        let names = row.list("aliases", errors);
        let units = row.list("unit_aliases", errors);
        if let Some(c) = &code {
            if !is_indicator_code(c) {
                errors.push(row.error(format!("指标代码应为大写字母、数字和下划线 / indicator code `{c}` must be UPPER_SNAKE (A-Z, 0-9, _)")));
            }
            check_unique(&mut seen, c.clone(), &row, errors);
        }
        if errors.len() > n {
            continue;
        }
        let a = IndicatorAliases { names: names.unwrap(), units: units.unwrap() };
        if !a.is_empty() {
            aliases.insert(code.clone().unwrap(), a);
        }
        out.push((
            row.line,
            Indicator {
                code: code.unwrap(),
                name_zh: name_zh.unwrap(),
                name_en: name_en.unwrap(),
                unit: row.text("unit"),
                frequency: frequency.unwrap(),
                accumulation: accumulation.unwrap(),
                polarity: polarity.unwrap(),
                aggregation: aggregation.unwrap(),
                category: row.text("category"),
                definition: row.text("definition"),
                source_department: row.text("source_department"),
                formula: formula.unwrap(),
            },
        ));
    }
    let known: HashSet<&str> = out.iter().map(|(_, i)| i.code.as_str()).collect();
    for (line, i) in &out {
        if let Some(f) = &i.formula {
            for r in f.references() {
                if !known.contains(r) {
                    errors.push(Located::at(t.file.clone(), *line, format!("公式引用了未知指标 / formula `{f}` refers to unknown indicator `{r}`")));
                } else if r == i.code {
                    errors.push(Located::at(t.file.clone(), *line, format!("公式引用了自身 / formula `{f}` refers to the indicator itself")));
                }
            }
        }
    }
    // A printed name must say which indicator it is: no alias may be another indicator's name or
    // alias, nor repeat its own name.
    let mut owner: HashMap<&str, &str> = out.iter().map(|(_, i)| (i.name_zh.as_str(), i.code.as_str())).collect();
    let lines: HashMap<&str, u64> = out.iter().map(|(l, i)| (i.code.as_str(), *l)).collect();
    for (code, a) in &aliases {
        for name in &a.names {
            if let Some(other) = owner.insert(name.as_str(), code.as_str()) {
                errors.push(Located::at_column(
                    t.file.clone(),
                    lines[code.as_str()],
                    "aliases",
                    format!("别名重复 / alias `{name}` of {code} already names {other}"),
                ));
            }
        }
    }
    (out.into_iter().map(|(_, i)| i).collect(), aliases)
}

/// Resolves unit names as printed to department codes, within a plan's region tree.
struct UnitResolver<'a> {
    by_name: HashMap<&'a str, Vec<&'a Department>>,
    parents: HashMap<&'a str, &'a str>,
}

impl<'a> UnitResolver<'a> {
    fn new(departments: &'a [Department], regions: &'a [Region]) -> Self {
        let mut by_name: HashMap<&str, Vec<&Department>> = HashMap::new();
        for d in departments {
            by_name.entry(d.name_zh.as_str()).or_default().push(d);
            for a in &d.aliases {
                if a != &d.name_zh {
                    by_name.entry(a.as_str()).or_default().push(d);
                }
            }
        }
        let parents = regions
            .iter()
            .filter_map(|r| r.parent_code.as_deref().map(|p| (r.code.as_str(), p)))
            .collect();
        UnitResolver { by_name, parents }
    }

    fn ancestors(&self, mut code: &'a str) -> Vec<&'a str> {
        let mut out = vec![code];
        while let Some(p) = self.parents.get(code) {
            out.push(p);
            code = p;
        }
        out
    }

    /// A unit may belong to the plan's region, one of its ancestors, or one of its descendants.
    fn in_tree(&self, plan_region: &str, unit_region: &'a str) -> bool {
        self.ancestors(unit_region).contains(&plan_region) || self.ancestors(plan_region).contains(&unit_region)
    }

    fn resolve(&self, names: &[String], plan_region: &str, row: &Row<'_>, column: &str, errors: &mut Vec<Located>) -> Vec<String> {
        let mut out = Vec::new();
        for name in names {
            let candidates: Vec<&&Department> = self
                .by_name
                .get(name.as_str())
                .map(|v| v.iter().filter(|d| self.in_tree(plan_region, &d.region_code)).collect())
                .unwrap_or_default();
            match candidates.as_slice() {
                [d] => out.push(d.code.clone()),
                [] => errors.push(row.error(format!(
                    "`{column}`: 未知的单位 / unknown unit `{name}` (not in departments.csv for region {plan_region})"
                ))),
                many => errors.push(row.error(format!(
                    "`{column}`: 单位名称不唯一 / unit `{name}` is ambiguous: {}",
                    many.iter().map(|d| d.code.as_str()).collect::<Vec<_>>().join(", ")
                ))),
            }
        }
        out
    }
}

fn plan_of<'p>(row: &Row<'_>, plans: &HashMap<&str, &'p Plan>, errors: &mut Vec<Located>) -> Option<&'p Plan> {
    let id = row.code("plan_id", errors)?;
    match plans.get(id.as_str()) {
        Some(p) => Some(p),
        None => {
            errors.push(row.error(format!("未知的规划 / unknown plan_id `{id}`")));
            None
        }
    }
}

fn region_and_indicator(row: &Row<'_>, catalog: &Catalog, errors: &mut Vec<Located>) -> (Option<String>, Option<String>) {
    let region = row.code("region_code", errors).filter(|c| {
        let ok = catalog.region(c).is_some();
        if !ok {
            errors.push(row.error(format!("未知的地区代码 / unknown region code `{c}`")));
        }
        ok
    });
    let indicator = row.code("indicator_code", errors).filter(|c| {
        let ok = catalog.indicator(c).is_some();
        if !ok {
            errors.push(row.error(format!("未知的指标代码 / unknown indicator code `{c}`")));
        }
        ok
    });
    (region, indicator)
}

fn targets(
    t: &Table,
    plans: &HashMap<&str, &Plan>,
    catalog: &Catalog,
    units: &UnitResolver<'_>,
    errors: &mut Vec<Located>,
) -> (Vec<Target>, BTreeMap<TargetKey, Printed>) {
    let mut out = Vec::new();
    let mut printed_all = BTreeMap::new();
    let mut seen = HashMap::new();
    for row in t.rows() {
        let n = errors.len();
        let plan = plan_of(&row, plans, errors);
        let (region, indicator) = region_and_indicator(&row, catalog, errors);
        let base_year = row.int_opt("base_year", errors);
        let base_value = row.number_opt("base_value", errors);
        let target_year = row.int("target_year", errors);
        let target_text = row.required_text("target_text", errors);
        let attribute: Option<Option<Attribute>> = row.parse_opt("attribute", errors);
        let lead = row.list("lead_units", errors);
        if let (Some(Some(b)), Some(t)) = (base_year, target_year) {
            if b >= t {
                errors.push(row.error(format!("基期不早于目标年 / base_year {b} is not before target_year {t}")));
            }
        }
        if let (Some(p), Some(y)) = (plan, target_year) {
            if y < i64::from(p.start_year) - 1 || y > i64::from(p.end_year) {
                errors.push(row.error(format!(
                    "目标年不在规划期内 / target_year {y} is outside plan {} ({}–{})",
                    p.id, p.start_year, p.end_year
                )));
            }
        }
        let lead_codes = match (plan, &lead) {
            (Some(p), Some(names)) => units.resolve(names, &p.region_code, &row, "lead_units", errors),
            _ => Vec::new(),
        };
        // The page's words where they are not the catalogue's: each must be an alias.
        let printed = Printed { name: row.text("printed_name"), unit: row.text("printed_unit") };
        if let Some(i) = indicator.as_deref().and_then(|c| catalog.indicator(c)) {
            if !printed.name.is_empty() && !catalog.names_indicator(&i.code, &printed.name) {
                errors.push(unknown_name(&row, "printed_name", &printed.name, i, &catalog.aliases(&i.code)));
            }
            if !printed.unit.is_empty() && !catalog.spells_unit(&i.code, &printed.unit) {
                errors.push(unknown_unit(&row, "printed_unit", &printed.unit, i, &catalog.aliases(&i.code)));
            }
        }
        if let (Some(p), Some(r), Some(i), Some(y)) = (plan, &region, &indicator, target_year) {
            check_unique(&mut seen, format!("{} {r} {i} {y}", p.id), &row, errors);
        }
        if errors.len() > n {
            continue;
        }
        out.push(Target {
            plan_id: plan.unwrap().id.clone(),
            region_code: region.unwrap(),
            indicator_code: indicator.unwrap(),
            base_year: base_year.unwrap().map(|y| y as i32),
            base_text: row.text("base_text"),
            base_value: base_value.unwrap(),
            target_year: target_year.unwrap() as i32,
            target_text: target_text.unwrap(),
            attribute: attribute.unwrap(),
            stated_growth_text: row.text("stated_growth_text"),
            lead_units: lead_codes,
            lead_units_text: row.text("lead_units_text"),
            source: Source { doc: row.text("source_doc"), quote: row.text("source_quote") },
        });
        if printed != Printed::default() {
            printed_all.insert(crate::target_key(out.last().unwrap()), printed);
        }
    }
    (out, printed_all)
}

fn constraints(t: &Table, catalog: &Catalog, errors: &mut Vec<Located>) -> Vec<Constraint> {
    let mut out = Vec::new();
    for row in t.rows() {
        let n = errors.len();
        let (region, indicator) = region_and_indicator(&row, catalog, errors);
        let period: Option<Period> = row.parse("period", errors);
        let relation: Option<Relation> = row.parse("relation", errors);
        let value = row.number("value", errors);
        if relation == Some(Relation::Rank) && value.is_some_and(|v| v < 1.0 || v.fract() != 0.0) {
            errors.push(row.error("名次应为正整数 / a rank must be a positive whole number"));
        }
        if errors.len() > n {
            continue;
        }
        out.push(Constraint {
            region_code: region.unwrap(),
            indicator_code: indicator.unwrap(),
            period: period.unwrap(),
            relation: relation.unwrap(),
            value: value.unwrap(),
            source: Source { doc: row.text("source_doc"), quote: row.text("source_quote") },
        });
    }
    out
}

/// A task's or project's lead and co-operating units, resolved within its plan's region, and its
/// `plan #number` checked unique.
fn units_and_key(
    row: &Row<'_>,
    plan: Option<&Plan>,
    number: Option<i64>,
    units: &UnitResolver<'_>,
    seen: &mut HashMap<String, u64>,
    errors: &mut Vec<Located>,
) -> (Vec<String>, Vec<String>) {
    let lead = row.list("lead_units", errors);
    let coop = row.list("coop_units", errors);
    let (mut lead_codes, mut coop_codes) = (Vec::new(), Vec::new());
    if let Some(p) = plan {
        if let Some(names) = &lead {
            lead_codes = units.resolve(names, &p.region_code, row, "lead_units", errors);
        }
        if let Some(names) = &coop {
            coop_codes = units.resolve(names, &p.region_code, row, "coop_units", errors);
        }
        if let Some(num) = number {
            check_unique(seen, format!("{} #{num}", p.id), row, errors);
        }
    }
    (lead_codes, coop_codes)
}

fn tasks(t: &Table, plans: &HashMap<&str, &Plan>, units: &UnitResolver<'_>, errors: &mut Vec<Located>) -> Vec<Task> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in t.rows() {
        let n = errors.len();
        let plan = plan_of(&row, plans, errors);
        let number = row.int("number", errors).filter(|&x| {
            let ok = x >= 1;
            if !ok {
                errors.push(row.error("任务序号应从 1 开始 / task number must be ≥ 1"));
            }
            ok
        });
        let text = row.required_text("text", errors);
        let (lead_codes, coop_codes) = units_and_key(&row, plan, number, units, &mut seen, errors);
        if errors.len() > n {
            continue;
        }
        out.push(Task {
            plan_id: plan.unwrap().id.clone(),
            number: number.unwrap() as u32,
            section: row.text("section"),
            text: text.unwrap(),
            lead_units: lead_codes,
            lead_units_text: row.text("lead_units_text"),
            coop_units: coop_codes,
            coop_units_text: row.text("coop_units_text"),
            source_doc: row.text("source_doc"),
        });
    }
    out
}

fn projects(t: &Table, plans: &HashMap<&str, &Plan>, units: &UnitResolver<'_>, errors: &mut Vec<Located>) -> Vec<Project> {
    let mut out = Vec::new();
    let mut seen = HashMap::new();
    for row in t.rows() {
        let n = errors.len();
        let plan = plan_of(&row, plans, errors);
        let number = row.int("number", errors);
        let name = row.required_text("name", errors);
        let (lead_codes, coop_codes) = units_and_key(&row, plan, number, units, &mut seen, errors);
        if errors.len() > n {
            continue;
        }
        let milestones = [(2023, "milestone_2023"), (2025, "milestone_2025")]
            .into_iter()
            .filter(|(_, c)| !row.raw(c).is_empty())
            .map(|(year, c)| Milestone { year, text: row.text(c) })
            .collect();
        out.push(Project {
            plan_id: plan.unwrap().id.clone(),
            number: number.unwrap() as u32,
            category: row.text("category"),
            domain: row.text("domain"),
            name: name.unwrap(),
            content: row.text("content"),
            goal_text: row.text("goal_text"),
            milestones,
            lead_units: lead_codes,
            lead_units_text: row.text("lead_units_text"),
            coop_units: coop_codes,
            coop_units_text: row.text("coop_units_text"),
            source_doc: row.text("source_doc"),
        });
    }
    out
}
