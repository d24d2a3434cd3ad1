//! Progress against targets, with expected values computed by hand: the provincial 14th FYP as
//! of 2022 with the white paper's 2022 figures, the 2022 work plan, and small hand-made plans for
//! 序时进度, binding targets, qualitative, reference, increment and growth targets, forecasts.

mod common;

use common::*;
use digecon_core::{Accumulation, Attribute, Frequency, Period, Polarity, Source};
use digecon_track::forecast::Warning;
use digecon_track::progress::Outlook;
use digecon_track::wording::Reference;
use digecon_track::*;

fn at(as_of: &str, inputs: &Inputs) -> Vec<Progress> {
    progress(inputs, as_of.parse().unwrap(), &Rules::default()).unwrap()
}

fn row<'a>(rows: &'a [Progress], plan: &str, code: &str, year: i32) -> &'a Progress {
    rows.iter().find(|r| r.plan_id == plan && r.indicator_code == code && r.target_year == year).unwrap_or_else(|| panic!("{plan} {code} {year}"))
}

fn ratio(p: &Progress) -> f64 {
    match p.measure {
        Some(Measure::Ratio(r)) => r,
        ref m => panic!("{} {}: {m:?}", p.plan_id, p.indicator_code),
    }
}

#[test]
fn provincial_fyp_as_of_2022() {
    let rows = at("2022", &shipped());
    let jx = |code: &str| row(&rows, "jx-14fyp", code, 2025);

    // 数字经济增加值 8354 → 16000 at the stated 14 %/yr: expected 2022 = 8354 × 1.14².
    let p = jx("DE_VA");
    let expected = 8354.0 * 1.14 * 1.14; // 10856.8584
    assert!(close(p.expected_value.unwrap(), expected));
    assert_eq!(p.latest.as_ref().map(|l| (l.period, l.value)), Some((Period::Year(2022), 11874.0)));
    assert!(close(ratio(p), (11874.0 - 8354.0) / (expected - 8354.0))); // 1.406: ahead of the path
    assert_eq!(p.status, Status::OnTrack);
    let e = p.eurostat.unwrap();
    let observed = ((11874.0f64 / 8354.0).sqrt() - 1.0) * 100.0; // 19.22 %
    let required = ((16000.0f64 / 8354.0).powf(0.2) - 1.0) * 100.0; // 13.88 %
    assert!(close(e.observed_cagr, observed) && close(e.required_cagr, required));
    assert!(close(e.ratio, observed / required));
    assert_eq!(e.category, EurostatCategory::Significant);
    assert!(p.rule.contains("compound at the stated 14 %/yr") && p.rule.contains("progress ratio 1.406 ≥ 0.95"), "{}", p.rule);

    // 规模以上电子信息制造业营业收入 >10000: achieved with 10269, three years early.
    let p = jx("EIM_REV");
    assert_eq!(p.status, Status::Achieved);
    assert_eq!(p.latest.as_ref().unwrap().value, 10269.0);
    assert!(p.rule.contains("already met in 2022"), "{}", p.rule);

    // 核心产业增加值占比 6.5 → 10以上, no stated rate: linear, 2022 = 6.5 + 3.5 × 2/5 = 7.9.
    let p = jx("CORE_VA_GDP_SHARE");
    assert!(close(p.expected_value.unwrap(), 7.9));
    assert!(close(ratio(p), (8.4 - 6.5) / (7.9 - 6.5)));
    assert_eq!(p.status, Status::OnTrack);

    // 软件 296 → 600 at 18 %: 2022 = 296 × 1.18² = 412.1504; the white paper's 191.11 is below the base.
    let p = jx("SW_REV");
    let expected = 296.0 * 1.18 * 1.18;
    assert!(close(p.expected_value.unwrap(), expected));
    assert!(close(ratio(p), (191.11 - 296.0) / (expected - 296.0)));
    assert_eq!(p.status, Status::OffTrack);
    assert_eq!(p.eurostat.unwrap().category, EurostatCategory::MovingAway);

    // 网上零售额 1582 → 3000左右 at 18左右 (mid 18): 2022 = 1582 × 1.18² = 2202.7768; ratio 0.933 → at risk.
    let p = jx("ONLINE_RETAIL");
    let expected = 1582.0 * 1.18 * 1.18;
    assert!(close(p.expected_value.unwrap(), expected));
    let r = (2161.31 - 1582.0) / (expected - 1582.0);
    assert!(close(ratio(p), r) && (0.60..0.95).contains(&r));
    assert_eq!(p.status, Status::AtRisk);

    // 省际出口带宽 34790 → 70000, linear: 2022 = 34790 + 35210 × 2/5 = 48874.
    let p = jx("INTERPROV_BW");
    assert!(close(p.expected_value.unwrap(), 48874.0));
    assert!(close(ratio(p), (50270.0 - 34790.0) / (48874.0 - 34790.0)));
    assert_eq!(p.status, Status::OnTrack);

    // “赣服通”注册用户 4100: achieved with 4442.
    assert_eq!(jx("GFT_USERS").status, Status::Achieved);

    // 5G基站 in 万个 (3.4 → 10): the 2022 value is derived from BS_5G_OPEN 88529 个 / 10000.
    let p = jx("BS_5G_OPEN_10K");
    assert!(close(p.latest.as_ref().unwrap().value, 8.8529));
    assert!(close(p.expected_value.unwrap(), 3.4 + 6.6 * 2.0 / 5.0));
    assert!(p.rule.contains("BS_5G_OPEN / 10000"), "{}", p.rule);
    assert_eq!(p.status, Status::OnTrack);

    // Prose targets without a base take the 2020 observation and say so.
    let p = jx("DE_VA_GDP_SHARE"); // 32.5 → 45左右: 2022 = 32.5 + 12.5 × 2/5 = 37.5; actual 37.
    assert!(p.base_from_observation && p.base_value == Some(32.5));
    assert!(close(p.expected_value.unwrap(), 37.5) && close(ratio(p), 4.5 / 5.0));
    assert_eq!(p.status, Status::AtRisk);
    assert!(p.rule.contains("base value taken from the 2020 observation"));
    let p = jx("VR_REV"); // 600 → 1500: 2022 = 960; actual 812 → 212 / 360 = 0.589 < 0.60.
    assert!(close(ratio(p), 212.0 / 360.0));
    assert_eq!(p.status, Status::OffTrack);
    let p = jx("IOT_REV"); // no 2020 value anywhere: no path, honestly no data.
    assert_eq!(p.status, Status::NoData);
    assert!(p.rule.contains("no base value"), "{}", p.rule);

    // Without data: no data, with the expected value where the path is known (10000 × 1.08²).
    let p = jx("ECOMMERCE_TX");
    assert_eq!(p.status, Status::NoData);
    assert!(close(p.expected_value.unwrap(), 11664.0));
    for code in ["IT_PATENTS", "GZT_DAU_RATE", "CROSS_PROV_SERVICE_RATE", "IPV6_ACTIVE_USERS", "GIGABIT_USERS", "MIOT_TERMINALS", "DIGITAL_CULTURE_ENT_REV"] {
        assert_eq!(jx(code).status, Status::NoData, "{code}");
    }
    // 超全国平均水平 without a reference series: no data, and the rule says what is missing.
    for code in ["IIDI", "PROD_EQUIP_DIGITAL_RATE", "EQUIP_NC_RATE", "IIP_PENETRATION"] {
        let p = jx(code);
        assert_eq!(p.status, Status::NoData, "{code}");
        assert!(p.rule.contains("no national_average reference series"), "{}", p.rule);
    }
    assert_eq!(rows.iter().filter(|r| r.plan_id == "jx-14fyp").count(), 70);
}

