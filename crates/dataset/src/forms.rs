//! `forms/`: report forms, their indicators, validation rules and outlier bounds (the layout is in
//! `data/README.md`), parsed into `digecon_collect` types and checked against the catalogue.
//!
//! The directory is optional (a dataset without forms has none); when `forms/forms.csv` is there,
//! `forms/form_indicators.csv` must be too, `rules.csv` and `bounds.csv` may be absent, and any
//! other file under `forms/` is an error rather than something silently ignored.

use std::collections::{HashMap, HashSet};

use digecon_collect::rule::{Comparison, Rule, Severity};
use digecon_collect::{Bound, FilerSpec, FilingWindow, Form, FormIndicator, FormSet};
use digecon_core::{Department, Frequency, Indicator, Located, Period, Region, Source};

use crate::csvio::{Row, Table};
use crate::Files;

const FORMS: &str = "forms/forms.csv";
const FORM_INDICATORS: &str = "forms/form_indicators.csv";
const RULES: &str = "forms/rules.csv";
const BOUNDS: &str = "forms/bounds.csv";

pub(crate) fn parse_forms(
    files: &Files<'_>,
    regions: &[Region],
    departments: &[Department],
    indicators: &[Indicator],
    errors: &mut Vec<Located>,
) -> FormSet {
    let file = |name: &str| files.iter().find(|(p, _)| p == name).map(|(_, c)| *c);
    for (p, _) in files.iter().filter(|(p, _)| p.starts_with("forms/")) {
        if ![FORMS, FORM_INDICATORS, RULES, BOUNDS].contains(&p.as_str()) {
            errors.push(Located::at(p.clone(), 0, format!("未知的文件 / unknown file: forms/ holds only {FORMS}, {FORM_INDICATORS}, {RULES} and {BOUNDS}")));
        }
    }
    let Some(forms_text) = file(FORMS) else {
        for other in [FORM_INDICATORS, RULES, BOUNDS] {
            if file(other).is_some() {
                errors.push(Located::at(FORMS, 0, format!("文件缺失 / file is missing ({other} needs it)")));
            }
        }
        return FormSet::default();
    };
    let region_codes: HashSet<&str> = regions.iter().map(|r| r.code.as_str()).collect();
    let department_codes: HashSet<&str> = departments.iter().map(|d| d.code.as_str()).collect();
    let indicator_index: HashMap<&str, &Indicator> = indicators.iter().map(|i| (i.code.as_str(), i)).collect();

    let mut set = FormSet::default();
    if let Some(t) = Table::read(
        FORMS,
        forms_text,
        &[
            "code", "name_zh", "name_en", "frequency", "filers", "responsible_department", "opens_days", "due_days",
            "closes_days", "reconstruction", "basis", "source_doc", "source_quote",
        ],
        &[],
        errors,
    ) {
        let mut seen = HashMap::new();
        for row in t.rows() {
            if let Some(f) = form(&row, &region_codes, &department_codes, &mut seen, errors) {
                set.forms.push(f);
            }
        }
    }
    match file(FORM_INDICATORS) {
        None => errors.push(Located::at(FORM_INDICATORS, 0, "文件缺失 / file is missing from the dataset")),
        Some(text) => {
            if let Some(t) = Table::read(FORM_INDICATORS, text, &["form_code", "indicator_code", "decimals", "required"], &[], errors) {
                let mut seen = HashMap::new();
                for row in t.rows() {
                    form_indicator(&row, &mut set, &indicator_index, &mut seen, errors);
                }
            }
        }
    }
    for f in &set.forms {
        if f.indicators.is_empty() {
            errors.push(Located::at(FORM_INDICATORS, 0, format!("报表 {} 没有指标 / form {} has no indicators", f.code, f.code)));
        }
    }
    if let Some(text) = file(RULES) {
        if let Some(t) = Table::read(RULES, text, &["form_code", "code", "severity", "when", "expression", "message_zh", "message_en", "basis"], &[], errors) {
            let mut seen = HashMap::new();
            for row in t.rows() {
                rule(&row, &mut set, &indicator_index, &mut seen, errors);
            }
        }
    }
    if let Some(text) = file(BOUNDS) {
        if let Some(t) = Table::read(BOUNDS, text, &["region_code", "indicator_code", "lower", "upper", "basis"], &[], errors) {
            for row in t.rows() {
                if let Some(b) = bound(&row, &region_codes, &indicator_index, errors) {
                    set.bounds.push(b);
                }
            }
        }
    }
    set
}

