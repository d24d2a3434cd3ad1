//! Whole numbers written in Chinese numerals, as the documents print ranks (全国排名第九位,
//! 位居全国第一, 第十一位): 零 〇 一 二 两 三 四 五 六 七 八 九, 十, 百 and 千. The provenance check uses it
//! to find a value in a quote that has no digits for it.

fn digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn unit(c: char) -> Option<u32> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// The value of `s` if it is exactly one whole number below 10000 in Chinese numerals: `九` → 9,
/// `十` → 10, `十一` → 11, `二十` → 20, `九十九` → 99, `一百零五` → 105, `一百一十` → 110,
/// `百` → 100. Anything else (a digit, another character, `十十`, `一二`) → `None`.
pub fn chinese_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut total = 0u32;
    let mut pending: Option<u32> = None; // a digit waiting for its unit
    let mut last_unit = u32::MAX; // units must fall: 千 before 百 before 十
    let mut after_zero = false;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            if pending.is_some() {
                return None; // 一二: two digits in a row
            }
            if d == 0 {
                if after_zero || total == 0 {
                    return None;
                }
                after_zero = true;
                continue;
            }
            pending = Some(d);
        } else if let Some(u) = unit(c) {
            if u >= last_unit {
                return None;
            }
            // A bare unit means one of it (十一 = 11, 百 = 100) only at the start.
            let d = match pending.take() {
                Some(d) => d,
                None if total == 0 && !after_zero => 1,
                None => return None,
            };
            total += d * u;
            last_unit = u;
            after_zero = false;
        } else {
            return None;
        }
    }
    if after_zero && pending.is_none() {
        return None; // 九十零: a 零 must stand between two parts
    }
    if let Some(d) = pending {
        // The last digit is the ones, unless it follows a unit above 十 without 零 (一百五 = 150 in
        // speech, but the documents do not print that; refuse rather than guess).
        if last_unit != u32::MAX && last_unit > 10 && !after_zero {
            return None;
        }
        total += d;
    }
    Some(total)
}

/// Every whole number written in Chinese numerals in `text`: each longest run of numeral characters
/// that reads as one number (`全国排名第九位，中部六省排名第一位` → 9, 1). Runs that do not read as a
/// number (`一二`) are left out.
pub fn chinese_numbers_in(text: &str) -> Vec<u32> {
    let is_numeral = |c: char| digit(c).is_some() || unit(c).is_some();
    let mut out = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_numeral(c) {
            run.push(c);
        } else if !run.is_empty() {
            out.extend(chinese_number(&run));
            run.clear();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::chinese_number as n;
    use super::chinese_numbers_in;

    #[test]
    fn numbers_in_a_phrase() {
        assert_eq!(chinese_numbers_in("全国排名第九位，中部六省排名第一位"), vec![9, 6, 1]);
        assert_eq!(chinese_numbers_in("增速在全国位居第一"), vec![1]);
        assert_eq!(chinese_numbers_in("分别居全国第一、第四位"), vec![1, 4]);
        assert_eq!(chinese_numbers_in("排名第十一位"), vec![11]);
        assert_eq!(chinese_numbers_in("第 9 位"), Vec::<u32>::new());
    }

    #[test]
    fn ranks_as_printed() {
        assert_eq!(n("九"), Some(9));
        assert_eq!(n("一"), Some(1));
        assert_eq!(n("十"), Some(10));
        assert_eq!(n("十一"), Some(11));
        assert_eq!(n("二十"), Some(20));
        assert_eq!(n("二十三"), Some(23));
        assert_eq!(n("九十九"), Some(99));
        assert_eq!(n("一百"), Some(100));
        assert_eq!(n("百"), Some(100));
        assert_eq!(n("一百零五"), Some(105));
        assert_eq!(n("一百一十"), Some(110));
        assert_eq!(n("两百一十二"), Some(212));
        assert_eq!(n("一千零一"), Some(1001));
    }

    #[test]
    fn anything_else_is_refused() {
        for s in ["", "9", "第九", "十十", "一二", "零", "一百五", "九十零", "十百", "百十百"] {
            assert_eq!(n(s), None, "{s}");
        }
    }
}
