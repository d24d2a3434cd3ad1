//! Analytic hierarchy process: weights from a pairwise comparison matrix (principal
//! eigenvector), consistency index CI = (λmax − n)/(n − 1) and ratio CR = CI/RI with Saaty's
//! random index table. A matrix with CR ≥ 0.1 is rejected, naming the judgements that depart most
//! from the weights (aᵢⱼ against wᵢ/wⱼ).

use crate::error::{IndexError, Result};

/// Saaty's random consistency index RI for n = 1 … 15 (Saaty, *The Analytic Hierarchy Process*,
/// 1980; the values for n ≥ 11 are those commonly tabulated with it).
pub const RANDOM_INDEX: [f64; 15] = [0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59];

/// How far aᵢⱼ·aⱼᵢ may be from 1 (0.333 × 3 = 0.999; 0.143 × 7 = 1.001).
pub const RECIPROCAL_TOLERANCE: f64 = 0.005;

/// The CR limit: matrices with CR ≥ this are rejected.
pub const CR_LIMIT: f64 = 0.1;

/// One judgement and how far it is from the weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub row: String,
    pub column: String,
    /// The judgement aᵢⱼ as given.
    pub given: f64,
    /// The value consistent with the weights, wᵢ/wⱼ.
    pub consistent: f64,
    /// |ln(aᵢⱼ·wⱼ/wᵢ)|: 0 for a perfectly consistent judgement.
    pub deviation: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ahp {
    pub criteria: Vec<String>,
    /// Principal eigenvector, normalised to sum 1.
    pub weights: Vec<f64>,
    pub lambda_max: f64,
    pub ci: f64,
    pub ri: f64,
    /// CI/RI; 0 for n ≤ 2 (always consistent).
    pub cr: f64,
    /// Judgements above the diagonal, most inconsistent first.
    pub judgements: Vec<Judgement>,
}

impl Ahp {
    /// Computes weights and consistency without judging them; see [`ahp_weights`] for the
    /// checked version. `matrix` is row-major n × n, positive, with ones on the diagonal and
    /// reciprocal: |aᵢⱼ·aⱼᵢ − 1| ≤ [`RECIPROCAL_TOLERANCE`], so that 1/3 typed as 0.333 is accepted.
    pub fn compute(criteria: &[&str], matrix: &[Vec<f64>]) -> Result<Ahp> {
        let n = criteria.len();
        let bad = |m: String| Err(IndexError::Ahp(format!("判断矩阵无效 / invalid pairwise matrix: {m}")));
        if n == 0 {
            return bad("没有准则 / no criteria".into());
        }
        if n > RANDOM_INDEX.len() {
            return bad(format!("最多 {} 个准则 (RI 表) / at most {} criteria (the RI table)", RANDOM_INDEX.len(), RANDOM_INDEX.len()));
        }
        if matrix.len() != n || matrix.iter().any(|r| r.len() != n) {
            return bad(format!("应为 {n} × {n} / expected {n} × {n}"));
        }
        for i in 0..n {
            if matrix[i][i] != 1.0 {
                return bad(format!("对角线 ({0}, {0}) 应为 1 / diagonal entry must be 1, got {1}", criteria[i], matrix[i][i]));
            }
            for j in 0..n {
                let (a, b) = (matrix[i][j], matrix[j][i]);
                if !(a > 0.0 && a.is_finite()) {
                    return bad(format!("({}, {}) 应为正数 / must be positive, got {a}", criteria[i], criteria[j]));
                }
                if (a * b - 1.0).abs() > RECIPROCAL_TOLERANCE {
                    return bad(format!("({0}, {1}) = {a} 与 ({1}, {0}) = {b} 不互为倒数 / are not reciprocal", criteria[i], criteria[j]));
                }
            }
        }
        // Power iteration: a positive matrix has a simple dominant eigenvalue with a positive
        // eigenvector (Perron–Frobenius), so this converges from the uniform start.
        let mut w = vec![1.0 / n as f64; n];
        for _ in 0..10_000 {
            let mut next: Vec<f64> = (0..n).map(|i| (0..n).map(|j| matrix[i][j] * w[j]).sum()).collect();
            let s: f64 = next.iter().sum();
            next.iter_mut().for_each(|v| *v /= s);
            let delta = next.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            w = next;
            if delta < 1e-15 {
                break;
            }
        }
        let aw: Vec<f64> = (0..n).map(|i| (0..n).map(|j| matrix[i][j] * w[j]).sum()).collect();
        let lambda_max = aw.iter().zip(&w).map(|(a, b)| a / b).sum::<f64>() / n as f64;
        let ci = if n > 1 { ((lambda_max - n as f64) / (n as f64 - 1.0)).max(0.0) } else { 0.0 };
        let ri = RANDOM_INDEX[n - 1];
        let cr = if ri > 0.0 { ci / ri } else { 0.0 };
        let mut judgements = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let consistent = w[i] / w[j];
                judgements.push(Judgement {
                    row: criteria[i].into(),
                    column: criteria[j].into(),
                    given: matrix[i][j],
                    consistent,
                    deviation: (matrix[i][j] / consistent).ln().abs(),
                });
            }
        }
        judgements.sort_by(|a, b| b.deviation.total_cmp(&a.deviation));
        Ok(Ahp { criteria: criteria.iter().map(|s| s.to_string()).collect(), weights: w, lambda_max, ci, ri, cr, judgements })
    }
}