fn form(
    row: &Row<'_>,
    regions: &HashSet<&str>,
    departments: &HashSet<&str>,
    seen: &mut HashMap<String, u64>,
    errors: &mut Vec<Located>,
) -> Option<Form> {
    let n = errors.len();
    let code = row.code("code", errors);
    let name_zh = row.required_text("name_zh", errors);
    let name_en = row.required_text("name_en", errors);
    let frequency: Option<Frequency> = row.parse("frequency", errors);
    let filer_names = row.list("filers", errors);
    let responsible = row.code("responsible_department", errors);
    let opens = row.int("opens_days", errors);
    let due = row.int("due_days", errors);
    let closes = row.int("closes_days", errors);
    let reconstruction = row.boolean("reconstruction", errors);
    let mut filers = Vec::new();
    match filer_names.as_deref() {
        Some([]) => errors.push(row.error("`filers` 为空 / `filers` is empty: name who files the form")),
        Some(names) => {
            for s in names {
                match s.parse::<FilerSpec>() {
                    Ok(FilerSpec::Region(c)) if !regions.contains(c.as_str()) => {
                        errors.push(row.error(format!("`filers`: 未知的地区代码 / unknown region code `{c}`")))
                    }
                    Ok(FilerSpec::Department(c)) if !departments.contains(c.as_str()) => {
                        errors.push(row.error(format!("`filers`: 未知的单位代码 / unknown department code `{c}`")))
                    }
                    Ok(spec) => filers.push(spec),
                    Err(e) => errors.push(row.error(format!("`filers`: {e}"))),
                }
            }
        }
        None => {}
    }
    if let Some(d) = &responsible {
        if !departments.contains(d.as_str()) {
            errors.push(row.error(format!("`responsible_department`: 未知的单位代码 / unknown department code `{d}`")));
        }
    }
    let fit = |x: Option<i64>| x.and_then(|v| i32::try_from(v).ok());
    let window = match (fit(opens), fit(due), fit(closes)) {
        (Some(o), Some(d), Some(c)) => {
            let w = FilingWindow { opens_days: o, due_days: d, closes_days: c };
            if let Err(m) = w.check() {
                errors.push(row.error(m));
            }
            Some(w)
        }
        _ => None,
    };
    if let Some(c) = &code {
        if let Some(first) = seen.get(c) {
            errors.push(row.error(format!("重复的键 / duplicate key `{c}` (first at line {first})")));
        } else {
            seen.insert(c.clone(), row.line);
        }
    }
    if errors.len() > n {
        return None;
    }
    Some(Form {
        code: code?,
        name_zh: name_zh?,
        name_en: name_en?,
        frequency: frequency?,
        filers,
        responsible_department: responsible?,
        window: window?,
        indicators: Vec::new(),
        rules: Vec::new(),
        reconstruction: reconstruction?,
        basis: row.text("basis"),
        source: Source { doc: row.text("source_doc"), quote: row.text("source_quote") },
    })
}

/// A period of the form's frequency, to ask an indicator whether it is collected that often.
fn sample_period(f: Frequency) -> Period {
    match f {
        Frequency::Year => Period::Year(2000),
        Frequency::Quarter => Period::Quarter(2000, 1),
        Frequency::Month => Period::Month(2000, 1),
    }
}

fn form_of<'s>(row: &Row<'_>, set: &'s mut FormSet, errors: &mut Vec<Located>) -> Option<&'s mut Form> {
    let code = row.code("form_code", errors)?;
    let found = set.forms.iter_mut().find(|f| f.code == code);
    if found.is_none() {
        errors.push(row.error(format!("未知的报表代码 / unknown form_code `{code}` (not in {FORMS})")));
    }
    found
}