#[test]
fn annual_work_plan_2022_is_judged_on_the_year() {
    let rows = at("2022", &shipped());
    let wp = |code: &str| row(&rows, "jx-2022-workplan", code, 2022);
    for (code, actual) in [
        ("DE_VA", 11874.0),             // 首次突破万亿元大关: > 10000
        ("CORE_VA_GDP_SHARE", 8.4),     // 达到7%左右
        ("IOT_REV", 1909.0),            // 突破1800亿元
        ("VR_REV", 812.0),              // 突破800亿元
        ("SMART_FACTORY_NEW", 890.0),   // 打造200个
        ("IIOT_ID_RESOLUTIONS", 17.85), // 力争达到4亿次
        ("ONLINE_RETAIL", 2161.31),     // 突破2000亿元
        ("BS_5G_NEW_BUILT", 23156.0),   // 1.4万个以上 = 14000 个
        ("GIGABIT_CITIES_NEW", 6.0),    // 建成3个
    ] {
        let p = wp(code);
        assert_eq!((p.status, p.latest.as_ref().map(|l| l.value)), (Status::Achieved, Some(actual)), "{code}: {}", p.rule);
    }
    assert_eq!(wp("BS_5G_NEW_BUILT").expected_value, Some(14000.0));
    for code in ["EI_REV", "USERS_5G_NEW", "PAN_IOT_CONNECTIONS", "IPV6_MOBILE_TRAFFIC_SHARE", "CLOUD_ENTERPRISES", "IIDI"] {
        assert_eq!(wp(code).status, Status::NoData, "{code}");
    }
}

