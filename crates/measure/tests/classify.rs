//! Hand-checked classification of enterprises: one per major class, starred codes decided by
//! business scope, codes shared by two or three classes, and the undecidable cases.

use digecon_measure::classification::Classification;
use digecon_measure::rules::{Classifier, Outcome, Reason};

/// (small, medium, major) of a decision, or None when not core.
fn classes(c: &Classifier, code: u16, scope: &str) -> (Option<(String, String, String)>, Outcome, String) {
    let d = c.classify(code, scope.as_bytes());
    let cls = match d.outcome {
        Outcome::Core(s) => {
            let (a, b, m) = c.table.slot_classes(s);
            Some((a.code.clone(), b.code.clone(), m.code.clone()))
        }
        _ => None,
    };
    (cls, d.outcome, c.reason_text(code, &d))
}

fn core(small: &str, medium: &str, major: &str) -> Option<(String, String, String)> {
    Some((small.into(), medium.into(), major.into()))
}

#[test]
fn one_enterprise_per_major_class() {
    let c = Classifier::nbs2021();
    // 01 数字产品制造业: 3911 计算机整机制造 → 010101 计算机整机制造, 0101 计算机制造.
    let (cls, _, why) = classes(&c, 3911, "计算机整机制造；技术服务");
    assert_eq!(cls, core("010101", "0101", "01"));
    assert_eq!(why, "行业代码直接对应 / direct mapping: 3911 → 010101");
    // 02 数字产品服务业: 5176 计算机、软件及辅助设备批发 → 020101, 0201 数字产品批发.
    assert_eq!(classes(&c, 5176, "").0, core("020101", "0201", "02"));
    // 03 数字技术应用业: 6513 应用软件开发 → 030103, 0301 软件开发.
    assert_eq!(classes(&c, 6513, "").0, core("030103", "0301", "03"));
    // 04 数字要素驱动业: 6431 互联网生产服务平台 → 040101, 0401 互联网平台.
    assert_eq!(classes(&c, 6431, "").0, core("040101", "0401", "04"));
    // An unstarred code ignores the business scope entirely.
    assert_eq!(classes(&c, 3973, "电力电缆；台球").0, core("010508", "0105", "01"));
    // Not core: 1311 稻谷加工 (only a potential class-05 code).
    let (cls, out, why) = classes(&c, 1311, "稻谷加工");
    assert_eq!((cls, out), (None, Outcome::NonCore));
    assert!(why.contains("050204"), "{why}");
}

#[test]
fn starred_codes_are_decided_by_business_scope() {
    let c = Classifier::nbs2021();
    // 3831 电线、电缆制造* → 010606 专用电线、电缆制造 only for communication/data cables.
    let (cls, _, why) = classes(&c, 3831, "通信电缆、射频电缆的研发、制造和销售");
    assert_eq!(cls, core("010606", "0106", "01"));
    assert!(why.starts_with("规则 R3831-IN 匹配「通信电缆」→ 010606"), "{why}");
    let (cls, out, why) = classes(&c, 3831, "电力电缆、架空绞线制造");
    assert_eq!((cls, out), (None, Outcome::NonCore));
    assert!(why.starts_with("规则 R3831-OUT 匹配「电力电缆」"), "{why}");
    // 7320 工程和技术研究和试验发展* → 040703 数字技术研究和试验发展.
    assert_eq!(classes(&c, 7320, "人工智能算法研究与试验发展").0, core("040703", "0407", "04"));
    assert_eq!(classes(&c, 7320, "新材料技术研究").1, Outcome::NonCore);
    // 4790 其他房屋建筑业* → 040503 算力基础设施建设.
    assert_eq!(classes(&c, 4790, "数据中心土建工程施工").0, core("040503", "0405", "04"));
    // 8610 新闻业* → 030304 互联网资讯服务.
    assert_eq!(classes(&c, 8610, "互联网新闻信息服务").0, core("030304", "0303", "03"));
    assert_eq!(classes(&c, 8610, "报纸出版发行").1, Outcome::NonCore);
    // 7213 资源与产权交易服务* → 040600.
    assert_eq!(classes(&c, 7213, "数据交易撮合、数据资产登记").0, core("040600", "0406", "04"));
    assert_eq!(classes(&c, 7213, "林权、排污权交易服务").1, Outcome::NonCore);
}

