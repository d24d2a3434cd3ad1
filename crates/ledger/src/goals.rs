//! Quantitative goals read from a task's text: "争取立项支持 30 个以上科研攻关项目" → at least 30 个.
//!
//! The grammar is small and explicit. A goal is `[各] [prefix] number[-number] unit [suffix]` where
//! - prefix: `不少于 不低于 至少` (≥), `超过 突破 多于 超` (>), `不超过 不高于` (≤), `约 近` (about),
//!   `达到 达` (reach; kept in the phrase, no change of meaning);
//! - unit: `%`, or an optional magnitude (`万 亿 千万 百万`) followed by an optional measure word
//!   (`个 家 项 名 人 场 次 批次 条 元 …`); at least one of the two must be present;
//! - suffix: `以上` (≥, the statistical convention 以上含本数), `左右` (about), `以下 以内` (≤).
//!
//! Every run of digits in the text is accounted for: it is either a [`Goal`] or a [`NotAGoal`]
//! with the reason it is not one (a year `2022 年`, a name such as `5G` or `IPv6`, a grade or class
//! `3-9年级` `50 万级`, a duration `2 年`, a number with no unit after it `12316服务` `5.0版`
//! `1+5+N`, or the size threshold of the things a later number counts: in
//! "招引 20 亿元以上数字经济重大项目 20 个" the goal is 20 个 and `20 亿元以上` qualifies the projects).
//! Quantities written in Chinese numerals (`两批`, `一批`) are not read: nothing is guessed.

use serde::{Deserialize, Serialize};

/// How the measured value relates to the number (the vocabulary of `digecon-track`'s target parser).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// `培育 15 个`, `达到98%`: reach the number.
    Reach,
    /// `30 个以上`, `不少于 3000 个`: at least (≥, 以上 includes the number).
    AtLeast,
    /// `突破 2000 亿元`, `超过 1 亿条`: strictly above.
    Above,
    /// `以内`, `不超过`: at most.
    AtMost,
    /// `10个左右`, `约`: about the number, within [`ABOUT_TOLERANCE`].
    About,
    /// `2-3 条`: between the two numbers; reaching the lower one meets the goal.
    Between,
}

/// Half-width of the band a `左右` goal is met within, relative to the number (the same ±5 % as
/// `digecon-track`'s `DEFAULT_ABOUT_TOLERANCE`).
pub const ABOUT_TOLERANCE: f64 = 0.05;

impl Relation {
    pub fn as_str(&self) -> &'static str {
        match self {
            Relation::Reach => "reach",
            Relation::AtLeast => "at_least",
            Relation::Above => "above",
            Relation::AtMost => "at_most",
            Relation::About => "about",
            Relation::Between => "between",
        }
    }

    pub fn symbol(&self) -> &'static str {
        match self {
            Relation::Reach => "=",
            Relation::AtLeast => "≥",
            Relation::Above => ">",
            Relation::AtMost => "≤",
            Relation::About => "≈",
            Relation::Between => "∈",
        }
    }
}

/// One quantitative goal of a task or milestone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// Stable within its item: `G1`, `G2`, … in text order (milestone goals: `M2023-G1`).
    pub id: String,
    pub relation: Relation,
    /// The number as printed (the lower bound of a range).
    pub value: f64,
    /// The upper bound of a range (`2-3` → 3).
    pub upper: Option<f64>,
    /// The unit as printed, magnitude included: `个`, `亿元`, `%`, `万家`, `万`.
    pub unit: String,
    /// `各20家以上`: the number applies to each of the things listed before it.
    pub each: bool,
    /// The phrase the goal was read from, a substring of the text (`30 个以上`, `达到98%以上`).
    pub phrase: String,
    /// The clause around it (between `，。；、`), for the reader.
    pub clause: String,
}

impl Goal {
    /// Percentages are levels (a rate, a share, a coverage): they are not accumulated over the
    /// year, so they are judged at the due date only, never against 序时进度.
    pub fn is_level(&self) -> bool {
        self.unit == "%"
    }

    /// Does `measured` (in the goal's unit) meet the goal?
    pub fn is_met_by(&self, measured: f64) -> bool {
        match self.relation {
            Relation::Reach | Relation::AtLeast | Relation::Between => measured >= self.value,
            Relation::Above => measured > self.value,
            Relation::AtMost => measured <= self.value,
            Relation::About => measured >= self.value * (1.0 - ABOUT_TOLERANCE),
        }
    }