#[test]
fn as_of_before_the_base_year_is_an_error() {
    let e = progress(&shipped(), Period::Year(2019), &Rules::default()).unwrap_err().to_string();
    assert!(e.contains("as-of 2019 is before the base year 2020 of target jx-14fyp 360000 DE_VA"), "{e}");
    // The Ganzhou key points have base 2022: a 2021 as-of is refused for them.
    let mut inputs = shipped();
    inputs.targets.retain(|t| t.plan_id == "gz-2023-keypoints");
    let e = progress(&inputs, Period::Year(2021), &Rules::default()).unwrap_err();
    assert_eq!(e.0.len(), 74, "every target is named");
    assert!(e.to_string().contains("before the base year 2022"));
}

/// A one-target plan over a monthly indicator.
fn monthly(acc: Accumulation, unit: &str, text: &str, values: &[(&str, f64)], attribute: Attribute) -> Inputs {
    let mut ind = indicator("M", unit);
    ind.frequency = Frequency::Month;
    ind.accumulation = acc;
    let mut t = target("p", "M", None, 2022, text, "");
    t.attribute = Some(attribute);
    Inputs {
        plans: vec![plan("p", 2022, 2022)],
        indicators: vec![ind],
        targets: vec![t],
        observations: values.iter().map(|(p, v)| obs("M", p, *v)).collect(),
        references: vec![],
    }
}

#[test]
fn elapsed_share_for_year_to_date_and_period_values() {
    // 累计 550 of 1200 at the end of June: completion 45.83 % vs elapsed 50 % → −4.17 pp.
    let inputs = monthly(Accumulation::YearToDate, "亿元", "1200", &[("2022-05", 480.0), ("2022-06", 550.0)], Attribute::Expected);
    let p = &at("2022-06", &inputs)[0];
    let gap = (550.0 / 1200.0 - 0.5) * 100.0;
    match p.measure {
        Some(Measure::Elapsed { completion, elapsed, gap_pp }) => {
            assert!(close(completion, 550.0 / 1200.0) && elapsed == 0.5 && close(gap_pp, gap));
        }
        ref m => panic!("{m:?}"),
    }
    assert_eq!(p.status, Status::AtRisk, "{}", p.rule); // −4.17 ≥ −5
    assert_eq!(p.measure.unwrap().display(), "-4.2pp");
    // The same numbers for a binding target are off track (at risk only down to −2 pp).
    let inputs = monthly(Accumulation::YearToDate, "亿元", "1200", &[("2022-06", 550.0)], Attribute::Binding);
    assert_eq!(at("2022-06", &inputs)[0].status, Status::OffTrack);
    // As of May only May counts: 480 / 1200 = 40 % vs 41.67 % → −1.67 pp, at risk.
    let inputs = monthly(Accumulation::YearToDate, "亿元", "1200", &[("2022-05", 480.0), ("2022-06", 550.0)], Attribute::Expected);
    let p = &at("2022-05", &inputs)[0];
    assert_eq!(p.latest.as_ref().unwrap().period, Period::Month(2022, 5));
    assert_eq!(p.status, Status::AtRisk);

    // Period values are summed from January: 100 × 6 = 600 of 1000 → 60 % vs 50 %: on track.
    let months: Vec<(String, f64)> = (1..=6).map(|m| (format!("2022-{m:02}"), 100.0)).collect();
    let refs: Vec<(&str, f64)> = months.iter().map(|(p, v)| (p.as_str(), *v)).collect();
    let inputs = monthly(Accumulation::Period, "亿元", "1000", &refs, Attribute::Expected);
    let p = &at("2022-06", &inputs)[0];
    assert_eq!(p.latest.as_ref().unwrap().value, 600.0);
    assert_eq!(p.status, Status::OnTrack);
    // A missing month makes the sum unknown: no data, naming the month.
    let inputs = monthly(Accumulation::Period, "亿元", "1000", &refs[1..], Attribute::Expected);
    let p = &at("2022-06", &inputs)[0];
    assert_eq!(p.status, Status::NoData);
    assert!(p.rule.contains("missing 2022-01"), "{}", p.rule);
    // An annual goal met by June is achieved.
    let inputs = monthly(Accumulation::YearToDate, "亿元", "突破500亿元", &[("2022-06", 550.0)], Attribute::Expected);
    assert_eq!(at("2022-06", &inputs)[0].status, Status::Achieved);
    // A rate is compared with the goal directly, not by elapsed share.
    let mut inputs = monthly(Accumulation::Period, "%", "达到40%", &[("2022-06", 35.0)], Attribute::Expected);
    inputs.indicators[0].aggregation = digecon_core::Aggregation::None;
    let p = &at("2022-06", &inputs)[0];
    assert_eq!((p.status, p.measure), (Status::AtRisk, None));
    assert!(p.rule.contains("not judged by elapsed share"));
    // At year end the December 累计 value is the year's: final judgement.
    let inputs = monthly(Accumulation::YearToDate, "亿元", "1200", &[("2022-12", 1250.0)], Attribute::Expected);
    assert_eq!(at("2022", &inputs)[0].status, Status::Achieved);
}

