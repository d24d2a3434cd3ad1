//! Goals read from the 122 tasks of the shipped dataset (and the milestones of 004 Annex 1):
//! a sample checked by hand against the documents, and the invariants every extraction keeps.

use digecon_dataset::Dataset;
use digecon_ledger::{items, ItemKind, LedgerItem, NotAGoalReason, Relation};

fn all_items() -> Vec<LedgerItem> {
    let ds = Dataset::embedded().unwrap();
    items(&ds.plans, &ds.tasks, &ds.projects).unwrap()
}

fn item<'a>(all: &'a [LedgerItem], plan: &str, number: u32) -> &'a LedgerItem {
    all.iter().find(|i| i.key.plan_id == plan && i.key.number == number).unwrap()
}

/// (relation, value, upper, unit, phrase) of each goal.
fn goals(it: &LedgerItem) -> Vec<(Relation, f64, Option<f64>, &str, &str)> {
    it.all_goals().map(|g| (g.relation, g.value, g.upper, g.unit.as_str(), g.phrase.as_str())).collect()
}

const JX: &str = "jx-2022-workplan";
const GZ: &str = "gz-2023-keypoints";
use Relation::*;

#[test]
fn hand_checked_sample() {
    let all = all_items();
    // 002 task 1: "争取立项支持 30 个以上科研攻关项目"
    assert_eq!(goals(item(&all, JX, 1)), [(AtLeast, 30.0, None, "个", "30 个以上")]);
    // 002 task 28: "园区连通率达到98%以上，上线企业达到4万家" — two goals.
    assert_eq!(goals(item(&all, JX, 28)), [(AtLeast, 98.0, None, "%", "达到98%以上"), (Reach, 4.0, None, "万家", "达到4万家")]);
    // 002 task 17: 100 key projects, 650 亿元 or more.
    assert_eq!(goals(item(&all, JX, 17)), [(Reach, 100.0, None, "个", "100 个"), (AtLeast, 650.0, None, "亿元", "650 亿元以上")]);
    // 002 task 12: "选择 2-3 条重点赛道".
    assert_eq!(goals(item(&all, JX, 12)), [(Between, 2.0, Some(3.0), "条", "2-3 条")]);
    // 002 task 23: three goals, the last one in 万 without a measure word.
    assert_eq!(
        goals(item(&all, JX, 23)),
        [(Reach, 10.0, None, "个", "10 个"), (AtLeast, 100.0, None, "个", "100 个以上"), (AtLeast, 100.0, None, "万", "达 100 万以上")]
    );
    // 002 task 34: "10个左右应用场景示范区、60个左右示范项目".
    assert_eq!(goals(item(&all, JX, 34)), [(About, 10.0, None, "个", "10个左右"), (About, 60.0, None, "个", "60个左右")]);
    // 002 task 86: "掌上可办比例达100%" and "日均活跃率突破30%"; "5.0版" is a version.
    let t86 = item(&all, JX, 86);
    assert_eq!(goals(t86), [(Reach, 100.0, None, "%", "达100%"), (Above, 30.0, None, "%", "突破30%")]);
    assert_eq!(t86.not_goals[0].reason, NotAGoalReason::NoUnit);
    // 002 task 89: "超过 1 亿条".
    assert_eq!(goals(item(&all, JX, 89)), [(Above, 1.0, None, "亿条", "超过 1 亿条")]);
    // 003 task 5: "电子信息制造业营收突破 2000 亿元".
    assert_eq!(goals(item(&all, GZ, 5)), [(Above, 2000.0, None, "亿元", "突破 2000 亿元")]);
    // 003 task 15: "招引 20 亿元以上数字经济重大项目 20 个" — 20 亿元以上 sizes the projects.
    let t15 = item(&all, GZ, 15);
    assert_eq!(goals(t15), [(Reach, 20.0, None, "个", "20 个")]);
    assert_eq!(t15.not_goals[0].reason, NotAGoalReason::Qualifier);
    // 003 task 16: five goals among three 5G and two IPv6 names; the source's 300% is kept.
    assert_eq!(
        goals(item(&all, GZ, 16)),
        [
            (AtLeast, 3000.0, None, "个", "不少于 3000 个"),
            (Reach, 19.0, None, "个", "达 19 个"),
            (Reach, 300.0, None, "%", "达 300%"),
            (AtLeast, 15.0, None, "%", "15%以上"),
            (Reach, 100.0, None, "%", "达到 100%"),
        ]
    );
    // 003 task 2: "…科技型中小企业各20家以上" applies to each kind.
    let t2 = item(&all, GZ, 2);
    assert_eq!(goals(t2), [(AtLeast, 20.0, None, "家", "各20家以上"), (Reach, 2.0, None, "家", "2家")]);
    assert!(t2.goals[0].each);
    // 003 task 14: the city's key and new-infrastructure projects.
    assert_eq!(
        goals(item(&all, GZ, 14)),
        [(Reach, 110.0, None, "个", "110 个"), (Reach, 665.0, None, "亿元", "665 亿元"), (Reach, 45.0, None, "个", "45 个"), (Reach, 70.0, None, "亿元", "70 亿元")]
    );
    // 004 project 6: milestones 15000 (2023) and 20000 (2025) base stations.
    let p6 = all.iter().find(|i| i.key.kind == ItemKind::Project && i.key.number == 6).unwrap();
    assert_eq!(goals(p6), [(Reach, 15000.0, None, "个", "达到 15000 个"), (Reach, 20000.0, None, "个", "达到 20000 个")]);
    assert_eq!(p6.milestones.iter().map(|m| (m.id.as_str(), m.due.to_string())).collect::<Vec<_>>(), [("M2023", "2023-12".into()), ("M2025", "2025-12".into())]);
    assert_eq!(p6.milestones[0].goals[0].id, "M2023-G1");
}