/// AHP weights, rejecting a matrix whose CR ≥ 0.1 with the three most inconsistent judgements.
pub fn ahp_weights(criteria: &[&str], matrix: &[Vec<f64>]) -> Result<Ahp> {
    let a = Ahp::compute(criteria, matrix)?;
    if a.cr >= CR_LIMIT {
        let worst: Vec<String> = a
            .judgements
            .iter()
            .take(3)
            .map(|j| format!("{} : {} 给定 / given {} , 一致值 / consistent {:.3}", j.row, j.column, j.given, j.consistent))
            .collect();
        return Err(IndexError::Ahp(format!(
            "判断矩阵不一致 / inconsistent pairwise matrix: CR = {:.4} ≥ {CR_LIMIT} (CI = {:.4}, RI = {}); 最不一致的判断 / most inconsistent judgements: {}",
            a.cr,
            a.ci,
            a.ri,
            worst.join("; ")
        )));
    }
    Ok(a)
}

/// A CSV file's records with the line each starts on, cells trimmed, `#` lines skipped and
/// rows of any length kept (the callers say which cell is missing or extra).
pub fn csv_records(file: &str, text: &str) -> Result<Vec<(u64, Vec<String>)>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).comment(Some(b'#')).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| IndexError::at(file, e.position().map_or(0, |p| p.line()), e.to_string()))?;
        out.push((rec.position().map_or(0, |p| p.line()), rec.iter().map(String::from).collect()));
    }
    Ok(out)
}

/// `file:line:k: message`, k counted from 1 as in a spreadsheet.
pub(crate) fn cell(file: &str, line: u64, column: usize, message: String) -> IndexError {
    at(file, line, column, message)
}

fn at(file: &str, line: u64, column: usize, message: String) -> IndexError {
    IndexError::at_column(file, line, column.to_string(), message)
}

/// A judgement: a decimal (`0.5`, `3`) or a fraction (`1/3`).
pub fn judgement(s: &str) -> Option<f64> {
    let v = match s.split_once('/') {
        Some((a, b)) => a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?,
        None => s.parse::<f64>().ok()?,
    };
    v.is_finite().then_some(v)
}