/// A one-target five-year plan, base 2020 = 100, goal 200 in 2025, one 2022 value.
fn five_year(text: &str, growth: &str, v2022: f64, attribute: Attribute) -> Inputs {
    let mut t = target("p", "X", Some((2020, "100", Some(100.0))), 2025, text, growth);
    t.attribute = Some(attribute);
    Inputs {
        plans: vec![plan("p", 2021, 2025)],
        indicators: vec![indicator("X", "亿元")],
        targets: vec![t],
        observations: vec![obs("X", "2020", 100.0), obs("X", "2022", v2022)],
        references: vec![],
    }
}

#[test]
fn binding_targets_are_judged_more_strictly() {
    // Linear path: 2022 expected 140; actual 139 → ratio 39/40 = 0.975.
    let p = &at("2022", &five_year("200", "", 139.0, Attribute::Expected))[0];
    assert!(close(ratio(p), 0.975));
    assert_eq!(p.status, Status::OnTrack);
    let p = &at("2022", &five_year("200", "", 139.0, Attribute::Binding))[0];
    assert_eq!(p.status, Status::AtRisk, "{}", p.rule);
    assert!(p.rule.contains("约束性 / binding"));
    // 0.75 of the path: at risk when expected, off track when binding (< 0.80).
    assert_eq!(at("2022", &five_year("200", "", 130.0, Attribute::Expected))[0].status, Status::AtRisk);
    assert_eq!(at("2022", &five_year("200", "", 130.0, Attribute::Binding))[0].status, Status::OffTrack);
    // A stated 年均增长 makes the path compound: 100 × 1.15² = 132.25.
    let p = &at("2022", &five_year("200", "15", 139.0, Attribute::Expected))[0];
    assert!(close(p.expected_value.unwrap(), 132.25));
    // The target year passed without the goal: off track; with it: achieved.
    let mut inputs = five_year("200", "", 139.0, Attribute::Expected);
    inputs.observations.push(obs("X", "2025", 190.0));
    let p = &at("2026", &inputs)[0];
    assert_eq!(p.status, Status::OffTrack);
    assert!(p.rule.contains("target year 2025: actual 190 misses the target"), "{}", p.rule);
}

