//! `digecon index ahp` and `digecon index industry` as a user runs them: AHP weights of a
//! hand-checkable matrix, an inconsistent matrix rejected with its worst judgement named, malformed
//! matrices reported at file, line and column; the Ganzhou plan's Table 3 reproduced with its
//! printed priorities and nine-box zones; a user's scores table; a small hand-made experts file.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

struct Run {
    out: String,
    err: String,
    ok: bool,
}

fn digecon(dir: &Path, args: &[&str]) -> Run {
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_digecon")).args(args).current_dir(dir).output().expect("run digecon");
    Run { out: String::from_utf8(stdout).unwrap(), err: String::from_utf8(stderr).unwrap(), ok: status.success() }
}

fn ok(r: Run, what: &str) -> Run {
    assert!(r.ok, "{what}: {}\n{}", r.err, r.out);
    r
}

/// The error message of a run that must fail.
fn fails(r: Run, what: &str) -> String {
    assert!(!r.ok, "{what} should fail: {}", r.out);
    assert!(r.out.is_empty(), "{what}: nothing on stdout when failing: {}", r.out);
    r.err
}

/// `--format csv` output as header → cell maps.
fn csv_rows(out: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records().map(|x| h.iter().cloned().zip(x.unwrap().iter().map(String::from)).collect()).collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: `{s}`"))
}

// ---------------------------------------------------------------------------------------------
// AHP

/// `index ahp --format csv` on `text`: (criterion or quantity) → value.
fn ahp(dir: &Path, text: &str) -> HashMap<String, String> {
    std::fs::write(dir.join("m.csv"), text).unwrap();
    let r = ok(digecon(dir, &["index", "ahp", "--matrix", "m.csv", "--format", "csv"]), "index ahp");
    csv_rows(&r.out)
        .into_iter()
        .map(|m| {
            let key = if m["quantity"] == "weight" { m["criterion"].clone() } else { m["quantity"].clone() };
            (key, m["value"].clone())
        })
        .collect()
}

#[test]
fn ahp_weights_of_a_consistent_matrix_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    // aᵢⱼ = wᵢ/wⱼ with w ∝ (4, 2, 1): every column is proportional to w, so w = (4/7, 2/7, 1/7),
    // A·w = 3·w, λmax = n = 3, CI = (3 − 3)/2 = 0, CR = 0/0.58 = 0.
    let m = ahp(dir.path(), ",市场,技术,人才\n市场,1,2,4\n技术,1/2,1,2\n人才,1/4,1/2,1\n");
    for (c, w) in [("市场", 4.0 / 7.0), ("技术", 2.0 / 7.0), ("人才", 1.0 / 7.0)] {
        assert!((num(&m[c]) - w).abs() < 1e-6, "{c}: {} vs {w}", m[c]);
    }
    assert_eq!((m["市场"].as_str(), m["技术"].as_str(), m["人才"].as_str()), ("0.571429", "0.285714", "0.142857"));
    assert_eq!(m["lambda_max"], "3.000000");
    assert_eq!(m["CI"], "0.000000");
    assert_eq!(m["RI"], "0.580000");
    assert_eq!(m["CR"], "0.000000");
    assert!(m["acceptable"].contains("yes"), "{m:?}");

    // A named top-left cell, a comment line, spaces, and 1/3 typed as 0.333 (accepted:
    // |3·0.333 − 1| = 0.001 ≤ 0.005). The matrix is used as given: for [[1, a], [b, 1]] the
    // eigenvector has w₁/w₂ = √(a/b) = √(3/0.333) = 3.001501, so w₁ = 3.001501/4.001501 = 0.750094
    // (not quite 3/4); λmax = 1 + √(ab) = 1.999500 < 2, so CI is 0 (clamped) and so is CR.
    let m = ahp(dir.path(), "# weights of two criteria\ncriterion, a , b\na, 1, 3\nb, 0.333, 1\n");
    let r = (3.0f64 / 0.333).sqrt();
    assert!((num(&m["a"]) - r / (1.0 + r)).abs() < 1e-6 && (num(&m["b"]) - 1.0 / (1.0 + r)).abs() < 1e-6, "{m:?}");
    assert_eq!((m["a"].as_str(), m["b"].as_str(), m["lambda_max"].as_str(), m["CR"].as_str()), ("0.750094", "0.249906", "1.999500", "0.000000"));
    // With the fraction 1/3 the weights are exactly 3/4 and 1/4.
    let m = ahp(dir.path(), ",a,b\na,1,3\nb,1/3,1\n");
    assert_eq!((m["a"].as_str(), m["b"].as_str()), ("0.750000", "0.250000"));

    // The table for people: the same numbers.
    std::fs::write(dir.path().join("t.csv"), ",市场,技术,人才\n市场,1,2,4\n技术,0.5,1,2\n人才,0.25,0.5,1\n").unwrap();
    let t = ok(digecon(dir.path(), &["index", "ahp", "--matrix", "t.csv"]), "table").out;
    assert!(t.contains("市场") && t.contains("0.571429") && t.contains("lambda_max") && t.contains("3.000000"), "{t}");
}