    /// `≥30 个`, `2–3 条`, `>2000 亿元`: the meaning in a few characters.
    pub fn short(&self) -> String {
        let v = digecon_core::format_value(self.value);
        match (self.relation, self.upper) {
            (Relation::Between, Some(u)) => format!("{v}–{} {}", digecon_core::format_value(u), self.unit),
            (Relation::Reach, _) => format!("{v} {}", self.unit),
            (r, _) => format!("{}{v} {}", r.symbol(), self.unit),
        }
        .trim_end()
        .to_string()
    }
}

/// Why a number in the text is not a goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotAGoalReason {
    /// `2022 年`, `到2023年`.
    Year,
    /// Part of a name: `5G`, `IPv6`.
    Name,
    /// A grade or class: `3-9年级`, `50 万级`.
    Class,
    /// A duration or date: `2 年的发展“包容期”`.
    Duration,
    /// No unit follows: `12316服务`, `5.0版`, `“赣教云”2.0`, `1+5+N`, `03 专项`.
    NoUnit,
    /// The size of the things a later number in the same clause counts: `20 亿元以上数字经济重大项目 20 个`.
    Qualifier,
}

impl NotAGoalReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            NotAGoalReason::Year => "year",
            NotAGoalReason::Name => "name",
            NotAGoalReason::Class => "class",
            NotAGoalReason::Duration => "duration",
            NotAGoalReason::NoUnit => "no_unit",
            NotAGoalReason::Qualifier => "qualifier",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotAGoal {
    /// The number with what decided its reading (`2022 年`, `5G`, `12316`).
    pub text: String,
    pub reason: NotAGoalReason,
}

/// Everything the extraction read from one text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub goals: Vec<Goal>,
    pub not_goals: Vec<NotAGoal>,
}

const SPACES: &[char] = &[' ', '\u{3000}', '\u{a0}', '\t'];
const CLAUSE_ENDS: &[char] = &['，', '。', '；', '、', ',', ';', '：', ':', '！', '？', '\n'];
const RANGE_SIGNS: &[char] = &['-', '－', '~', '～', '—', '–', '至'];
const MAGNITUDES: &[&str] = &["千万", "百万", "万", "亿"];
/// Longest first where one is a prefix of another (个百分点 before 个).
const MEASURES: &[&str] = &[
    "个百分点", "百分点", "批次", "公里", "平方米", "个", "家", "项", "名", "人", "场", "次", "批", "条", "元", "户",
    "所", "座", "台", "套", "款", "部", "件", "吨", "倍", "年", "月", "日", "天",
];
const PREFIXES: &[(&str, Option<Relation>)] = &[
    ("不少于", Some(Relation::AtLeast)),
    ("不低于", Some(Relation::AtLeast)),
    ("至少", Some(Relation::AtLeast)),
    ("不超过", Some(Relation::AtMost)),
    ("不高于", Some(Relation::AtMost)),
    ("超过", Some(Relation::Above)),
    ("突破", Some(Relation::Above)),
    ("多于", Some(Relation::Above)),
    ("达到", None),
    ("超", Some(Relation::Above)),
    ("约", Some(Relation::About)),
    ("近", Some(Relation::About)),
    ("达", None),
];
const SUFFIXES: &[(&str, Relation)] =
    &[("以上", Relation::AtLeast), ("左右", Relation::About), ("以下", Relation::AtMost), ("以内", Relation::AtMost)];

/// A number with its unit, before deciding whether it is a goal.
struct Quantity {
    /// Char index range of the whole phrase (prefix … suffix).
    start: usize,
    end: usize,
    relation: Relation,
    value: f64,
    upper: Option<f64>,
    unit: String,
    each: bool,
    /// Text after the suffix begins with something other than a clause end.
    followed_by_words: bool,
}

enum Token {
    Quantity(Quantity),
    Not(NotAGoal),
}