#[test]
fn increments_growth_qualitative_and_reference_targets() {
    // 新增2-3个 over a base of 4: met from 6.
    let mut t = target("p", "N", Some((2020, "4", Some(4.0))), 2023, "新增2-3个", "");
    let mk = |t: &digecon_core::Target, v: f64| Inputs {
        plans: vec![plan("p", 2021, 2025)],
        indicators: vec![indicator("N", "个")],
        targets: vec![t.clone()],
        observations: vec![obs("N", "2023", v)],
        references: vec![],
    };
    assert_eq!(at("2023", &mk(&t, 6.0))[0].status, Status::Achieved);
    let p = &at("2023", &mk(&t, 5.0))[0];
    assert_eq!((p.status, p.expected_value), (Status::OffTrack, Some(6.0)));
    t.target_text = "新增3个以上".into();
    assert_eq!(at("2023", &mk(&t, 7.0))[0].status, Status::Achieved);

    // 实现正增长 on a growth rate, and on a level (computed year on year).
    let g = with_formula(indicator("G", "%"), "yoy(L)");
    let mut inputs = Inputs {
        plans: vec![plan("p", 2023, 2023)],
        indicators: vec![indicator("L", "亿元"), g],
        targets: vec![target("p", "G", Some((2022, "-4.1", Some(-4.1))), 2023, "实现正增长", ""), target("p", "L", Some((2022, "5.43", Some(5.43))), 2023, "实现正增长", "")],
        observations: vec![obs("G", "2022", -4.1), obs("G", "2023", 3.2), obs("L", "2022", 5.43), obs("L", "2023", 5.2)],
        references: vec![],
    };
    let rows = at("2023", &inputs);
    assert_eq!(rows[0].status, Status::Achieved);
    assert_eq!(rows[1].status, Status::OffTrack, "{}", rows[1].rule); // 5.2 < 5.43
    // Before the target year the latest growth after the base counts; the base itself does not.
    inputs.observations.retain(|o| o.period.year() == 2022);
    assert_eq!(at("2022", &inputs)[0].status, Status::NoData);

    // 大幅提升: value(T) > value(T−1). 加快提升: growth(T) > growth(T−1). 实现进位赶超 on a rank.
    let mut rank = indicator("RANK", "位");
    rank.polarity = Polarity::Negative;
    let inputs = Inputs {
        plans: vec![plan("p", 2022, 2022)],
        indicators: vec![indicator("C", "家"), indicator("I", ""), rank],
        targets: vec![target("p", "C", None, 2022, "大幅提升", ""), target("p", "I", None, 2022, "加快提升", ""), target("p", "RANK", None, 2022, "实现进位赶超", "")],
        observations: vec![
            obs("C", "2021", 100.0),
            obs("C", "2022", 120.0),
            obs("I", "2020", 50.0),
            obs("I", "2021", 52.0), // +4 %
            obs("I", "2022", 53.0), // +1.9 %: slower
            obs("RANK", "2020", 62.0),
            obs("RANK", "2022", 55.0),
        ],
        references: vec![],
    };
    let rows = at("2022", &inputs);
    assert_eq!(rows[0].status, Status::Achieved);
    assert!(rows[0].rule.contains("“大幅” is not quantified"));
    assert_eq!(rows[1].status, Status::OffTrack, "{}", rows[1].rule);
    assert_eq!(rows[2].status, Status::Achieved, "{}", rows[2].rule); // 55 after 62: moved up

    // 超全国平均水平 with a supplied national average.
    let r = |code: &str, y: i32, v: f64| ReferenceValue {
        reference: Reference::NationalAverage,
        indicator_code: code.into(),
        period: Period::Year(y),
        value: v,
        source: Source::default(),
    };
    let mut inputs = shipped();
    inputs.targets.retain(|t| t.plan_id == "jx-14fyp");
    inputs.references = vec![r("PROD_EQUIP_DIGITAL_RATE", 2022, 45.0), r("IIP_PENETRATION", 2020, 12.0), r("IIP_PENETRATION", 2022, 14.0)];
    let rows = at("2022", &inputs);
    let p = row(&rows, "jx-14fyp", "PROD_EQUIP_DIGITAL_RATE", 2025); // 47.2 > 45
    assert_eq!((p.status, p.expected_value), (Status::Achieved, Some(45.0)));
    let p = row(&rows, "jx-14fyp", "IIP_PENETRATION", 2025); // 13.61 < 14, gap 0.39 down from 2.5 in 2020
    assert_eq!(p.status, Status::AtRisk, "{}", p.rule);
    assert!(p.rule.contains("gap narrowing"));
    assert_eq!(row(&rows, "jx-14fyp", "IIDI", 2025).status, Status::NoData);
}

#[test]
fn forecasts_give_an_interval_and_an_early_warning() {
    // Ten years rising by about 10 a year from 100 (2011 … 2020, ±2 around the line); the 2025 goal
    // 1000 is far above any interval.
    let mut inputs = five_year("1000", "", 0.0, Attribute::Expected);
    inputs.targets[0].base_year = Some(2010);
    inputs.observations =
        (0..10).map(|i| obs("X", &(2011 + i).to_string(), 100.0 + 10.0 * f64::from(i) + if i % 2 == 0 { -2.0 } else { 2.0 })).collect();
    let p = &at("2020", &inputs)[0];
    match &p.outlook {
        Some(Ok(Outlook { forecast, warning })) => {
            assert_eq!(forecast.year, 2025);
            assert!((forecast.point - 240.0).abs() < 10.0, "{forecast:?}");
            assert!(forecast.lower < forecast.point && forecast.point < forecast.upper);
            assert_eq!(*warning, Some(Warning::Unlikely));
        }
        o => panic!("{o:?}"),
    }
    // One value after a gap is not enough history, and the reason is kept.
    let p = &at("2022", &five_year("200", "", 139.0, Attribute::Expected))[0];
    assert!(matches!(p.outlook, Some(Err(digecon_track::forecast::ForecastError::TooShort { have: 1 }))), "{:?}", p.outlook);
}