#[test]
fn shared_codes_are_decided_by_business_scope() {
    let c = Classifier::nbs2021();
    // 6429 互联网其他信息服务 is listed under 030304 and 030307.
    assert_eq!(classes(&c, 6429, "互联网资讯服务、信息发布").0, core("030304", "0303", "03"));
    assert_eq!(classes(&c, 6429, "网络直播、网络社区运营").0, core("030307", "0303", "03"));
    // 4910 电气安装 is listed under 040501, 040502 and 040503.
    let (cls, _, why) = classes(&c, 4910, "5G基站、通信铁塔电气安装");
    assert_eq!(cls, core("040501", "0405", "04"));
    assert!(why.contains("R4910-NET"), "{why}");
    assert_eq!(classes(&c, 4910, "工业互联网设备安装").0, core("040502", "0405", "04"));
    assert_eq!(classes(&c, 4910, "数据中心机电安装").0, core("040503", "0405", "04"));
    assert_eq!(classes(&c, 4910, "建筑电气安装、照明工程").1, Outcome::NonCore);
    // 4851 架线及设备工程建筑, same three classes.
    assert_eq!(classes(&c, 4851, "光缆敷设及通信管道施工").0, core("040501", "0405", "04"));
    assert_eq!(classes(&c, 4851, "输电线路架设").1, Outcome::NonCore);
}

#[test]
fn undecidable_enterprises_go_to_review_with_a_reason() {
    let c = Classifier::nbs2021();
    // Both a news keyword (030304) and a live-streaming keyword (030307).
    let (cls, out, why) = classes(&c, 6429, "新闻资讯、网络直播");
    assert_eq!((cls, out), (None, Outcome::Review));
    assert!(why.starts_with("规则冲突：R6429-NEWS「新闻」→ 030304；R6429-OTHER「网络直播」→ 030307"), "{why}");
    // Digital and non-digital keywords.
    assert_eq!(classes(&c, 3831, "通信电缆、电力电缆").1, Outcome::Review);
    // No keyword.
    let d = c.classify(3831, "电线电缆销售".as_bytes());
    assert_eq!((d.outcome, d.reason), (Outcome::Review, Reason::NoMatch));
    // Empty scope.
    let d = c.classify(4910, b"  ");
    assert_eq!((d.outcome, d.reason), (Outcome::Review, Reason::EmptyScope));
    // Two keywords of the same rule are not a conflict.
    assert_eq!(classes(&c, 3831, "通信电缆、数据电缆").0, core("010606", "0106", "01"));
}

#[test]
fn every_starred_or_shared_core_code_has_rules() {
    let c = Classifier::nbs2021();
    let mut codes: Vec<u16> = c.rules.iter().map(|r| r.gb_code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes, vec![2462, 3831, 4790, 4851, 4910, 4999, 6429, 7213, 7320, 8610]);
    assert!(c.rules.iter().all(|r| !r.why.is_empty()));
}

#[test]
fn bad_rules_are_rejected_with_file_and_line() {
    let t = Classification::nbs2021;
    let head = "rule_id,gbt4754_code,outcome,keywords,why\n";
    let e = Classifier::new(t(), "r.csv", format!("{head}A,3911,010101,计算机,x\n").as_bytes()).err().unwrap();
    assert_eq!(e.line, 2);
    assert!(e.to_string().starts_with("r.csv:2: 3911 is not a starred or shared"), "{e}");
    let e = Classifier::new(t(), "r.csv", format!("{head}A,3831,010101,电缆,x\n").as_bytes()).err().unwrap();
    assert!(e.message.contains("not a class of code 3831"), "{e}");
    let e = Classifier::new(t(), "r.csv", format!("{head}A,3831,non_core,电缆,\n").as_bytes()).err().unwrap();
    assert!(e.message.contains("why"), "{e}");
    // A version without rules sends every starred code to review.
    let c = Classifier::new(t(), "r.csv", head.as_bytes()).unwrap();
    assert_eq!(c.classify(3831, "通信电缆".as_bytes()).reason, Reason::NoRules);
}