fn form_indicator(
    row: &Row<'_>,
    set: &mut FormSet,
    indicators: &HashMap<&str, &Indicator>,
    seen: &mut HashMap<(String, String), u64>,
    errors: &mut Vec<Located>,
) {
    let n = errors.len();
    let code = row.code("indicator_code", errors);
    let decimals = row.int("decimals", errors).filter(|d| {
        let ok = (0..=6).contains(d);
        if !ok {
            errors.push(row.error(format!("`decimals` 应为 0 到 6 / `decimals` must be 0–6, not {d}")));
        }
        ok
    });
    let required = row.boolean("required", errors);
    let Some(form) = form_of(row, set, errors) else { return };
    if let Some(c) = &code {
        match indicators.get(c.as_str()) {
            None => errors.push(row.error(format!("未知的指标代码 / unknown indicator code `{c}`"))),
            Some(i) if !i.accepts(&sample_period(form.frequency)) => errors.push(row.error(format!(
                "指标频率不符 / {c} is collected by {}, form {} by {}",
                i.frequency, form.code, form.frequency
            ))),
            Some(_) => {}
        }
        let key = (form.code.clone(), c.clone());
        if let Some(first) = seen.get(&key) {
            errors.push(row.error(format!("重复的键 / duplicate key `{} {c}` (first at line {first})", form.code)));
        } else {
            seen.insert(key, row.line);
        }
    }
    if errors.len() > n {
        return;
    }
    form.indicators.push(FormIndicator { indicator_code: code.unwrap(), decimals: decimals.unwrap() as u8, required: required.unwrap() });
}

fn rule(
    row: &Row<'_>,
    set: &mut FormSet,
    indicators: &HashMap<&str, &Indicator>,
    seen: &mut HashMap<(String, String), u64>,
    errors: &mut Vec<Located>,
) {
    let n = errors.len();
    let code = row.code("code", errors);
    let severity: Option<Severity> = row.parse("severity", errors);
    let when: Option<Option<Comparison>> = row.parse_opt("when", errors);
    let check: Option<Comparison> = row.parse("expression", errors);
    let message_zh = row.required_text("message_zh", errors);
    let message_en = row.required_text("message_en", errors);
    for c in when.iter().flatten().chain(check.iter()) {
        for r in c.references() {
            if !indicators.contains_key(r) {
                errors.push(row.error(format!("规则引用了未知指标 / the rule refers to unknown indicator `{r}`")));
            }
        }
    }
    let Some(form) = form_of(row, set, errors) else { return };
    if let Some(c) = &code {
        let key = (form.code.clone(), c.clone());
        if let Some(first) = seen.get(&key) {
            errors.push(row.error(format!("重复的键 / duplicate key `{} {c}` (first at line {first})", form.code)));
        } else {
            seen.insert(key, row.line);
        }
    }
    if errors.len() > n {
        return;
    }
    form.rules.push(Rule {
        code: code.unwrap(),
        severity: severity.unwrap(),
        when: when.unwrap(),
        check: check.unwrap(),
        message_zh: message_zh.unwrap(),
        message_en: message_en.unwrap(),
        basis: row.text("basis"),
    });
}

