//! Year-on-year growth and rounding as printed in the white paper.

/// Growth in % from `previous` to `current`: (current / previous − 1) · 100. `None` when the
/// previous value is not positive (growth is undefined, not zero).
pub fn growth_pct(current: f64, previous: f64) -> Option<f64> {
    (previous > 0.0 && current.is_finite() && previous.is_finite()).then(|| (current / previous - 1.0) * 100.0)
}

/// Growth from two exact amounts (any common fixed-point unit).
pub fn growth_pct_exact(current: i128, previous: i128) -> Option<f64> {
    // (c − p) / p in f64 from the exact difference: one rounding instead of two.
    (previous > 0).then(|| (current - previous) as f64 / previous as f64 * 100.0)
}

/// Rounds half away from zero to `digits` decimals (the convention of printed statistics; the
/// binary value of e.g. 26.55 may sit just below .55, so a tiny relative tolerance is applied).
pub fn round_half_away(x: f64, digits: u32) -> f64 {
    let m = 10f64.powi(digits as i32);
    let y = x * m;
    let r = y.round();
    // y.round() already rounds half away from zero; correct values like 26.549999999999997
    // that are an exact half in decimal.
    let frac = y - y.trunc();
    if (frac.abs() - 0.5).abs() < 1e-9 * y.abs().max(1.0) {
        (y.trunc() + frac.signum()) / m
    } else {
        r / m
    }
}

/// Formats a percentage at one decimal as printed (`26.5`, `-5.3`).
pub fn format_1dp(x: f64) -> String {
    format!("{:.1}", round_half_away(x, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::parse_micro;

    /// White paper (seeds/000_060bb66a7157f110.txt) Table 1: 2022 and 2021 core-industry revenue
    /// by class (亿元) and the printed growth (%).
    const TABLE1: [(&str, &str, &str, &str); 5] = [
        ("全部核心产业", "11133.17", "8798.52", "26.5"),
        ("01 数字产品制造业", "9172.99", "7115.94", "28.9"),
        ("02 数字产品服务业", "271.76", "287.03", "-5.3"),
        ("03 数字技术应用业", "817.69", "746.01", "9.6"),
        ("04 数字要素驱动业", "870.73", "649.54", "34.1"),
    ];

    #[test]
    fn white_paper_table1_growth_is_reproduced() {
        for (class, y2022, y2021, printed) in TABLE1 {
            let c = i128::from(parse_micro(y2022.as_bytes()).unwrap());
            let p = i128::from(parse_micro(y2021.as_bytes()).unwrap());
            let g = growth_pct_exact(c, p).unwrap();
            assert_eq!(format_1dp(g), printed, "{class}: {g}");
            let g2 = growth_pct(y2022.parse().unwrap(), y2021.parse().unwrap()).unwrap();
            assert_eq!(format_1dp(g2), printed, "{class} (f64 path): {g2}");
        }
        // Hand check of the first row: (11133.17 − 8798.52) / 8798.52 = 2334.65 / 8798.52
        // = 0.265346…, so 26.53…% → 26.5.
        let g = growth_pct_exact(1_113_317, 879_852).unwrap();
        assert!((g - 26.5346).abs() < 1e-4, "{g}");
    }

    #[test]
    fn the_revenue_classes_add_up_to_the_total() {
        // 9172.99 + 271.76 + 817.69 + 870.73 = 11133.17; 7115.94 + 287.03 + 746.01 + 649.54 = 8798.52
        let sum = |i: usize| -> i64 {
            TABLE1[1..].iter().map(|r| parse_micro([r.1, r.2][i].as_bytes()).unwrap()).sum()
        };
        assert_eq!(sum(0), parse_micro(b"11133.17").unwrap());
        assert_eq!(sum(1), parse_micro(b"8798.52").unwrap());
    }

    #[test]
    fn growth_edge_cases() {
        assert_eq!(growth_pct(5.0, 0.0), None);
        assert_eq!(growth_pct_exact(5, 0), None);
        assert_eq!(growth_pct_exact(0, 4), Some(-100.0));
        assert_eq!(round_half_away(0.25, 1), 0.3);
        assert_eq!(round_half_away(-0.25, 1), -0.3);
        assert_eq!(round_half_away(26.549999999999997, 1), 26.6);
        assert_eq!(round_half_away(1.04, 1), 1.0);
    }
}
