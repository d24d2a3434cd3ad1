//! `digecon report` as a provincial office runs it on `digecon demo`'s database: the 2022 white
//! paper in four formats holding the document's figures and values, the DOCX opened by
//! LibreOffice, the PDF read back by poppler, Ganzhou's profile with its evaluation, and a broken
//! template refused at file:line.

use std::path::Path;
use std::process::{Command, Output};

fn digecon(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_digecon")).args(args).current_dir(dir).output().expect("run digecon");
    (status.success(), String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

/// The text of a DOCX's body (runs concatenated; each number is its own run).
fn docx_xml(path: &Path) -> (String, usize) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    let pictures = z.file_names().filter(|n| n.as_ref().is_ok_and(|n| n.starts_with("word/media/"))).count();
    (xml, pictures)
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("--version").output().is_ok()
}

const FIGURES: [&str; 7] = ["图 1 ", "图 2 ", "图 3 ", "图 4 ", "图 5 ", "图 6 ", "图 7 "];
/// The acceptance values: 000's headline numbers, Table 1 and the top three cities' core value added.
const VALUES: [&str; 12] = ["11874", "14.4", "11133.17", "8798.52", "26.5", "28.9", "-5.3", "9.6", "34.1", "615.09", "473.47", "365.02"];

#[test]
fn white_paper_and_profiles_from_the_demo_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, _, err) = digecon(d, &["demo", "--db", "demo.db", "--no-serve"]);
    assert!(ok, "{err}");
    let (ok, out, err) = digecon(d, &["report", "whitepaper", "--db", "demo.db", "--year", "2022", "--out", "wp"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("缺口 gaps"), "{out}");

    // HTML: every figure inline as SVG, Table 1, the values, synthetic values marked.
    let html = std::fs::read_to_string(d.join("wp/whitepaper-2022.html")).unwrap();
    for f in FIGURES {
        assert!(html.contains(&format!("<figcaption>{f}")), "HTML lacks {f}");
    }
    assert!(html.contains("<caption>表 1 2022年全省数字经济核心产业 01-04 大类发展情况</caption>"));
    for v in VALUES {
        assert!(html.contains(&format!(">{v}</span>")), "HTML lacks {v}");
    }
    assert!(html.matches("<svg").count() >= 7);
    assert!(html.contains("class=\"n syn\""), "synthetic numbers are marked");
    assert!(html.contains("（含合成数据）"), "figures with synthetic values say so");
    assert!(html.contains("id=\"gaps\"") && html.contains("图 8 各设区市新增创新载体数量"), "a figure without data is listed, not drawn");
    // Every number links to a source entry that exists.
    let sources = html.matches("<li id=\"s").count();
    let links: Vec<usize> = html.split("href=\"#s").skip(1).filter_map(|c| c.split('"').next().unwrap().parse().ok()).collect();
    assert!(links.len() > 100 && links.iter().all(|n| (1..=sources).contains(n)), "{} links to {sources} sources", links.len());

    // DOCX: Word heading styles, tables, one picture per figure, the values, declared CJK fonts.
    let (xml, pictures) = docx_xml(&d.join("wp/whitepaper-2022.docx"));
    assert!(pictures >= 7, "{pictures} pictures");
    assert!(xml.contains("w:val=\"Heading1\"") && xml.contains("<w:tbl>"));
    for f in FIGURES {
        assert!(xml.contains(f), "DOCX lacks {f}");
    }
    for v in VALUES {
        assert!(xml.contains(&format!(">{v}</w:t>")), "DOCX lacks {v}");
    }

    // XLSX: one sheet per figure and table, numbers as numbers.
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(d.join("wp/whitepaper-2022.xlsx")).unwrap();
    let names = calamine::Reader::sheet_names(&wb);
    for s in ["图1", "图7", "表1", "数据来源", "数据缺口"] {
        assert!(names.iter().any(|n| n == s), "no sheet {s} in {names:?}");
    }
    let t1 = calamine::Reader::worksheet_range(&mut wb, "表1").unwrap();
    assert_eq!(t1.get_value((3, 1)), Some(&calamine::Data::Float(11133.17)));
    assert_eq!(t1.get_value((5, 3)), Some(&calamine::Data::Float(-5.3)));

    // PDF: text as text (fonts embedded), all figures and Table 1.
    assert!(std::fs::read(d.join("wp/whitepaper-2022.pdf")).unwrap().starts_with(b"%PDF-"));
    if tool("pdftotext") {
        let out = Command::new("pdftotext").args(["-layout", "wp/whitepaper-2022.pdf", "-"]).current_dir(d).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for f in FIGURES {
            assert!(text.contains(f.trim_end()), "PDF lacks {f}");
        }
        assert!(text.contains("表 1"), "PDF lacks 表 1");
        for v in VALUES {
            assert!(text.contains(v), "PDF lacks {v}");
        }
        assert!(text.contains("目录") && text.contains("附录 数据来源"));
    } else {
        eprintln!("SKIPPED: the PDF's text check needs pdftotext (Debian: poppler-utils)");
    }
    // LibreOffice opens the DOCX (the check a provincial office's Word/WPS stands for).
    if tool("soffice") {
        let status = Command::new("soffice")
            .args(["--headless", "--convert-to", "pdf", "--outdir", "lo", "wp/whitepaper-2022.docx"])
            .env("HOME", d)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        let pdf = std::fs::read(d.join("lo/whitepaper-2022.pdf")).expect("LibreOffice wrote a PDF");
        assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 100_000, "{} bytes", pdf.len());
        if tool("pdftotext") {
            let out = Command::new("pdftotext").args(["lo/whitepaper-2022.pdf", "-"]).current_dir(d).output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("11874") && text.contains("365.02") && text.contains("数字经济"), "LibreOffice's rendering lacks the text");
        }
    } else {
        eprintln!("SKIPPED: the DOCX round trip needs soffice (Debian: libreoffice-writer)");
    }

    // Ganzhou's profile: its core value added, its evaluation rank and tier.
    let (ok, out, err) = digecon(d, &["report", "profile", "--db", "demo.db", "--region", "360700", "--year", "2022", "--out", "pf", "--format", "html,xlsx"]);
    assert!(ok, "{out}\n{err}");
    let html = std::fs::read_to_string(d.join("pf/profile-360700-2022.html")).unwrap();
    assert!(html.contains(">365.02</span>"), "profile lacks 365.02");
    let plain: String = html.split('<').map(|p| p.split_once('>').map_or(p, |x| x.1)).collect();
    let rank: String = plain.split("在 11 个设区市中居第 ").nth(1).unwrap_or_else(|| panic!("no rank in {plain}")).chars().take_while(char::is_ascii_digit).collect();
    assert!((1..=11).contains(&rank.parse::<u32>().unwrap()), "{rank}");
    assert!(plain.contains("梯队"), "profile lacks the tier");
    assert!(plain.contains("规划目标及进展") && plain.contains("赣州市“十四五”数字经济发展规划"));

    // A broken template is refused with file:line:column and nothing is written.
    let tpl = d.join("mine.toml");
    let (_, shipped, _) = digecon(d, &["report", "template", "whitepaper"]);
    std::fs::write(&tpl, shipped.replacen("{DE_VA_RANK_CN}", "{DE_VA_RANK_XX}", 1)).unwrap();
    let (ok, _, err) = digecon(d, &["report", "whitepaper", "--db", "demo.db", "--template", "mine.toml", "--out", "bad"]);
    assert!(!ok);
    let line = shipped.lines().position(|l| l.contains("{DE_VA_RANK_CN}")).unwrap() + 1;
    assert!(err.contains(&format!("mine.toml:{line}:")) && err.contains("DE_VA_RANK_XX"), "{err}");
    assert!(!d.join("bad").exists());
}