fn bound(row: &Row<'_>, regions: &HashSet<&str>, indicators: &HashMap<&str, &Indicator>, errors: &mut Vec<Located>) -> Option<Bound> {
    let n = errors.len();
    let region = row.code("region_code", errors);
    let indicator = row.code("indicator_code", errors);
    let lower = row.number_opt("lower", errors);
    let upper = row.number_opt("upper", errors);
    if let Some(r) = &region {
        if r != "*" && !regions.contains(r.as_str()) {
            errors.push(row.error(format!("未知的地区代码 / unknown region code `{r}` (`*` = every region)")));
        }
    }
    if let Some(i) = &indicator {
        if !indicators.contains_key(i.as_str()) {
            errors.push(row.error(format!("未知的指标代码 / unknown indicator code `{i}`")));
        }
    }
    match (lower, upper) {
        (Some(None), Some(None)) => errors.push(row.error("`lower` 和 `upper` 至少填一个 / give `lower`, `upper` or both")),
        (Some(Some(l)), Some(Some(u))) if l > u => errors.push(row.error(format!("下限大于上限 / lower {l} is above upper {u}"))),
        _ => {}
    }
    if errors.len() > n {
        return None;
    }
    let region = region?;
    Some(Bound {
        region_code: (region != "*").then_some(region),
        indicator_code: indicator?,
        lower: lower?,
        upper: upper?,
        basis: row.text("basis"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use digecon_core::{Accumulation, Aggregation, DepartmentKind, Polarity, RegionLevel};

    fn parse(files: &[(&str, &str)]) -> (FormSet, Vec<String>) {
        let regions = vec![Region { code: "360702".into(), name_zh: "章贡区".into(), name_en: String::new(), level: RegionLevel::County, parent_code: None }];
        let departments = vec![Department {
            code: "360000-stats".into(),
            name_zh: "省统计局".into(),
            name_en: String::new(),
            region_code: "360702".into(),
            kind: DepartmentKind::Department,
            aliases: vec![],
            source: Source::default(),
        }];
        let ind = |code: &str, f: Frequency| Indicator {
            code: code.into(),
            name_zh: code.into(),
            name_en: code.into(),
            unit: "亿元".into(),
            frequency: f,
            accumulation: Accumulation::Period,
            polarity: Polarity::Positive,
            aggregation: Aggregation::Sum,
            category: String::new(),
            definition: String::new(),
            source_department: String::new(),
            formula: None,
        };
        let indicators = vec![ind("A", Frequency::Month), ind("Y", Frequency::Year)];
        let files: Files<'_> = files.iter().map(|(p, c)| (p.to_string(), *c)).collect();
        let mut errors = Vec::new();
        let set = parse_forms(&files, &regions, &departments, &indicators, &mut errors);
        (set, errors.iter().map(|e| e.to_string()).collect())
    }

    const FORMS_OK: &str = "code,name_zh,name_en,frequency,filers,responsible_department,opens_days,due_days,closes_days,reconstruction,basis,source_doc,source_quote\nM,月报,Monthly,month,level:county,360000-stats,1,10,40,true,b,d,q\n";

    #[test]
    fn a_good_form_and_each_problem_by_file_and_line() {
        let (set, errors) = parse(&[
            ("forms/forms.csv", FORMS_OK),
            ("forms/form_indicators.csv", "form_code,indicator_code,decimals,required\nM,A,2,true\n"),
            ("forms/rules.csv", "form_code,code,severity,when,expression,message_zh,message_en,basis\nM,R1,error,period_in_year > 1,A >= prev(A),累计,ytd,b\n"),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(set.forms[0].rules[0].check.to_string(), "A >= prev(A)");
        assert_eq!(set.forms[0].filers, vec![FilerSpec::Level(RegionLevel::County)]);

        let (_, errors) = parse(&[
            ("forms/forms.csv", &FORMS_OK.replace("1,10,40", "1,50,40").replace("level:county", "region:999999")),
            ("forms/form_indicators.csv", "form_code,indicator_code,decimals,required\nM,Y,2,true\nM,A,9,true\nX,A,2,true\n"),
            ("forms/rules.csv", "form_code,code,severity,when,expression,message_zh,message_en,basis\nM,R1,fatal,,A >= ,z,e,b\nM,R2,error,,B > 1,z,e,b\n"),
            ("forms/bounds.csv", "region_code,indicator_code,lower,upper,basis\n*,A,5,1,b\n"),
            ("forms/notes.csv", "x\n"),
        ]);
        let all = errors.join("\n");
        for want in [
            "forms/notes.csv: 未知的文件 / unknown file",
            "forms/forms.csv:2: `filers`: 未知的地区代码 / unknown region code `999999`",
            "forms/forms.csv:2: 填报期限顺序不对",
            "forms/form_indicators.csv:2: 未知的报表代码 / unknown form_code `M`",
            "forms/form_indicators.csv:3: `decimals` 应为 0 到 6",
            "forms/rules.csv:2: `severity`: 无效的严重程度 / invalid severity `fatal`",
            "forms/rules.csv:2: `expression`: 无效的表达式 / invalid expression `A >= ` at character 6",
            "forms/rules.csv:3: 规则引用了未知指标 / the rule refers to unknown indicator `B`",
            "forms/bounds.csv:2: 下限大于上限 / lower 5 is above upper 1",
        ] {
            assert!(all.contains(want), "expected `{want}` in\n{all}");
        }
        // With a valid form, an annual indicator on a monthly form is reported.
        let (_, errors) = parse(&[("forms/forms.csv", FORMS_OK), ("forms/form_indicators.csv", "form_code,indicator_code,decimals,required\nM,Y,2,true\n")]);
        assert!(errors.join("\n").contains("forms/form_indicators.csv:2: 指标频率不符 / Y is collected by year, form M by month"), "{errors:?}");
        let (_, errors) = parse(&[("forms/forms.csv", FORMS_OK)]);
        assert!(errors.join("\n").contains("forms/form_indicators.csv: 文件缺失"), "{errors:?}");
        let (set, errors) = parse(&[]);
        assert!(errors.is_empty() && set.forms.is_empty(), "no forms/ is no forms");
    }
}
