//! Business-scope (经营范围) keyword rules for starred and shared GB/T codes, and the classifier.
//!
//! A rule says: for GB/T code `c`, if the business scope contains any of these keywords, the
//! enterprise belongs to small class `s` (or is not core). All rules of the code are tried; if
//! every matching rule gives the same outcome, that outcome is taken and the first match is the
//! recorded reason. Different outcomes, no match, or an empty scope send the enterprise to review:
//! nothing is decided by default.

use std::io::Read;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::classification::{parse_code4, Classification, CodeKind, CODE_SPACE};
use digecon_core::Located;

const RULES_CSV: &str = include_str!("../../../data/nbs2021/v1/keyword_rules.csv");

/// Outcome of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleOutcome {
    /// Core, in this slot (small class × GB/T code).
    Core(usize),
    NonCore,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub gb_code: u16,
    pub outcome: RuleOutcome,
    pub keywords: Vec<String>,
    pub why: String,
}

/// Where an enterprise goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Core(usize),
    NonCore,
    Review,
}

/// Why; rendered to text by [`Classifier::reason_text`] only when needed (output is per row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The code maps to one unstarred core row.
    Direct,
    /// The code is not in classes 01–04.
    NotCore,
    /// A keyword of a rule matched (rule index, keyword index).
    Rule { rule: u32, keyword: u32 },
    /// Two rules with different outcomes matched.
    Conflict { first: (u32, u32), second: (u32, u32) },
    /// Starred/shared code, no keyword matched.
    NoMatch,
    /// Starred/shared code, empty business scope.
    EmptyScope,
    /// Starred/shared code for which the rule set has no rules.
    NoRules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub reason: Reason,
}

struct CodeRules {
    matcher: AhoCorasick,
    /// pattern id → (rule index, keyword index)
    patterns: Vec<(u32, u32)>,
}

/// Classification table + keyword rules.
pub struct Classifier {
    pub table: Classification,
    pub rules: Vec<Rule>,
    pub rules_file: String,
    by_code: Vec<Option<CodeRules>>,
}

#[derive(Debug, serde::Deserialize)]
struct RuleRow {
    rule_id: String,
    gbt4754_code: String,
    outcome: String,
    keywords: String,
    why: String,
}

impl Classifier {
    /// The shipped table and rules (`data/nbs2021/v1/`).
    pub fn nbs2021() -> Self {
        Self::new(Classification::nbs2021(), "nbs2021/v1/keyword_rules.csv", RULES_CSV.as_bytes())
            .expect("the shipped keyword rules are valid (checked by tests)")
    }

