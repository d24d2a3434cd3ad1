//! Unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and upper-case letters without I, O, Z, S,
//! V). The 18th is a check character: with weights w_i = 3^(i-1) mod 31 over the first 17,
//! `check = (31 - Σ value_i·w_i mod 31) mod 31`.

/// The GB 32100-2015 alphabet; a character's value is its position.
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 3^i mod 31 for i = 0..17.
pub const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

const INVALID: u8 = 0xFF;
const VALUE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 31 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Why a code is not a valid USCC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 bytes long (the length found).
    Length(usize),
    /// A character outside the alphabet (1-based position). Lower-case letters are reported too:
    /// the standard uses upper case only.
    BadChar(usize),
    /// The check character does not match (the expected one).
    Check(char),
}

impl std::fmt::Display for UsccError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UsccError::Length(n) => write!(f, "统一社会信用代码应为 18 位，实为 {n} 位 / USCC must have 18 characters, found {n}"),
            UsccError::BadChar(p) => write!(f, "统一社会信用代码第 {p} 位字符无效（仅数字和不含 I、O、Z、S、V 的大写字母）/ USCC character {p} is not in the GB 32100 alphabet"),
            UsccError::Check(c) => write!(f, "统一社会信用代码校验位错误，应为 {c} / bad USCC check character, expected {c}"),
        }
    }
}

/// The check character for the first 17 characters, or the position of a bad character.
pub fn check_char(first17: &[u8]) -> Result<u8, UsccError> {
    debug_assert_eq!(first17.len(), 17);
    let mut sum = 0u32;
    for (i, &b) in first17.iter().enumerate() {
        let v = VALUE[b as usize];
        if v == INVALID {
            return Err(UsccError::BadChar(i + 1));
        }
        sum += u32::from(v) * WEIGHTS[i];
    }
    Ok(ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// Validates a code (no trimming: stray spaces are an error in an identifier).
pub fn validate(code: &[u8]) -> Result<(), UsccError> {
    if code.len() != 18 {
        // Count characters, not bytes, so a code with a full-width character reports sensibly.
        let n = std::str::from_utf8(code).map_or(code.len(), |s| s.chars().count());
        return Err(UsccError::Length(n));
    }
    let expected = check_char(&code[..17])?;
    if VALUE[code[17] as usize] == INVALID {
        return Err(UsccError::BadChar(18));
    }
    if code[17] != expected {
        return Err(UsccError::Check(expected as char));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_code_is_valid() {
        // 91350100M000100Y4 → values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4;
        // Σ v·w = 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28;
        // 31-28 = 3 → check '3'.
        assert_eq!(check_char(b"91350100M000100Y4"), Ok(b'3'));
        assert_eq!(validate(b"91350100M000100Y43"), Ok(()));
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(validate(b"91350100M000100Y44"), Err(UsccError::Check('3')));
        assert_eq!(validate(b"91350100M000100Y4"), Err(UsccError::Length(17)));
        assert_eq!(validate(b"91350100I000100Y43"), Err(UsccError::BadChar(9)));
        assert_eq!(validate(b"91350100m000100Y43"), Err(UsccError::BadChar(9)));
        assert_eq!(validate(b"91350100M000100Y4I"), Err(UsccError::BadChar(18)));
    }

    #[test]
    fn remainder_zero_gives_check_zero() {
        // "00000000000000000" sums to 0 → (31 - 0) mod 31 = 0 → '0'.
        assert_eq!(check_char(b"00000000000000000"), Ok(b'0'));
    }
}