#[test]
fn an_inconsistent_matrix_is_rejected_naming_the_worst_judgement() {
    let dir = tempfile::tempdir().unwrap();
    // A consistent 4×4 matrix for w ∝ (8, 4, 2, 1) but for one judgement turned round: A : D = 1/8
    // instead of 8 (and D : A = 8). The eigenvector puts A : D at w_A/w_D ≈ 0.66, far from 1/8.
    std::fs::write(dir.path().join("bad.csv"), ",A,B,C,D\nA,1,2,4,1/8\nB,1/2,1,2,4\nC,1/4,1/2,1,2\nD,8,1/4,1/2,1\n").unwrap();
    let e = fails(digecon(dir.path(), &["index", "ahp", "--matrix", "bad.csv"]), "inconsistent");
    assert!(e.contains("bad.csv: 判断矩阵不一致 / inconsistent pairwise matrix: CR = "), "{e}");
    assert!(e.contains("≥ 0.1") && e.contains("RI = 0.9"), "{e}");
    assert!(e.contains("最不一致的判断 / most inconsistent judgements: A : D 给定 / given 0.125"), "{e}");

    // A circular preference: 市场 > 技术 (9), 技术 > 人才 (9), 人才 > 市场 (9).
    std::fs::write(dir.path().join("circle.csv"), ",市场,技术,人才\n市场,1,9,1/9\n技术,1/9,1,9\n人才,9,1/9,1\n").unwrap();
    let e = fails(digecon(dir.path(), &["index", "ahp", "--matrix", "circle.csv"]), "circular");
    assert!(e.contains("circle.csv: 判断矩阵不一致") && e.contains("市场 : 技术") && e.contains("技术 : 人才"), "{e}");
}