    /// Loads rules (columns `rule_id,gbt4754_code,outcome,keywords,why`; keywords `|`-separated;
    /// outcome a small-class code or `non_core`) against a table. A rule must name a starred or
    /// shared code and one of that code's own classes: anything else is a data error.
    pub fn new(table: Classification, file: &str, rules: impl Read) -> Result<Self, Located> {
        let mut out = Vec::new();
        let mut rdr = csv::Reader::from_reader(rules);
        for (i, r) in rdr.deserialize::<RuleRow>().enumerate() {
            let line = i as u64 + 2;
            let r = r.map_err(|e| Located::at(file, line, e.to_string()))?;
            let gb = parse_code4(&r.gbt4754_code)
                .ok_or_else(|| Located::at(file, line, format!("gbt4754_code must be 4 digits: {:?}", r.gbt4754_code)))?;
            let CodeKind::Partial(candidates) = table.kind(gb) else {
                return Err(Located::at(file, line, format!("{gb:04} is not a starred or shared core code; rules apply only to those")));
            };
            let outcome = if r.outcome == "non_core" {
                RuleOutcome::NonCore
            } else {
                let small = table
                    .small_index(&r.outcome)
                    .ok_or_else(|| Located::at(file, line, format!("unknown small class {:?}", r.outcome)))?;
                let slot = candidates.iter().copied().find(|&s| table.slots[s].small == small).ok_or_else(|| {
                    Located::at(file, line, format!("{} is not a class of code {gb:04} in the table", r.outcome))
                })?;
                RuleOutcome::Core(slot)
            };
            let keywords: Vec<String> = r.keywords.split('|').map(|k| k.trim().to_string()).collect();
            if keywords.iter().any(String::is_empty) {
                return Err(Located::at(file, line, "empty keyword"));
            }
            if r.why.trim().is_empty() {
                return Err(Located::at(file, line, "every rule needs a `why`"));
            }
            if out.iter().any(|o: &Rule| o.id == r.rule_id) {
                return Err(Located::at(file, line, format!("duplicate rule_id {}", r.rule_id)));
            }
            out.push(Rule { id: r.rule_id, gb_code: gb, outcome, keywords, why: r.why });
        }
        let mut by_code: Vec<Option<CodeRules>> = (0..CODE_SPACE).map(|_| None).collect();
        for code in 0..CODE_SPACE as u16 {
            let mut pats = Vec::new();
            let mut ids = Vec::new();
            for (ri, rule) in out.iter().enumerate().filter(|(_, r)| r.gb_code == code) {
                for (ki, k) in rule.keywords.iter().enumerate() {
                    pats.push(k.as_bytes());
                    ids.push((ri as u32, ki as u32));
                }
            }
            if pats.is_empty() {
                continue;
            }
            // Standard semantics so overlapping matches can all be seen (a conflict may hide
            // inside a longer keyword of another rule).
            let matcher = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&pats)
                .map_err(|e| Located::at(file, 0, e.to_string()))?;
            by_code[code as usize] = Some(CodeRules { matcher, patterns: ids });
        }
        Ok(Self { table, rules: out, rules_file: file.to_string(), by_code })
    }

    /// Classifies an enterprise by its (known) GB/T code and business scope.
    #[inline]
    pub fn classify(&self, code: u16, scope: &[u8]) -> Decision {
        match self.table.kind(code) {
            CodeKind::Direct(slot) => Decision { outcome: Outcome::Core(*slot), reason: Reason::Direct },
            CodeKind::NonCore { .. } | CodeKind::Unknown => Decision { outcome: Outcome::NonCore, reason: Reason::NotCore },
            CodeKind::Partial(_) => self.by_rules(code, scope),
        }
    }

    #[cold]
    fn by_rules(&self, code: u16, scope: &[u8]) -> Decision {
        let review = |reason| Decision { outcome: Outcome::Review, reason };
        let Some(cr) = &self.by_code[code as usize] else { return review(Reason::NoRules) };
        if scope.trim_ascii().is_empty() {
            return review(Reason::EmptyScope);
        }
        let mut first: Option<(RuleOutcome, (u32, u32))> = None;
        for m in cr.matcher.find_overlapping_iter(scope) {
            let id = cr.patterns[m.pattern().as_usize()];
            let outcome = self.rules[id.0 as usize].outcome;
            match first {
                None => first = Some((outcome, id)),
                Some((o, f)) if o != outcome => return review(Reason::Conflict { first: f, second: id }),
                Some(_) => {}
            }
        }
        match first {
            None => review(Reason::NoMatch),
            Some((o, (rule, keyword))) => Decision {
                outcome: match o {
                    RuleOutcome::Core(s) => Outcome::Core(s),
                    RuleOutcome::NonCore => Outcome::NonCore,
                },
                reason: Reason::Rule { rule, keyword },
            },
        }
    }

    fn rule_kw(&self, (r, k): (u32, u32)) -> (&Rule, &str) {
        let rule = &self.rules[r as usize];
        (rule, rule.keywords[k as usize].as_str())
    }

    fn outcome_text(&self, o: RuleOutcome) -> String {
        match o {
            RuleOutcome::Core(s) => self.table.smalls[self.table.slots[s].small].code.clone(),
            RuleOutcome::NonCore => "非核心 non-core".to_string(),
        }
    }

    /// The recorded reason, zh-CN first, English second.
    pub fn reason_text(&self, code: u16, d: &Decision) -> String {
        match d.reason {
            Reason::Direct => {
                let Outcome::Core(s) = d.outcome else { unreachable!("direct decisions are core") };
                format!("行业代码直接对应 / direct mapping: {code:04} → {}", self.table.smalls[self.table.slots[s].small].code)
            }
            Reason::NotCore => match self.table.kind(code) {
                CodeKind::NonCore { potential_05: Some(p) } => format!(
                    "非核心产业代码；05 类潜在对应 {}（05 不按代码归类）/ not a core code; listed under class 05 {} (not assigned by code)",
                    self.table.smalls[*p].code, self.table.smalls[*p].code
                ),
                _ => format!("非核心产业代码 / not a core code: {code:04}"),
            },
            Reason::Rule { rule, keyword } => {
                let (r, kw) = self.rule_kw((rule, keyword));
                format!("规则 {} 匹配「{kw}」→ {} / rule {} matched the business scope", r.id, self.outcome_text(r.outcome), r.id)
            }
            Reason::Conflict { first, second } => {
                let (r1, k1) = self.rule_kw(first);
                let (r2, k2) = self.rule_kw(second);
                format!(
                    "规则冲突：{}「{k1}」→ {}；{}「{k2}」→ {} / conflicting rules, needs review",
                    r1.id,
                    self.outcome_text(r1.outcome),
                    r2.id,
                    self.outcome_text(r2.outcome)
                )
            }
            Reason::NoMatch => format!("{code:04} 为带*或多类共用代码，经营范围未匹配任何关键词 / starred or shared code, no keyword matched, needs review"),
            Reason::EmptyScope => format!("{code:04} 为带*或多类共用代码，经营范围为空 / starred or shared code with empty business scope, needs review"),
            Reason::NoRules => format!("{code:04} 为带*或多类共用代码，规则表无该代码的规则 / starred or shared code without rules, needs review"),
        }
    }
}
