//! A small hand-made dataset, broken one way at a time: each problem is reported with its file
//! and line, and nothing is returned.

use digecon_dataset::{Catalog, Dataset};

fn files() -> Vec<(String, String)> {
    let f = |name: &str, text: &str| (name.to_string(), text.to_string());
    vec![
        f("regions.csv", "code,name_zh,name_en,level,parent_code,source\n360000,江西省,Jiangxi,province,,t\n360700,赣州市,Ganzhou,city,360000,t\n360702,章贡区,,county,360700,t\n360700Z01,赣州经开区,,zone,360700,t\n"),
        f("departments.csv", "code,name_zh,name_en,region_code,kind,aliases,source_doc,source_quote\n360000-drc,省发改委,DRC,360000,department,省发展改革委,d,q\n360700-drc,市发展改革委,Ganzhou DRC,360700,department,市发改委,d,q\n"),
        f("plans.csv", "id,name_zh,name_en,kind,region_code,issuer,issued,start_year,end_year,source_doc\np1,计划,Plan,annual,360700,,,2023,2023,d\n"),
        f("indicators.csv", "code,name_zh,name_en,unit,frequency,accumulation,polarity,aggregation,category,definition,source_department,formula\nVA,增加值,value added,亿元,year,period,positive,sum,,,,\nGDP,地区生产总值,GDP,亿元,year,period,positive,sum,,,,\nVA_SHARE,增加值占比,share,%,year,period,positive,none,,,,VA / GDP * 100\n"),
        f("observations/a.csv", "region_code,region_name,indicator_code,indicator_name,unit,period,value,status,source_doc,source_quote,synthetic\n360700,赣州市,VA,增加值,亿元,2022,365.02,final,d,q,false\n"),
        f("targets.csv", "plan_id,region_code,indicator_code,base_year,base_text,base_value,target_year,target_text,attribute,stated_growth_text,lead_units,lead_units_text,source_doc,source_quote\np1,360700,VA,2022,365.02,365.02,2023,420,,,市发改委,市发改委,d,q\n"),
        f("constraints.csv", "region_code,indicator_code,period,relation,value,source_doc,source_quote\n360700,VA,2022,>,200,d,q\n"),
        f("tasks.csv", "plan_id,number,section,text,lead_units,lead_units_text,coop_units,coop_units_text,source_doc\np1,1,一,做事,市发展改革委,市发展改革委,省发改委,省发改委,d\n"),
        f("projects.csv", "plan_id,number,category,domain,name,content,goal_text,milestone_2023,milestone_2025,lead_units,lead_units_text,coop_units,coop_units_text,source_doc\np1,1,c,d,工程,内容,目标,到2023年,,市发展改革委,市发展改革委,,,d\n"),
    ]
}

fn parse(files: &[(String, String)]) -> Result<Dataset, String> {
    Dataset::parse(files.iter().map(|(p, c)| (p.clone(), c.as_str())).collect()).map_err(|e| e.to_string())
}

/// Applies `edit` to file `name` and returns the error text.
fn broken(name: &str, edit: impl Fn(&str) -> String) -> String {
    let mut fs = files();
    let f = fs.iter_mut().find(|(p, _)| p == name).unwrap();
    f.1 = edit(&f.1);
    parse(&fs).expect_err("must fail")
}

#[test]
fn the_hand_made_dataset_is_valid() {
    let ds = parse(&files()).unwrap();
    assert_eq!(ds.targets[0].lead_units, vec!["360700-drc"], "alias 市发改委 resolves");
    assert_eq!(ds.tasks[0].coop_units, vec!["360000-drc"], "a provincial unit is in a city plan's tree");
    assert_eq!(ds.projects[0].milestones.len(), 1);
    assert_eq!(ds.indicators[2].formula.as_ref().unwrap().references(), vec!["VA", "GDP"]);
}

