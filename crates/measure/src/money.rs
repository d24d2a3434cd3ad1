//! Money as exact fixed-point integers.
//!
//! Input amounts are in 万元 with at most [`SCALE_DIGITS`] decimals (1e-6 万元 = 0.01 元 = 1 分), so
//! every amount is an integer number of 分. Sums are then exact and independent of the order in
//! which parallel workers add them, which lets the tests and the DuckDB check compare for equality.

/// Decimal places kept: 6 decimals of 万元 = 1 分.
pub const SCALE_DIGITS: u32 = 6;
/// 1 万元 in internal units.
pub const SCALE: i64 = 1_000_000;
/// Largest accepted integer part (万元). 1e12 万元 is far above any enterprise; larger values are
/// rejected as input errors rather than risking overflow.
const MAX_INT_DIGITS: usize = 12;

/// An amount in 1e-6 万元 (分).
pub type Micro = i64;

/// Why a decimal field could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalError {
    Empty,
    NotANumber,
    TooManyDecimals,
    TooLarge,
    Negative,
}

impl DecimalError {
    /// Chinese part of the message (follows the field name).
    pub fn zh(self) -> &'static str {
        match self {
            DecimalError::Empty => "为空",
            DecimalError::NotANumber => "不是数字（仅接受如 1234.56 的十进制数，不接受千分位、科学计数法）",
            DecimalError::TooManyDecimals => "小数位超过 6 位（万元精确到分）",
            DecimalError::TooLarge => "数值过大（整数部分超过 12 位）",
            DecimalError::Negative => "为负数",
        }
    }

    /// English part of the message (follows the field name).
    pub fn en(self) -> &'static str {
        match self {
            DecimalError::Empty => "is empty",
            DecimalError::NotANumber => "is not a plain decimal number (no thousands separators or exponents)",
            DecimalError::TooManyDecimals => "has more than 6 decimals (万元 to the 分)",
            DecimalError::TooLarge => "is too large (more than 12 integer digits)",
            DecimalError::Negative => "is negative",
        }
    }

    /// `营业收入为空 / revenue is empty`.
    pub fn message(self, field_zh: &str, field_en: &str) -> String {
        format!("{field_zh}{} / {field_en} {}", self.zh(), self.en())
    }
}

fn trim_ascii(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// Parses a plain decimal (`-12.5`, `3`, `0.000001`) into 1e-6 units. Leading/trailing ASCII
/// spaces are ignored; anything else that is not a digit, one `.` or a leading sign is an error.
pub fn parse_micro(field: &[u8]) -> Result<Micro, DecimalError> {
    let s = trim_ascii(field);
    if s.is_empty() {
        return Err(DecimalError::Empty);
    }
    let (neg, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int_part, frac_part) = match memchr::memchr(b'.', body) {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, &body[..0]),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(DecimalError::NotANumber);
    }
    if !int_part.iter().all(u8::is_ascii_digit) || !frac_part.iter().all(u8::is_ascii_digit) {
        return Err(DecimalError::NotANumber);
    }
    // Leading zeros do not count towards the size limit.
    let significant = int_part.iter().position(|&b| b != b'0').map_or(0, |p| int_part.len() - p);
    if significant > MAX_INT_DIGITS {
        return Err(DecimalError::TooLarge);
    }
    // Trailing zeros beyond 6 decimals carry no precision, so "1.50000000" is fine.
    let frac_sig = frac_part.iter().rposition(|&b| b != b'0').map_or(0, |p| p + 1);
    if frac_sig > SCALE_DIGITS as usize {
        return Err(DecimalError::TooManyDecimals);
    }
    let mut v: i64 = 0;
    for &b in int_part {
        v = v * 10 + i64::from(b - b'0');
    }
    let mut f: i64 = 0;
    for i in 0..SCALE_DIGITS as usize {
        f = f * 10 + frac_part.get(i).filter(|_| i < frac_sig).map_or(0, |&b| i64::from(b - b'0'));
    }
    let m = v * SCALE + f;
    Ok(if neg { -m } else { m })
}

/// Formats 1e-6 units as a plain decimal with trailing zeros removed (`1234.5`, `-0.01`, `7`).
pub fn format_micro(v: i128) -> String {
    let neg = v < 0;
    let a = v.unsigned_abs();
    let int = a / SCALE as u128;
    let frac = a % SCALE as u128;
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&int.to_string());
    if frac != 0 {
        let f = format!("{frac:06}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

/// Converts a float read from a spreadsheet cell into the text form parsed by [`parse_micro`].
/// XLSX stores numbers as binary doubles, so 1234.56 may come back as 1234.5599999999999; the
/// value is rounded to 6 decimals (1 分) here, which is the declared precision of all amounts.
pub fn float_cell_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0');
        s.trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_decimals() {
        assert_eq!(parse_micro(b"1234.56"), Ok(1_234_560_000));
        assert_eq!(parse_micro(b" 7 "), Ok(7_000_000));
        assert_eq!(parse_micro(b"-0.01"), Ok(-10_000));
        assert_eq!(parse_micro(b".5"), Ok(500_000));
        assert_eq!(parse_micro(b"3."), Ok(3_000_000));
        assert_eq!(parse_micro(b"0.000001"), Ok(1));
        assert_eq!(parse_micro(b"1.500000000"), Ok(1_500_000));
        assert_eq!(parse_micro(b"000000000000012"), Ok(12_000_000));
    }

    #[test]
    fn rejects_what_is_not_a_plain_decimal() {
        assert_eq!(parse_micro(b""), Err(DecimalError::Empty));
        assert_eq!(parse_micro(b"  "), Err(DecimalError::Empty));
        assert_eq!(parse_micro(b"abc"), Err(DecimalError::NotANumber));
        assert_eq!(parse_micro(b"1,234.5"), Err(DecimalError::NotANumber));
        assert_eq!(parse_micro(b"1.2E+05"), Err(DecimalError::NotANumber));
        assert_eq!(parse_micro(b"1.2.3"), Err(DecimalError::NotANumber));
        assert_eq!(parse_micro(b"-"), Err(DecimalError::NotANumber));
        assert_eq!(parse_micro(b"."), Err(DecimalError::NotANumber));
        assert_eq!(parse_micro(b"0.0000001"), Err(DecimalError::TooManyDecimals));
        assert_eq!(parse_micro(b"1234567890123"), Err(DecimalError::TooLarge));
    }

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(format_micro(1_234_560_000), "1234.56");
        assert_eq!(format_micro(7_000_000), "7");
        assert_eq!(format_micro(-10_000), "-0.01");
        assert_eq!(format_micro(0), "0");
        assert_eq!(format_micro(1), "0.000001");
    }

    #[test]
    fn float_cells_round_to_the_fen() {
        assert_eq!(float_cell_text(1234.56_f64.next_down()), "1234.56");
        assert_eq!(float_cell_text(360102.0), "360102");
        assert_eq!(float_cell_text(0.1 + 0.2), "0.3");
    }
}