#[test]
fn malformed_matrices_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        // non-positive entry
        (",a,b\na,1,0\nb,0,1\n", "f.csv:2:3:", &["a : b", "positive", "`0`"]),
        (",a,b\na,1,2\nb,-0.5,1\n", "f.csv:3:2:", &["b : a", "positive", "`-0.5`"]),
        // not a number
        (",a,b\na,1,x\nb,1/2,1\n", "f.csv:2:3:", &["expected a number or a fraction", "`x`"]),
        (",a,b\na,1,\nb,1/2,1\n", "f.csv:2:3:", &["expected a number or a fraction", "``"]),
        // a_ij·a_ji ≠ 1: reported at the lower cell, naming the upper one
        (",a,b,c\na,1,2,4\nb,1/2,1,2\nc,1/4,2,1\n", "f.csv:4:3:", &["c : b = 2", "b : c = 2 at line 3, column 4", "product 4.0000", "not the reciprocal"]),
        // diagonal
        (",a,b\na,2,2\nb,1/2,1\n", "f.csv:2:2:", &["diagonal", "must be 1", "`2`"]),
        // not square: a short row, a long row, a missing row, an extra row
        (",a,b,c\na,1,2\nb,1/2,1,2\nc,1/4,1/2,1\n", "f.csv:2:4:", &["the row has 3 cells, expected 4", "not square"]),
        (",a,b\na,1,2,3\nb,1/2,1\n", "f.csv:2:4:", &["the row has 4 cells, expected 3", "not square"]),
        (",a,b,c\na,1,2,4\nb,1/2,1,2\n", "f.csv:4:", &["only 2 rows of judgements, expected 3", "no row for c"]),
        (",a,b\na,1,2\nb,1/2,1\nc,1,1\n", "f.csv:4:1:", &["extra row `c`", "2 × 2"]),
        // row and column names differ
        (",a,b\na,1,2\nx,1/2,1\n", "f.csv:3:1:", &["starts with `x`", "column 3 of the header is `b`", "not in the header"]),
        (",a,b\nb,1,2\na,1/2,1\n", "f.csv:2:1:", &["starts with `b`", "column 2 of the header is `a`", "different order"]),
        (",a,a\na,1,2\na,1/2,1\n", "f.csv:1:3:", &["`a` repeats column 2"]),
        (",a,\na,1,2\nb,1/2,1\n", "f.csv:1:3:", &["empty criterion name"]),
        ("", "f.csv: 文件为空 / empty file", &[]),
    ];
    for (text, location, words) in cases {
        std::fs::write(dir.path().join("f.csv"), text).unwrap();
        let e = fails(digecon(dir.path(), &["index", "ahp", "--matrix", "f.csv"]), text);
        assert!(e.starts_with(&format!("错误 / error: {location}")), "{text:?}: {e}");
        for w in *words {
            assert!(e.contains(w), "{text:?}: `{w}` not in {e}");
        }
    }
    let e = fails(digecon(dir.path(), &["index", "ahp", "--matrix", "missing.csv"]), "missing file");
    assert!(e.contains("missing.csv: 无法读取 / cannot read"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Industry selection

fn by_industry(rows: &[HashMap<String, String>], key: &str, name: &str) -> HashMap<String, String> {
    rows.iter().find(|r| r[key] == name).unwrap_or_else(|| panic!("no row {name}")).clone()
}

#[test]
fn industry_reproduces_table3_with_its_priorities_and_nine_box() {
    let dir = tempfile::tempdir().unwrap();
    let r = ok(digecon(dir.path(), &["index", "industry", "--format", "csv"]), "index industry");
    let rows = csv_rows(&r.out);
    assert_eq!(rows.len(), 18);
    // Table 3's first row: 1 PCB 8.27 8.10 8.19; (8.27 + 8.10)/2 = 8.185 → 8.19 (half up).
    let pcb = &rows[0];
    assert_eq!(
        [&pcb["number"], &pcb["industry_zh"], &pcb["attractiveness"], &pcb["competitiveness"], &pcb["priority"], &pcb["printed_priority"], &pcb["agrees"]],
        ["1", "PCB", "8.27", "8.10", "8.19", "8.19", "是 / yes"]
    );
    // Every printed priority agrees with the rule: 17 exactly, 人工智能 within the rounding of
    // its scores ((7.73 + 7.44)/2 = 7.585 → 7.59 by the rule, printed 7.58).
    for row in &rows {
        if row["industry_zh"] == "人工智能" {
            assert_eq!((row["priority"].as_str(), row["printed_priority"].as_str(), row["agrees"].as_str()), ("7.59", "7.58", "舍入内 / within rounding"));
        } else {
            assert_eq!(row["priority"], row["printed_priority"], "{row:?}");
            assert_eq!(row["agrees"], "是 / yes", "{row:?}");
        }
    }
    // The other rows ending in 5 in the third decimal round up: 区块链 (7.49 + 6.60)/2 = 7.045,
    // 智能网联 (6.49 + 5.52)/2 = 6.005.
    assert_eq!(by_industry(&rows, "industry_zh", "区块链")["priority"], "7.05");
    assert_eq!(by_industry(&rows, "industry_zh", "智能网联")["priority"], "6.01");
    assert_eq!(rows[17]["industry_zh"], "大数据");
    assert_eq!((rows[17]["attractiveness"].as_str(), rows[17]["competitiveness"].as_str(), rows[17]["priority"].as_str()), ("6.04", "5.28", "5.66"));
    assert!(r.err.contains("17 个等于规则值 / equal the rule, 1 个在舍入范围内 / within rounding (人工智能), 0 个不符 / disagree"), "{}", r.err);

    // Nine-box with cuts at 10/3 and 20/3.
    let zone = |n: &str| {
        let r = by_industry(&rows, "industry_zh", n);
        (r["attractiveness_band"].clone(), r["competitiveness_band"].clone(), r["ge_zone"].clone())
    };
    let t = |a: &str, c: &str, z: &str| (a.to_string(), c.to_string(), z.to_string());
    // PCB 8.27 / 8.10: high, high → invest.
    assert_eq!(zone("PCB"), t("高 / high", "高 / high", "重点发展 / invest"));
    // 区块链 7.49 / 6.60: high, medium (6.60 < 6.667) → invest.
    assert_eq!(zone("区块链"), t("高 / high", "中 / medium", "重点发展 / invest"));
    // 时空大数据 7.22 / 6.68: 6.68 ≥ 6.667 is high → invest.
    assert_eq!(zone("时空大数据"), t("高 / high", "高 / high", "重点发展 / invest"));
    // 集成电路 6.66 / 5.73: medium, medium → selective; so is 大数据 6.04 / 5.28.
    assert_eq!(zone("集成电路"), t("中 / medium", "中 / medium", "选择发展 / selective"));
    assert_eq!(zone("大数据"), t("中 / medium", "中 / medium", "选择发展 / selective"));

    // The table for people carries the same figures.
    let t = ok(digecon(dir.path(), &["index", "industry"]), "table").out;
    let pcb = t.lines().find(|l| l.contains("PCB")).unwrap();
    assert!(pcb.contains("8.27") && pcb.contains("8.10") && pcb.contains("8.19") && pcb.contains("重点发展 / invest"), "{pcb}");
}

#[test]
fn industry_with_a_users_scores_table() {
    let dir = tempfile::tempdir().unwrap();
    // No priority column: the rule gives (7.49 + 6.60)/2 = 7.045 → 7.05 and (2 + 9)/2 = 5.50;
    // 2 / 9 is low, high → selective; 1 / 3 is low, low → harvest.
    std::fs::write(dir.path().join("s.csv"), "number,industry_zh,industry_en,attractiveness,competitiveness\n1,甲,a,7.49,6.60\n2,乙,b,2,9\n3,丙,c,1,3\n").unwrap();
    let r = ok(digecon(dir.path(), &["index", "industry", "--scores", "s.csv", "--format", "csv"]), "scores");
    let rows = csv_rows(&r.out);
    let p: Vec<(&str, &str, &str, &str)> = rows.iter().map(|r| (r["industry_zh"].as_str(), r["priority"].as_str(), r["printed_priority"].as_str(), r["ge_zone"].as_str())).collect();
    assert_eq!(p, [("甲", "7.05", "", "重点发展 / invest"), ("乙", "5.50", "", "选择发展 / selective"), ("丙", "2.00", "", "维持收获 / harvest")]);
    assert!(r.err.is_empty(), "{}", r.err);

    // A printed priority that disagrees is shown, not hidden.
    std::fs::write(dir.path().join("p.csv"), "number,industry_zh,industry_en,attractiveness,competitiveness,priority\n1,甲,a,7.50,6.20,6.90\n").unwrap();
    let r = ok(digecon(dir.path(), &["index", "industry", "--scores", "p.csv", "--format", "csv"]), "printed");
    let rows = csv_rows(&r.out);
    assert_eq!((rows[0]["priority"].as_str(), rows[0]["printed_priority"].as_str(), rows[0]["agrees"].as_str()), ("6.85", "6.90", "否 / no"));
    assert!(r.err.contains("1 个不符 / disagree (甲)"), "{}", r.err);

    // Errors name the user's file.
    std::fs::write(dir.path().join("bad.csv"), "number,industry_zh,industry_en,attractiveness,competitiveness\n1,甲,a,7.5,x\n").unwrap();
    let e = fails(digecon(dir.path(), &["index", "industry", "--scores", "bad.csv"]), "bad scores");
    assert!(e.contains("bad.csv:2:competitiveness: 应为数值 / expected a number, found `x`"), "{e}");
    std::fs::write(dir.path().join("bad.csv"), "number,industry_zh,attractiveness,competitiveness\n1,甲,7.5,6\n").unwrap();
    let e = fails(digecon(dir.path(), &["index", "industry", "--scores", "bad.csv"]), "missing column");
    assert!(e.contains("bad.csv:1: 缺少列 / missing column `industry_en`"), "{e}");
    std::fs::write(dir.path().join("bad.csv"), "number,industry_zh,industry_en,attractiveness,competitiveness\n1,甲,a,75,60\n").unwrap();
    let e = fails(digecon(dir.path(), &["index", "industry", "--scores", "bad.csv"]), "scale");
    assert!(e.contains("bad.csv: 1 `甲`: 列 / column `attractiveness`: 75 不在 0–10"), "{e}");
}

/// The 27 indicators of Table 2 in tree order (data/industry_selection/indicators.csv), with
/// their weight within their dimension (criterion weight × indicator weight).
const LEAVES: [&str; 27] = [
    "产业政策前景", "产业技术前景", "进入退出壁垒", "产业根植性", "产业转移趋势", // 产业发展前景 0.1
    "市场容量", "产业规模", "增长率", "市场需求", // 市场发展空间 0.4 (市场容量 0.3 → 0.12)
    "产业盈利能力", "产业链控制力", // 产业带动能力 0.3
    "自主创新能力", "就业带动力", "传统产业互促力", "GDP 贡献率", // 社会经济效益 0.2
    "扶持政策", "自然资源", "人才优势", "区位优势", // 区域资源禀赋 0.2
    "产业集群效应", "产业链完善程度", // 产业存量基础 0.5 (产业链完善程度 0.6 → 0.3)
    "基础设施条件", "专业人才储备", // 产业配套条件 0.2
    "土地使用费", "税收政策", "政府补贴", "人力成本", // 区域投资成本 0.1
];

/// One experts-file row: `base` for every indicator but those in `except`.
fn expert_row(expert: &str, industry: &str, base: f64, except: &[(&str, f64)]) -> String {
    let mut cells = vec![expert.to_string(), industry.to_string()];
    cells.extend(LEAVES.iter().map(|l| except.iter().find(|(n, _)| n == l).map_or(base, |x| x.1).to_string()));
    cells.join(",")
}

#[test]
fn industry_from_a_hand_made_experts_file() {
    let dir = tempfile::tempdir().unwrap();
    // The header names 市场容量 by its English name, `market capacity`.
    let header = format!("expert,industry,{}", LEAVES.map(|l| if l == "市场容量" { "market capacity" } else { l }).join(","));
    let text = [
        header.clone(),
        // 乙: both experts give 5, but E2 gives 产业链完善程度 9 (mean 7). Attractiveness 5;
        // competitiveness 5 + 0.3·(7 − 5) = 5.6; priority 5.3. Medium, medium → selective.
        expert_row("E1", "乙", 5.0, &[]),
        expert_row("E2", "乙", 5.0, &[("产业链完善程度", 9.0)]),
        // 甲: E1 gives 8 everywhere, E2 gives 6 but 市场容量 10. Means 7, 市场容量 9.
        // Attractiveness 7 + 0.12·(9 − 7) = 7.24; competitiveness 7; priority 7.12. High, high → invest.
        expert_row("E1", "甲", 8.0, &[]),
        expert_row("E2", "甲", 6.0, &[("市场容量", 10.0)]),
        // 丙, one expert: 3 everywhere, 产业政策前景 9 (0.1 × 0.3 = 0.03 of attractiveness).
        // Attractiveness 3 + 0.03·6 = 3.18; competitiveness 3; priority 3.09. Low, low → harvest.
        expert_row("E3", "丙", 3.0, &[("产业政策前景", 9.0)]),
    ]
    .join("\n");
    std::fs::write(dir.path().join("experts.csv"), format!("{text}\n")).unwrap();
    let r = ok(digecon(dir.path(), &["index", "industry", "--experts", "experts.csv", "--format", "csv"]), "experts");
    let rows = csv_rows(&r.out);
    let got: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| ["rank", "industry", "experts", "attractiveness", "competitiveness", "priority", "attractiveness_band", "competitiveness_band", "ge_zone"].iter().map(|k| r[*k].as_str()).collect())
        .collect();
    assert_eq!(
        got,
        [
            ["1", "甲", "2", "7.24", "7.00", "7.12", "高 / high", "高 / high", "重点发展 / invest"],
            ["2", "乙", "2", "5.00", "5.60", "5.30", "中 / medium", "中 / medium", "选择发展 / selective"],
            ["3", "丙", "1", "3.18", "3.00", "3.09", "低 / low", "低 / low", "维持收获 / harvest"],
        ]
    );

    // Errors at file, line and column: a score outside 0–10 (line 3 is E2's 乙 row, column 4 is
    // the second indicator), a missing indicator column, an unknown column, an expert twice.
    let bad = text.replacen(&expert_row("E2", "乙", 5.0, &[("产业链完善程度", 9.0)]), &expert_row("E2", "乙", 5.0, &[("产业技术前景", 11.0)]), 1);
    std::fs::write(dir.path().join("bad.csv"), &bad).unwrap();
    let e = fails(digecon(dir.path(), &["index", "industry", "--experts", "bad.csv"]), "score 11");
    assert!(e.contains("bad.csv:3:4: `产业技术前景` 应为 0–10 的分数 / expected a score from 0 to 10, found `11`"), "{e}");

    let bad = text.replacen(",人力成本", "", 1);
    std::fs::write(dir.path().join("bad.csv"), &bad).unwrap();
    let e = fails(digecon(dir.path(), &["index", "industry", "--experts", "bad.csv"]), "missing column");
    assert!(e.contains("bad.csv:1: 缺少 1 个指标列 / missing 1 indicator columns: 人力成本"), "{e}");

    let bad = text.replacen(",人力成本", ",人工成本", 1);
    std::fs::write(dir.path().join("bad.csv"), &bad).unwrap();
    let e = fails(digecon(dir.path(), &["index", "industry", "--experts", "bad.csv"]), "unknown column");
    assert!(e.contains("bad.csv:1:29: 未知列 `人工成本`"), "{e}");

    let bad = format!("{text}\n{}", expert_row("E1", "甲", 7.0, &[]));
    std::fs::write(dir.path().join("bad.csv"), &bad).unwrap();
    let e = fails(digecon(dir.path(), &["index", "industry", "--experts", "bad.csv"]), "twice");
    assert!(e.contains("bad.csv:7:1: 专家 `E1` 已在第 4 行为 `甲` 打分 / expert `E1` already scored `甲` at line 4"), "{e}");

    // --scores and --experts exclude each other.
    assert!(!digecon(dir.path(), &["index", "industry", "--experts", "experts.csv", "--scores", "experts.csv"]).ok);
}