#[test]
fn each_problem_names_file_and_line() {
    let cases: Vec<(&str, Box<dyn Fn(&str) -> String>, &str)> = vec![
        ("regions.csv", Box::new(|t| t.replace("360702,章贡区,,county,360700", "360702,章贡区,,county,360000")), "regions.csv:4: 上级地区层级不对 / a county cannot have the province `360000` as parent"),
        ("regions.csv", Box::new(|t| t.replace("360702,", "3607X2,")), "regions.csv:4: 地区代码应为 6 位数字"),
        ("regions.csv", Box::new(|t| t.replace(",city,", ",prefecture,")), "regions.csv:3: `level`: 无效的地区层级 / invalid region level `prefecture`"),
        ("departments.csv", Box::new(|t| t.replace("360700-drc,市", "360000-drc,市")), "departments.csv:3: "),
        ("indicators.csv", Box::new(|t| t.replace("VA / GDP", "VA / POP")), "indicators.csv:4: 公式引用了未知指标 / formula `VA / POP * 100` refers to unknown indicator `POP`"),
        ("indicators.csv", Box::new(|t| t.replace("\nGDP,", "\ngdp,")), "indicators.csv:3: 指标代码应为大写字母"),
        ("indicators.csv", Box::new(|t| t.replace(",year,period,positive,sum,,,,\nGDP", ",yearly,period,positive,sum,,,,\nGDP")), "indicators.csv:2: `frequency`"),
        ("observations/a.csv", Box::new(|t| t.replace("365.02", "365,02")), "observations/a.csv:2: "),
        ("observations/a.csv", Box::new(|t| format!("{t}360700,赣州市,VA,增加值,亿元,2022,1,final,d,q,false\n")), "observations/a.csv:3: 重复的观测值 / duplicate observation 360700 × VA × 2022 (first at observations/a.csv:2)"),
        ("targets.csv", Box::new(|t| t.replace(",市发改委,市发改委,", ",市大数据局,市大数据局,")), "targets.csv:2: `lead_units`: 未知的单位 / unknown unit `市大数据局`"),
        ("targets.csv", Box::new(|t| t.replace("p1,360700", "p9,360700")), "targets.csv:2: 未知的规划 / unknown plan_id `p9`"),
        ("targets.csv", Box::new(|t| t.replace(",2023,420,", ",2021,420,")), "targets.csv:2: 基期不早于目标年"),
        ("constraints.csv", Box::new(|t| t.replace(",>,", ",≥,")), "constraints.csv:2: `relation`"),
        ("tasks.csv", Box::new(|t| format!("{t}p1,1,一,又做事,,,,,d\n")), "tasks.csv:3: 重复的键 / duplicate key `p1 #1` (first at line 2)"),
        ("tasks.csv", Box::new(|t| t.replace("市发展改革委,市发展改革委,省发改委", "市发展改革委,市发展改革委,省发改委; 市发改委")), "tasks.csv:2: `coop_units` 列表格式错误"),
        ("projects.csv", Box::new(|t| t.replace("p1,1,c", "p1,x,c")), "projects.csv:2: `number` 不是整数"),
        ("plans.csv", Box::new(|t| t.replace("2023,2023", "2024,2023")), "plans.csv:2: 起始年晚于结束年"),
    ];
    for (file, edit, want) in cases {
        let err = broken(file, edit);
        assert!(err.contains(want), "expected `{want}` in:\n{err}");
    }
}

#[test]
fn a_missing_file_or_column_is_reported() {
    let mut fs = files();
    fs.retain(|(p, _)| p != "constraints.csv");
    assert!(parse(&fs).unwrap_err().contains("constraints.csv: 文件缺失 / file is missing"));
    let err = broken("plans.csv", |t| t.replace(",source_doc\n", "\n").replace(",d\n", "\n"));
    assert!(err.contains("plans.csv:1: 缺少列 / missing column(s): source_doc"), "{err}");
}

#[test]
fn all_errors_are_reported_at_once() {
    let err = broken("observations/a.csv", |t| {
        format!("{t}999999,,VA,,,2022,1,final,d,q,false\n360700,,NOPE,,,2022,1,final,d,q,false\n360700,,VA,,,2022-05,1,final,d,q,false\n")
    });
    assert!(err.contains("a.csv:3: 未知的地区代码"), "{err}");
    assert!(err.contains("a.csv:4: 未知的指标代码"), "{err}");
    assert!(err.contains("a.csv:5: 期间频率不符"), "{err}");
    assert!(err.starts_with("数据有 3 处错误"), "{err}");
}