/// Reads a pairwise-comparison matrix — a header row `,A,B,C`, then one row per criterion in the
/// header's order, judgements as decimals or fractions — checking everything the AHP needs
/// (positive, diagonal 1, reciprocal within [`RECIPROCAL_TOLERANCE`], square, names in order), so
/// that each problem is reported at its file, line and column.
pub fn parse_matrix(source_name: &str, text: &str) -> Result<(Vec<String>, Vec<Vec<f64>>)> {
    let file = source_name.to_string();
    let recs = csv_records(&file, text)?;
    let Some(((hline, header), rows)) = recs.split_first() else {
        return Err(IndexError::file(file, "文件为空 / empty file: expected a header row of criterion names (`,A,B,C`), then one row per criterion"));
    };
    let hline = *hline;
    let names: Vec<String> = header.iter().skip(1).cloned().collect();
    let n = names.len();
    if n == 0 {
        return Err(IndexError::at(file, hline, "表头没有准则名称 / the header row names no criteria: expected an empty first cell, then the criterion names (`,A,B,C`)"));
    }
    for (k, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(at(&file, hline, k + 2, "表头中的准则名称为空 / empty criterion name in the header row".into()));
        }
        if let Some(p) = names[..k].iter().position(|x| x == name) {
            return Err(at(&file, hline, k + 2, format!("准则 `{name}` 与第 {0} 列重复 / criterion `{name}` repeats column {0}", p + 2)));
        }
    }
    let mut matrix: Vec<Vec<f64>> = Vec::with_capacity(n);
    let mut lines = Vec::with_capacity(n);
    for (i, (line, cells)) in rows.iter().enumerate() {
        let line = *line;
        if i >= n {
            return Err(at(
                &file,
                line,
                1,
                format!("多余的行 `{}`: 表头有 {n} 个准则, 矩阵应为 {n} × {n} / extra row `{}`: the header names {n} criteria, so the matrix is {n} × {n} (not square)", cells[0], cells[0]),
            ));
        }
        if cells.len() != n + 1 {
            let column = if cells.len() > n + 1 { n + 2 } else { cells.len() + 1 };
            return Err(at(
                &file,
                line,
                column,
                format!(
                    "本行有 {} 个单元格, 应为 {} (准则名称和 {n} 个判断) / the row has {} cells, expected {} (the criterion name and {n} judgements): the matrix is not square",
                    cells.len(),
                    n + 1,
                    cells.len(),
                    n + 1
                ),
            ));
        }
        if cells[0] != names[i] {
            let order = if names.contains(&cells[0]) { "顺序不同 / in a different order" } else { "名称不同 / a name not in the header" };
            return Err(at(
                &file,
                line,
                1,
                format!(
                    "行首为 `{}`, 但表头第 {} 列为 `{}` ({order}): 各行须按表头顺序以同名准则开头 / the row starts with `{}` but column {} of the header is `{}`: rows must name the header's criteria in the same order",
                    cells[0],
                    i + 2,
                    names[i],
                    cells[0],
                    i + 2,
                    names[i]
                ),
            ));
        }
        let mut row = Vec::with_capacity(n);
        for (j, s) in cells[1..].iter().enumerate() {
            let pair = format!("{} : {}", names[i], names[j]);
            let v = judgement(s).ok_or_else(|| at(&file, line, j + 2, format!("{pair} 应为数值或分数 / expected a number or a fraction such as 1/3, found `{s}`")))?;
            if v <= 0.0 {
                return Err(at(&file, line, j + 2, format!("{pair} 应为正数 / expected a positive number, found `{s}`")));
            }
            if i == j && v != 1.0 {
                return Err(at(&file, line, j + 2, format!("对角线 {pair} 应为 1 / the diagonal entry {pair} must be 1, found `{s}`")));
            }
            row.push(v);
        }
        matrix.push(row);
        lines.push(line);
    }
    if matrix.len() < n {
        let after = rows.last().map_or(hline, |r| r.0) + 1;
        let missing: Vec<&str> = names[matrix.len()..].iter().map(String::as_str).collect();
        return Err(IndexError::at(file, after, format!(
                "只有 {} 行判断, 应为 {n} (矩阵不是方阵), 缺少 {} 的行 / only {} rows of judgements, expected {n} (the matrix is not square): no row for {}",
                matrix.len(),
                missing.join("、"),
                matrix.len(),
                missing.join(", ")
            )));
    }
    for i in 0..n {
        for j in 0..i {
            let (a, b) = (matrix[i][j], matrix[j][i]);
            if (a * b - 1.0).abs() > RECIPROCAL_TOLERANCE {
                let (x, y) = (&names[i], &names[j]);
                return Err(at(
                    &file,
                    lines[i],
                    j + 2,
                    format!(
                        "{x} : {y} = {a} 与第 {} 行第 {} 列的 {y} : {x} = {b} 不互为倒数 (乘积 {:.4}, 应为 1) / is not the reciprocal of {y} : {x} = {b} at line {}, column {} (product {:.4}, expected 1 within {RECIPROCAL_TOLERANCE})",
                        lines[j],
                        i + 2,
                        a * b,
                        lines[j],
                        i + 2,
                        a * b
                    ),
                ));
            }
        }
    }
    Ok((names, matrix))
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistent_matrix_recovers_weights() {
        // w = (0.5, 0.3, 0.2): aᵢⱼ = wᵢ/wⱼ, so λmax = 3, CI = CR = 0.
        let w = [0.5, 0.3, 0.2];
        let m: Vec<Vec<f64>> = (0..3).map(|i| (0..3).map(|j| w[i] / w[j]).collect()).collect();
        let a = ahp_weights(&["a", "b", "c"], &m).unwrap();
        for (x, y) in a.weights.iter().zip(w) {
            assert!((x - y).abs() < 1e-12);
        }
        assert!((a.lambda_max - 3.0).abs() < 1e-12 && a.cr < 1e-12);
    }

    #[test]
    fn three_by_three_closed_form() {
        // For a 3×3 reciprocal matrix with a₁₂ = a, a₁₃ = b, a₂₃ = c:
        // λmax = 1 + (b/(ac))^(1/3) + (ac/b)^(1/3). a = 3, b = 5, c = 3: ac/b = 1.8,
        // λmax = 1 + 1.8^(1/3) + 1.8^(−1/3) = 3.038511; CI = 0.019256; CR = CI/0.58 = 0.033199.
        // For n = 3 the eigenvector equals the geometric row means: (ab)^(1/3), (c/a)^(1/3),
        // (1/(bc))^(1/3) = 15^(1/3), 1, 15^(−1/3) = 2.466212, 1, 0.405480 → 0.636986, 0.258285, 0.104729.
        let m = vec![vec![1.0, 3.0, 5.0], vec![1.0 / 3.0, 1.0, 3.0], vec![0.2, 1.0 / 3.0, 1.0]];
        let a = ahp_weights(&["a", "b", "c"], &m).unwrap();
        let l = 1.0 + 1.8f64.cbrt() + 1.0 / 1.8f64.cbrt();
        assert!((a.lambda_max - l).abs() < 1e-10, "{}", a.lambda_max);
        assert!((a.ci - (l - 3.0) / 2.0).abs() < 1e-10);
        assert!((a.cr - (l - 3.0) / 2.0 / 0.58).abs() < 1e-10);
        assert!((a.cr - 0.033199).abs() < 1e-6);
        let g = [15f64.cbrt(), 1.0, (1.0f64 / 15.0).cbrt()];
        let s: f64 = g.iter().sum();
        for (x, y) in a.weights.iter().zip(g) {
            assert!((x - y / s).abs() < 1e-10, "{:?}", a.weights);
        }
    }

    #[test]
    fn inconsistent_matrix_is_rejected_with_the_worst_judgement() {
        // a > b (9), b > c (9), but c > a (9): circular.
        let m = vec![vec![1.0, 9.0, 1.0 / 9.0], vec![1.0 / 9.0, 1.0, 9.0], vec![9.0, 1.0 / 9.0, 1.0]];
        let e = ahp_weights(&["市场", "技术", "人才"], &m).unwrap_err().to_string();
        assert!(e.starts_with("判断矩阵不一致 / inconsistent pairwise matrix: CR = "), "{e}");
        assert!(e.contains("市场 : 技术") && e.contains("most inconsistent judgements"), "{e}");
        let a = Ahp::compute(&["市场", "技术", "人才"], &m).unwrap();
        assert!(a.cr > 1.0);
        // The circular matrix is symmetric under rotation: equal weights, every judgement off by ln 9.
        assert!(a.judgements.iter().all(|j| (j.deviation - 9f64.ln()).abs() < 1e-9));
    }

    #[test]
    fn malformed_matrices() {
        assert!(Ahp::compute(&["a", "b"], &[vec![1.0, 2.0], vec![2.0, 1.0]]).unwrap_err().to_string().contains("not reciprocal"));
        assert!(Ahp::compute(&["a", "b"], &[vec![1.0, 0.0], vec![0.0, 1.0]]).is_err());
        assert!(Ahp::compute(&["a", "b"], &[vec![2.0, 1.0], vec![1.0, 1.0]]).is_err());
        // n = 2 is always consistent: w = (3/4, 1/4).
        let a = ahp_weights(&["a", "b"], &[vec![1.0, 3.0], vec![1.0 / 3.0, 1.0]]).unwrap();
        assert!((a.weights[0] - 0.75).abs() < 1e-12 && a.cr == 0.0);
    }
}
