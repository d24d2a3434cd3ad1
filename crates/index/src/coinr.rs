//! Readers for COINr's input layout: `iMeta` (the framework and the role of every column) and
//! `iData` (one row per unit). Missing values are empty fields or `NA`.

use std::collections::HashMap;
use std::io::Read;

use crate::data::UnitData;
use crate::error::{IndexError, Result};
use crate::framework::{Framework, Goalposts, NodeSpec};

/// What an iMeta file describes: the framework plus the group and denominator columns that the
/// iData file may hold.
#[derive(Debug, Clone, PartialEq)]
pub struct CoinrMeta {
    pub framework: Framework,
    /// Codes of rows with `Type = Group`.
    pub groups: Vec<String>,
    /// Codes of rows with `Type = Denominator`.
    pub denominators: Vec<String>,
    /// Codes of rows with `Type = Other` (read and ignored).
    pub others: Vec<String>,
}

fn headers<R: Read>(rdr: &mut csv::Reader<R>, source: &str) -> Result<Vec<String>> {
    let h = rdr.headers().map_err(|e| IndexError::at(source, 1, format!("无法读取表头 / cannot read the header: {e}")))?;
    Ok(h.iter().map(|s| s.trim_start_matches('\u{feff}').trim().to_string()).collect())
}

fn record_err(source: &str, e: csv::Error) -> IndexError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    IndexError::at(source, line, format!("CSV 格式错误 / malformed CSV: {e}"))
}

fn is_missing(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t == "NA"
}

/// Parses a number; empty and `NA` are missing (`None`).
fn parse_number(s: &str, source: &str, line: u64, column: &str) -> Result<Option<f64>> {
    if is_missing(s) {
        return Ok(None);
    }
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(IndexError::at_column(source, line, column, format!("应为数值或空 / expected a number, empty or NA, found `{s}`"))),
    }
}

/// Reads an iMeta file: columns `Level, iCode, iName, Direction, Weight, Parent, Type` (COINr's
/// names), optional `Target`, `Denominator`, `goalpost_lower`, `goalpost_upper`,
/// `goalpost_scale`; other columns (e.g. `Unit`) are ignored. `source` names the file in errors.
pub fn read_imeta<R: Read>(reader: R, source: &str) -> Result<CoinrMeta> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let h = headers(&mut rdr, source)?;
    let col = |name: &str| h.iter().position(|c| c == name);
    let need = |name: &str| {
        col(name).ok_or_else(|| IndexError::at(source, 1, format!("缺少列 / missing column `{name}` (expected COINr iMeta columns Level, iCode, Direction, Weight, Parent, Type)")))
    };
    let (c_level, c_code, c_dir, c_w, c_parent, c_type) =
        (need("Level")?, need("iCode")?, need("Direction")?, need("Weight")?, need("Parent")?, need("Type")?);
    let (c_name, c_target, c_den) = (col("iName"), col("Target"), col("Denominator"));
    let (c_gl, c_gu, c_gs) = (col("goalpost_lower"), col("goalpost_upper"), col("goalpost_scale"));
    let mut specs = Vec::new();
    let (mut groups, mut dens, mut others) = (vec![], vec![], vec![]);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| record_err(source, e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let field = |c: usize| rec.get(c).unwrap_or("").trim();
        let code = field(c_code).to_string();
        if code.is_empty() {
            return Err(IndexError::at_column(source, line, "iCode", "代码为空 / empty code"));
        }
        let num = |c: usize, name: &str| parse_number(field(c), source, line, name);
        let req = |c: usize, name: &str| -> Result<f64> {
            num(c, name)?.ok_or_else(|| IndexError::at_column(source, line, name, format!("`{code}`: 缺少数值 / a number is required for indicators and aggregates")))
        };
        match field(c_type) {
            "Indicator" | "Aggregate" => {
                let level = req(c_level, "Level")?;
                if level < 1.0 || level.fract() != 0.0 || level > 255.0 {
                    return Err(IndexError::at_column(source, line, "Level", format!("应为正整数 / expected a positive integer, found {level}")));
                }
                let is_ind = field(c_type) == "Indicator";
                if is_ind != (level == 1.0) {
                    return Err(IndexError::at_column(source, line, "Level", format!("`{code}`: 指标在层级 1, 聚合项在层级 ≥ 2 / indicators are at level 1 and aggregates at level ≥ 2, found {level}")));
                }
                let direction = req(c_dir, "Direction")?;
                if direction != 1.0 && direction != -1.0 {
                    return Err(IndexError::at_column(source, line, "Direction", format!("应为 1 或 -1 / expected 1 or -1, found {direction}")));
                }
                let opt = |c: Option<usize>, name: &str| match c {
                    Some(c) => num(c, name),
                    None => Ok(None),
                };
                let goalposts = match (opt(c_gl, "goalpost_lower")?, opt(c_gu, "goalpost_upper")?) {
                    (Some(lower), Some(upper)) => {
                        Some(Goalposts { lower, upper, scale: opt(c_gs, "goalpost_scale")?.unwrap_or(1.0) })
                    }
                    (None, None) => None,
                    _ => {
                        return Err(IndexError::at_column(source, line, "goalpost_lower", "下限与上限须同时给出 / give both goalpost_lower and goalpost_upper, or neither"))
                    }
                };
                let parent = field(c_parent);
                let weight = req(c_w, "Weight")?;
                specs.push(NodeSpec {
                    name: c_name.map(&field).filter(|s| !s.is_empty()).unwrap_or(&code).to_string(),
                    code,
                    level: level as u8,
                    parent: (!parent.is_empty()).then(|| parent.to_string()),
                    direction: direction as i8,
                    weight,
                    target: opt(c_target, "Target")?,
                    denominator: c_den.map(&field).filter(|s| !s.is_empty()).map(Into::into),
                    goalposts,
                });
            }
            "Group" => groups.push(code),
            "Denominator" => dens.push(code),
            "Other" => others.push(code),
            t => {
                return Err(IndexError::at_column(source, line, "Type", format!("应为 Indicator, Aggregate, Group, Denominator 或 Other / expected Indicator, Aggregate, Group, Denominator or Other, found `{t}`")))
            }
        }
    }
    let framework = Framework::new(specs).map_err(|e| IndexError::at(source, 0, e.to_string()))?;
    for n in framework.indicators() {
        if let Some(d) = &n.denominator {
            if !dens.contains(d) {
                return Err(IndexError::at(source, 0, format!("`{}`: 分母 `{d}` 不是 Denominator 行 / denominator `{d}` is not a row of Type Denominator", n.code)));
            }
        }
    }
    Ok(CoinrMeta { framework, groups, denominators: dens, others })
}