/// Reads every quantitative goal of `text`; goal ids are `{id_prefix}G1`, `{id_prefix}G2`, ….
pub fn extract(text: &str, id_prefix: &str) -> Extraction {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let s = |a: usize, b: usize| -> String { chars[a..b].iter().collect() };
    let starts_with = |at: usize, pat: &str| -> bool {
        let p: Vec<char> = pat.chars().collect();
        at + p.len() <= n && chars[at..at + p.len()] == p[..]
    };
    let skip_spaces = |mut at: usize| {
        while at < n && SPACES.contains(&chars[at]) {
            at += 1;
        }
        at
    };
    let number_at = |at: usize| -> Option<(f64, usize)> {
        let mut j = at;
        while j < n && chars[j].is_ascii_digit() {
            j += 1;
        }
        if j == at {
            return None;
        }
        if j + 1 < n && chars[j] == '.' && chars[j + 1].is_ascii_digit() {
            j += 1;
            while j < n && chars[j].is_ascii_digit() {
                j += 1;
            }
        }
        s(at, j).parse().ok().map(|v| (v, j))
    };

    let mut tokens: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < n {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let (value, mut j) = number_at(i).expect("a digit starts a number");
        // A digit glued to Latin letters is part of a name (5G, IPv6).
        let letter_before = start > 0 && chars[start - 1].is_ascii_alphabetic();
        let letter_after = j < n && chars[j].is_ascii_alphabetic();
        if letter_before || letter_after {
            let mut a = start;
            while a > 0 && chars[a - 1].is_ascii_alphanumeric() {
                a -= 1;
            }
            let mut b = j;
            while b < n && chars[b].is_ascii_alphanumeric() {
                b += 1;
            }
            tokens.push(Token::Not(NotAGoal { text: s(a, b), reason: NotAGoalReason::Name }));
            i = b;
            continue;
        }
        // A range: 2-3, 1～2.
        let mut upper = None;
        let k = skip_spaces(j);
        if k < n && RANGE_SIGNS.contains(&chars[k]) {
            let k2 = skip_spaces(k + 1);
            if let Some((u, e)) = number_at(k2) {
                upper = Some(u);
                j = e;
            }
        }
        let number_end = j;
        // The unit.
        let mut k = skip_spaces(j);
        let mut unit = String::new();
        if k < n && (chars[k] == '%' || chars[k] == '％') {
            unit.push('%');
            k += 1;
        } else {
            if let Some(m) = MAGNITUDES.iter().find(|m| starts_with(k, m)) {
                unit.push_str(m);
                k += m.chars().count();
            }
            if let Some(m) = MEASURES.iter().find(|m| starts_with(k, m)) {
                unit.push_str(m);
                k += m.chars().count();
            }
        }
        if unit.is_empty() {
            // Show what follows the number (`12316服`, `5.0版`) unless it is punctuation.
            let glued = number_end < n && !CLAUSE_ENDS.contains(&chars[number_end]) && !SPACES.contains(&chars[number_end]);
            let b = if glued { number_end + 1 } else { number_end };
            tokens.push(Token::Not(NotAGoal { text: s(start, b), reason: NotAGoalReason::NoUnit }));
            i = number_end;
            continue;
        }
        if k < n && chars[k] == '级' {
            tokens.push(Token::Not(NotAGoal { text: s(start, k + 1), reason: NotAGoalReason::Class }));
            i = k + 1;
            continue;
        }
        if unit == "年" || unit == "月" || unit == "日" || unit == "天" {
            let is_year = unit == "年"
                && upper.is_none()
                && number_end - start == 4
                && (1900.0..=2100.0).contains(&value);
            let reason = if is_year { NotAGoalReason::Year } else { NotAGoalReason::Duration };
            tokens.push(Token::Not(NotAGoal { text: s(start, k), reason }));
            i = k;
            continue;
        }
        // Prefix (looking back over spaces) and suffix.
        let mut relation = Relation::Reach;
        let mut phrase_start = start;
        let mut back = start;
        while back > 0 && SPACES.contains(&chars[back - 1]) {
            back -= 1;
        }
        for (p, r) in PREFIXES {
            let len = p.chars().count();
            if back >= len && s(back - len, back) == *p {
                phrase_start = back - len;
                if let Some(r) = r {
                    relation = *r;
                }
                break;
            }
        }
        let mut each = false;
        if phrase_start > 0 && chars[phrase_start - 1] == '各' {
            each = true;
            phrase_start -= 1;
        }
        let mut end = k;
        let after = skip_spaces(k);
        for (sfx, r) in SUFFIXES {
            if starts_with(after, sfx) {
                relation = *r;
                end = after + sfx.chars().count();
                break;
            }
        }
        if upper.is_some() {
            relation = Relation::Between;
        }
        let next = skip_spaces(end);
        let followed_by_words = next < n && !CLAUSE_ENDS.contains(&chars[next]);
        tokens.push(Token::Quantity(Quantity { start: phrase_start, end, relation, value, upper, unit, each, followed_by_words }));
        i = end;
    }

    let clause_of = |at: usize| -> (usize, usize) {
        let mut a = at;
        while a > 0 && !CLAUSE_ENDS.contains(&chars[a - 1]) {
            a -= 1;
        }
        let mut b = at;
        while b < n && !CLAUSE_ENDS.contains(&chars[b]) {
            b += 1;
        }
        (a, b)
    };

    let mut out = Extraction::default();
    for (t, token) in tokens.iter().enumerate() {
        match token {
            Token::Not(ng) => out.not_goals.push(ng.clone()),
            Token::Quantity(q) => {
                let clause = clause_of(q.start);
                // Another quantity later in the same clause, after words: this one sizes the
                // things that one counts.
                let later_in_clause = tokens[t + 1..].iter().any(|o| match o {
                    Token::Quantity(o) => o.start < clause.1,
                    Token::Not(_) => false,
                });
                if q.followed_by_words && later_in_clause {
                    out.not_goals.push(NotAGoal { text: s(q.start, q.end), reason: NotAGoalReason::Qualifier });
                    continue;
                }
                let id = format!("{id_prefix}G{}", out.goals.len() + 1);
                out.goals.push(Goal {
                    id,
                    relation: q.relation,
                    value: q.value,
                    upper: q.upper,
                    unit: q.unit.clone(),
                    each: q.each,
                    phrase: s(q.start, q.end),
                    clause: s(clause.0, clause.1).trim_matches(SPACES).to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goals(text: &str) -> Vec<String> {
        extract(text, "").goals.iter().map(|g| format!("{} [{}]", g.short(), g.phrase)).collect()
    }

    #[test]
    fn reads_the_forms_of_the_documents() {
        assert_eq!(goals("争取立项支持 30 个以上科研攻关项目。"), ["≥30 个 [30 个以上]"]);
        assert_eq!(goals("园区连通率达到98%以上，上线企业达到4万家。"), ["≥98 % [达到98%以上]", "4 万家 [达到4万家]"]);
        assert_eq!(goals("选择 2-3 条重点赛道"), ["2–3 条 [2-3 条]"]);
        assert_eq!(goals("电子信息制造业营收突破 2000 亿元"), [">2000 亿元 [突破 2000 亿元]"]);
        assert_eq!(goals("新建成 5G 基站不少于 3000 个"), ["≥3000 个 [不少于 3000 个]"]);
        assert_eq!(goals("全年遴选和推广10个左右应用场景示范区"), ["≈10 个 [10个左右]"]);
        assert_eq!(goals("泛物联网连接数达 100 万以上"), ["≥100 万 [达 100 万以上]"]);
        assert_eq!(goals("标识解析量达4亿个"), ["4 亿个 [达4亿个]"]);
        let e = extract("培育创新型中小企业、科技型中小企业各20家以上", "");
        assert!(e.goals[0].each && e.goals[0].phrase == "各20家以上");
    }

    #[test]
    fn numbers_that_are_not_goals_are_listed_with_the_reason() {
        let e = extract("开展 2022 年电子信息类关键共性技术遴选工作。", "");
        assert!(e.goals.is_empty());
        assert_eq!(e.not_goals, [NotAGoal { text: "2022 年".into(), reason: NotAGoalReason::Year }]);
        let e = extract("推进 IPv6 规模化部署，新建 5G 基站", "");
        assert!(e.goals.is_empty());
        assert_eq!(e.not_goals.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(), ["IPv6", "5G"]);
        let e = extract("在全省3-9年级推广使用，持续推进12316服务，“赣服通”5.0版上线", "");
        assert!(e.goals.is_empty());
        let reasons: Vec<_> = e.not_goals.iter().map(|n| n.reason).collect();
        assert_eq!(reasons, [NotAGoalReason::Class, NotAGoalReason::NoUnit, NotAGoalReason::NoUnit]);
        let e = extract("对市场主体实行 2 年的发展“包容期”", "");
        assert_eq!(e.not_goals[0].reason, NotAGoalReason::Duration);
        let e = extract("招引 20 亿元以上数字经济重大项目 20 个。", "");
        assert_eq!(e.goals.len(), 1);
        assert_eq!(e.goals[0].phrase, "20 个");
        assert_eq!(e.not_goals[0], NotAGoal { text: "20 亿元以上".into(), reason: NotAGoalReason::Qualifier });
        let e = extract("实现 5 个以上百万级应用及一批 50 万级、10 万级移动物联网应用", "");
        assert_eq!(e.goals.len(), 1);
        assert_eq!(e.not_goals.len(), 2);
        assert!(extract("实施两批清单", "").goals.is_empty(), "Chinese numerals are not read");
    }

    #[test]
    fn meeting_a_goal() {
        let g = |t: &str| extract(t, "").goals.remove(0);
        assert!(g("30 个以上").is_met_by(30.0) && !g("30 个以上").is_met_by(29.0));
        assert!(!g("突破 2000 亿元").is_met_by(2000.0) && g("突破 2000 亿元").is_met_by(2000.5));
        assert!(g("10个左右").is_met_by(9.5) && !g("10个左右").is_met_by(9.4));
        assert!(g("2-3 条").is_met_by(2.0) && !g("2-3 条").is_met_by(1.0));
        assert!(g("15%以内").is_met_by(15.0) && !g("15%以内").is_met_by(15.1));
    }
}