#[test]
fn tasks_without_a_quantity_have_no_goal() {
    let all = all_items();
    // No digit at all.
    for n in [3, 4, 9, 10, 11, 19, 97] {
        let it = item(&all, JX, n);
        assert!(!it.text.chars().any(|c| c.is_ascii_digit()), "task {n}");
        assert!(it.goals.is_empty() && it.not_goals.is_empty(), "task {n}");
    }
    // Digits that are not quantities: a year, a hotline, a version, school grades, a duration.
    for (n, reason) in [
        (2, NotAGoalReason::Year),
        (57, NotAGoalReason::NoUnit),
        (65, NotAGoalReason::NoUnit),
        (68, NotAGoalReason::Class),
        (94, NotAGoalReason::Duration),
        (24, NotAGoalReason::Name),
    ] {
        let it = item(&all, JX, n);
        assert!(it.goals.is_empty(), "task {n}: {:?}", it.goals);
        assert_eq!(it.not_goals.iter().map(|g| g.reason).collect::<Vec<_>>(), [reason], "task {n}");
    }
    // 两批 (two batches) is written in Chinese numerals: not read, not guessed.
    assert!(item(&all, JX, 32).text.contains("两批") && item(&all, JX, 32).goals.is_empty());
}

#[test]
fn coverage_and_invariants_over_all_tasks() {
    let all = all_items();
    let tasks: Vec<&LedgerItem> = all.iter().filter(|i| i.key.kind == ItemKind::Task).collect();
    assert_eq!(tasks.len(), 122);
    let with = |plan: &str| tasks.iter().filter(|t| t.key.plan_id == plan && !t.goals.is_empty()).count();
    let count = |plan: &str| tasks.iter().filter(|t| t.key.plan_id == plan).map(|t| t.goals.len()).sum::<usize>();
    // Counted by hand from the documents' texts.
    assert_eq!((with(JX), count(JX)), (25, 34));
    assert_eq!((with(GZ), count(GZ)), (15, 41));
    for it in &all {
        // A project's goals are read from its milestones, not from the whole 建设目标 text.
        let own = (it.key.kind == ItemKind::Task).then(|| (it.text.as_str(), it.goals.iter().collect(), it.not_goals.iter().collect()));
        let sources: Vec<(&str, Vec<_>, Vec<_>)> = own
            .into_iter()
            .chain(it.milestones.iter().map(|m| (m.text.as_str(), m.goals.iter().collect(), m.not_goals.iter().collect())))
            .collect();
        for (text, goals, not_goals) in sources {
            let mut rest = text.to_string();
            for (i, g) in goals.iter().enumerate() {
                assert!(text.contains(&g.phrase) && text.contains(&g.clause) && g.clause.contains(&g.phrase), "{}: {:?}", it.key, g);
                assert!(g.id.ends_with(&format!("G{}", i + 1)), "{}: ids in text order", it.key);
                rest = rest.replacen(&g.phrase, "", 1);
            }
            for n in not_goals {
                assert!(text.contains(&n.text), "{}: {:?}", it.key, n);
                rest = rest.replacen(&n.text, "", 1);
            }
            assert!(!rest.chars().any(|c| c.is_ascii_digit()), "{}: a number was neither a goal nor explained: {rest}", it.key);
        }
    }
}