/// Reads an iData file against `meta`: `uCode` (required, unique, no spaces), optional `uName` and
/// `Time` (one value only: panel data is not supported), one column per indicator, and the group,
/// denominator and other columns iMeta names. Every other column is an error (an aggregate code
/// or an unknown name). Units are sorted by `uCode`, as COINr does.
pub fn read_idata<R: Read>(reader: R, source: &str, meta: &CoinrMeta) -> Result<UnitData> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let h = headers(&mut rdr, source)?;
    let fw = &meta.framework;
    let col_err = |column: &str, message: String| IndexError::at_column(source, 1, column, message);
    enum Role {
        Code,
        Name,
        Time,
        Indicator(usize),
        Group(usize),
        Denominator(usize),
        Other,
    }
    let mut roles = Vec::with_capacity(h.len());
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for name in &h {
        if seen.insert(name, ()).is_some() {
            return Err(col_err(name, "列名重复 / duplicate column".into()));
        }
        let role = match name.as_str() {
            "uCode" => Role::Code,
            "uName" => Role::Name,
            "Time" => Role::Time,
            n => {
                if let Some(i) = fw.find(n) {
                    if i >= fw.n_indicators() {
                        return Err(col_err(n, "聚合项不能是数据列 / an aggregate code cannot be an iData column".into()));
                    }
                    Role::Indicator(i)
                } else if let Some(g) = meta.groups.iter().position(|g| g == n) {
                    Role::Group(g)
                } else if let Some(d) = meta.denominators.iter().position(|d| d == n) {
                    Role::Denominator(d)
                } else if meta.others.iter().any(|o| o == n) {
                    Role::Other
                } else {
                    return Err(col_err(n, "iMeta 中没有这一列 / column not described in iMeta (expected uCode, uName, Time or an iMeta iCode)".into()));
                }
            }
        };
        roles.push(role);
    }
    if !roles.iter().any(|r| matches!(r, Role::Code)) {
        return Err(IndexError::at(source, 1, "缺少 uCode 列 / missing column `uCode`"));
    }
    for (i, n) in fw.indicators().iter().enumerate() {
        if !roles.iter().any(|r| matches!(r, Role::Indicator(j) if *j == i)) {
            return Err(IndexError::at(source, 1, format!("缺少指标列 / missing indicator column `{}`", n.code)));
        }
    }
    let mut codes = Vec::new();
    let mut names: Vec<Option<String>> = Vec::new();
    let mut inds = vec![Vec::new(); fw.n_indicators()];
    let mut groups = vec![Vec::new(); meta.groups.len()];
    let mut dens = vec![Vec::new(); meta.denominators.len()];
    let mut time: Option<(String, u64)> = None;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| record_err(source, e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let mut name = None;
        for (k, role) in roles.iter().enumerate() {
            let v = rec.get(k).unwrap_or("");
            match role {
                Role::Code => {
                    let c = v.trim();
                    if c.is_empty() || c.contains(char::is_whitespace) {
                        return Err(IndexError::at_column(source, line, "uCode", format!("应为非空且无空格的代码 / expected a non-empty code without spaces, found `{v}`")));
                    }
                    if codes.iter().any(|x: &String| x == c) {
                        return Err(IndexError::at_column(source, line, "uCode", format!("单位代码重复 / duplicate unit code `{c}`")));
                    }
                    codes.push(c.to_string());
                }
                Role::Name => name = Some(v.trim().to_string()),
                Role::Time => {
                    let t = v.trim().to_string();
                    match &time {
                        None => time = Some((t, line)),
                        Some((t0, l0)) if *t0 != t => {
                            return Err(IndexError::at_column(source, line, "Time", format!("不支持面板数据 / panel data is not supported: Time `{t}` differs from `{t0}` on line {l0}; give one time point")))
                        }
                        _ => {}
                    }
                }
                Role::Indicator(i) => {
                    inds[*i].push(parse_number(v, source, line, &h[k])?.unwrap_or(f64::NAN))
                }
                Role::Group(g) => groups[*g].push((!is_missing(v)).then(|| v.trim().to_string())),
                Role::Denominator(d) => dens[*d].push(parse_number(v, source, line, &h[k])?.unwrap_or(f64::NAN)),
                Role::Other => {}
            }
        }
        names.push(name);
    }
    let names = names
        .into_iter()
        .zip(&codes)
        .map(|(n, c)| n.filter(|s| !s.is_empty()).unwrap_or_else(|| c.clone()))
        .collect();
    let mut data = UnitData {
        codes,
        names,
        groups: meta.groups.iter().cloned().zip(groups).collect(),
        denominators: meta.denominators.iter().cloned().zip(dens).collect(),
        indicators: inds,
    };
    // Columns named in iMeta but absent from iData stay absent; a step that needs one says so.
    data.groups.retain(|(g, _)| h.contains(g));
    data.denominators.retain(|(d, _)| h.contains(d));
    data.check()?;
    data.sort_by_code();
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: &str = "Level,iCode,iName,Direction,Weight,Target,Denominator,Parent,Type\n\
        1,a,A,1,1,10,Pop,P,Indicator\n\
        1,b,B,-1,2,,,P,Indicator\n\
        2,P,Pillar,1,1,,,,Aggregate\n\
        ,grp,Group,,,,,,Group\n\
        ,Pop,Population,,,,,,Denominator\n";

    #[test]
    fn reads_meta_and_data_sorted_by_code() {
        let m = read_imeta(META.as_bytes(), "iMeta.csv").unwrap();
        assert_eq!(m.groups, ["grp"]);
        assert_eq!(m.framework.indicators()[0].target, Some(10.0));
        assert_eq!(m.framework.indicators()[1].direction, -1);
        let d = "uName,uCode,grp,Time,Pop,a,b\nZed,ZZ,x,2018,5,1,NA\nAy,AA,y,2018,2,,3.5\n";
        let u = read_idata(d.as_bytes(), "iData.csv", &m).unwrap();
        assert_eq!(u.codes, ["AA", "ZZ"]);
        assert_eq!(u.names, ["Ay", "Zed"]);
        assert!(u.indicators[0][0].is_nan());
        assert_eq!(u.indicators[0][1], 1.0);
        assert_eq!(u.indicators[1][0], 3.5);
        assert_eq!(u.group("grp").unwrap(), &[Some("y".to_string()), Some("x".to_string())]);
        assert_eq!(u.denominator("Pop").unwrap(), &[2.0, 5.0]);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let m = read_imeta(META.as_bytes(), "iMeta.csv").unwrap();
        let d = "uCode,a,b\nAA,1,2\nBB,x1,2\n";
        let e = read_idata(d.as_bytes(), "iData.csv", &m).unwrap_err().to_string();
        assert_eq!(e, "iData.csv:3:a: 应为数值或空 / expected a number, empty or NA, found `x1`");
        let d = "uCode,a,b,P\nAA,1,2,3\n";
        let e = read_idata(d.as_bytes(), "iData.csv", &m).unwrap_err().to_string();
        assert!(e.starts_with("iData.csv:1:P: 聚合项不能是数据列"), "{e}");
        let bad = META.replace("-1,2,,,P", "0,2,,,P");
        let e = read_imeta(bad.as_bytes(), "iMeta.csv").unwrap_err().to_string();
        assert!(e.starts_with("iMeta.csv:3:Direction"), "{e}");
        let d = "uCode,Time,a,b\nAA,2018,1,2\nBB,2019,1,2\n";
        let e = read_idata(d.as_bytes(), "iData.csv", &m).unwrap_err().to_string();
        assert!(e.contains("panel data is not supported"), "{e}");
    }
}