#[test]
fn an_import_file_is_checked_against_the_catalog() {
    let ds = parse(&files()).unwrap();
    let catalog: Catalog = ds.catalog();
    let text = "region_code,region_name,indicator_code,indicator_name,unit,period,value,status,source_doc,source_quote,synthetic\n360700,,VA,,,2023,420.5,provisional,filing:7,,false\n";
    let obs = digecon_dataset::parse_observations("in.csv", text, &catalog).unwrap();
    assert_eq!(obs[0].value, 420.5);
    // A BOM written by Excel is fine; `%` in the unit column must match the catalogue.
    let text = format!("\u{feff}{}", text.replace(",VA,,,", ",VA,,%,"));
    let err = digecon_dataset::parse_observations("in.csv", &text, &catalog).unwrap_err().to_string();
    assert!(err.contains("in.csv:2:unit: 单位与指标不符 / unit `%` does not match VA: expected `亿元`"), "{err}");
}

/// Printed names and units: an observation or target may use an alias the catalogue lists; any other
/// name is an error at its file, line and column.
#[test]
fn printed_names_must_be_aliases() {
    let with_aliases = |fs: &mut Vec<(String, String)>| {
        let f = fs.iter_mut().find(|(p, _)| p == "indicators.csv").unwrap();
        f.1 = f
            .1
            .replace(",formula\n", ",formula,aliases,unit_aliases\n")
            .replace("VA,增加值,value added,亿元,year,period,positive,sum,,,,\n", "VA,增加值,value added,亿元,year,period,positive,sum,,,,,增加值规模;增加值总量,亿元人民币\n")
            .replace("GDP,地区生产总值,GDP,亿元,year,period,positive,sum,,,,\n", "GDP,地区生产总值,GDP,亿元,year,period,positive,sum,,,,,,\n")
            .replace("VA / GDP * 100\n", "VA / GDP * 100,,\n");
        let t = fs.iter_mut().find(|(p, _)| p == "targets.csv").unwrap();
        t.1 = t.1.replace(",source_quote\n", ",source_quote,printed_name,printed_unit\n").replace(",d,q\n", ",d,q,增加值规模,亿元人民币\n");
        let o = fs.iter_mut().find(|(p, _)| p == "observations/a.csv").unwrap();
        o.1 = o.1.replace("VA,增加值,亿元", "VA,增加值总量,亿元人民币");
    };
    let mut fs = files();
    with_aliases(&mut fs);
    let ds = parse(&fs).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ds.indicator_aliases["VA"].names, vec!["增加值规模", "增加值总量"]);
    assert_eq!(ds.indicator_aliases["VA"].units, vec!["亿元人民币"]);
    assert!(!ds.indicator_aliases.contains_key("GDP"));
    let printed = &ds.target_printed[&digecon_dataset::target_key(&ds.targets[0])];
    assert_eq!((printed.name.as_str(), printed.unit.as_str()), ("增加值规模", "亿元人民币"));
    assert!(ds.catalog().names_indicator("VA", "增加值总量") && !ds.catalog().names_indicator("GDP", "增加值总量"));

    let edit = |file: &str, from: &str, to: &str| {
        let mut fs = files();
        with_aliases(&mut fs);
        let f = fs.iter_mut().find(|(p, _)| p == file).unwrap();
        assert!(f.1.contains(from), "{from}");
        f.1 = f.1.replace(from, to);
        parse(&fs).expect_err("must fail")
    };
    let err = edit("targets.csv", ",d,q,增加值规模,", ",d,q,增值,");
    assert!(err.contains("targets.csv:2:printed_name: 指标名称与代码不符 / indicator name `增值` does not match VA: expected `增加值`, `增加值规模`, `增加值总量`"), "{err}");
    let err = edit("targets.csv", ",亿元人民币\n", ",万元\n");
    assert!(err.contains("targets.csv:2:printed_unit: 单位与指标不符 / unit `万元` does not match VA: expected `亿元`, `亿元人民币`"), "{err}");
    let err = edit("observations/a.csv", "VA,增加值总量,", "VA,增值,");
    assert!(err.contains("observations/a.csv:2:indicator_name: 指标名称与代码不符 / indicator name `增值` does not match VA"), "{err}");
    let err = edit("indicators.csv", "增加值规模;增加值总量", "增加值规模;地区生产总值");
    assert!(err.contains("indicators.csv:2:aliases: 别名重复 / alias `地区生产总值` of VA already names GDP"), "{err}");
}
