//! Self-contained HTML: charts inline as SVG, styles inline, a table of contents, numbered source
//! notes; prints on A4 (figures and tables kept whole, links shown as their note numbers).

use std::fmt::Write;

use super::chart;
use super::doc::*;

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = r#"
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.8;color:#222}
h1.title{text-align:center;font-size:1.8rem;margin-bottom:.2rem}
p.subtitle{text-align:center;color:#666;margin-top:0}
h1{font-size:1.35rem;border-bottom:2px solid #2f6db5;padding-bottom:.2rem;margin-top:2rem}
h2{font-size:1.15rem}
p{text-indent:2em;text-align:justify}
sup a{color:#2f6db5;text-decoration:none;font-size:.7em}
.syn{background:#fff3d6;border-bottom:1px dashed #c80}
.syn::after{content:"合成";font-size:.6em;color:#a60;vertical-align:super;margin-left:1px}
figure{margin:1.5rem 0;text-align:center;break-inside:avoid}
figure svg{max-width:100%;height:auto}
figcaption,caption{font-weight:bold;margin:.4rem 0;font-size:.95rem}
.note{font-size:.8rem;color:#666;text-indent:0;text-align:center}
table{border-collapse:collapse;margin:1rem auto;font-size:.9rem;break-inside:avoid}
th,td{border:1px solid #999;padding:.25rem .6rem}
th{background:#eef3fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
nav.toc{border:1px solid #ddd;padding:.5rem 1.5rem;margin:1rem 0}
nav.toc a{text-decoration:none;color:#2f6db5}
nav.toc li.l2{margin-left:1.5rem;list-style:circle}
ol.sources{font-size:.85rem;color:#444}
ul.gaps li{margin:.3rem 0}
@page{size:A4;margin:2cm}
@media print{body{margin:0;max-width:none}nav.toc{break-after:page}h1{break-after:avoid}sup a{color:#000}}
"#;

fn inline(out: &mut String, items: &[Inline]) {
    for i in items {
        match i {
            Inline::Text(t) => out.push_str(&esc(t)),
            Inline::Num { text, source, synthetic } => {
                let class = if *synthetic { "n syn" } else { "n" };
                let title = if *synthetic { " title=\"合成数据 / synthetic\"" } else { "" };
                let _ = write!(out, "<span class=\"{class}\"{title}>{}</span><sup><a href=\"#s{source}\">[{source}]</a></sup>", esc(text));
            }
        }
    }
}

fn source_note(ids: &[usize]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let links: Vec<String> = ids.iter().map(|i| format!("<a href=\"#s{i}\">[{i}]</a>")).collect();
    format!("<p class=\"note\">数据来源 / sources：{}</p>", links.join(" "))
}

pub fn cell_html(c: &Cell) -> String {
    match c {
        Cell::Text(t) => format!("<td>{}</td>", esc(t)),
        Cell::Empty => "<td class=\"num\">—</td>".into(),
        Cell::Num { text, source, synthetic, .. } => {
            let mut s = String::new();
            inline(&mut s, &[Inline::Num { text: text.clone(), source: *source, synthetic: *synthetic }]);
            format!("<td class=\"num\">{s}</td>")
        }
    }
}

/// The document as one HTML page.
pub fn render(doc: &Document) -> String {
    let mut o = String::new();
    let _ = write!(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>\n", esc(&doc.title));
    let _ = write!(o, "<h1 class=\"title\">{}</h1>\n<p class=\"subtitle\">{}</p>\n", esc(&doc.title), esc(&doc.subtitle));
    o.push_str("<nav class=\"toc\"><strong>目录</strong><ul>");
    let mut h = 0;
    for b in &doc.blocks {
        if let Block::Heading { level, text } = b {
            h += 1;
            let _ = write!(o, "<li class=\"l{level}\"><a href=\"#h{h}\">{}</a></li>", esc(text));
        }
    }
    o.push_str("<li class=\"l1\"><a href=\"#gaps\">数据缺口</a></li><li class=\"l1\"><a href=\"#sources\">附录 数据来源</a></li></ul></nav>\n");
    let mut h = 0;
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                h += 1;
                let _ = write!(o, "<h{level} id=\"h{h}\">{}</h{level}>\n", esc(text));
            }
            Block::Paragraph(items) => {
                o.push_str("<p>");
                inline(&mut o, items);
                o.push_str("</p>\n");
            }
            Block::Figure(f) => {
                let _ = write!(o, "<figure id=\"fig{}\">{}<figcaption>{}</figcaption>{}</figure>\n", f.number, chart::svg(f), esc(&f.caption()), source_note(&f.source_ids()));
            }
            Block::Table(t) => {
                o.push_str("<table>");
                let _ = write!(o, "<caption>{}</caption><thead><tr>", esc(&t.caption()));
                for hd in &t.header {
                    let _ = write!(o, "<th>{}</th>", esc(hd));
                }
                o.push_str("</tr></thead><tbody>");
                for r in &t.rows {
                    o.push_str("<tr>");
                    for c in r {
                        o.push_str(&cell_html(c));
                    }
                    o.push_str("</tr>");
                }
                o.push_str("</tbody></table>\n");
            }
        }
    }
    o.push_str("<h1 id=\"gaps\">数据缺口</h1>\n");
    if doc.gaps.is_empty() {
        let _ = writeln!(o, "<p>{NO_GAPS}</p>");
    } else {
        let _ = write!(o, "<p>{GAPS_INTRO}</p><ul class=\"gaps\">");
        for g in &doc.gaps {
            let _ = write!(o, "<li><strong>{}</strong>{}：{}</li>", esc(&g.what), g.state(), esc(&g.missing_text()));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<h1 id=\"sources\">附录 数据来源</h1>\n<ol class=\"sources\">");
    for (i, s) in doc.sources.iter().enumerate() {
        let _ = write!(o, "<li id=\"s{}\">{}：{}</li>", i + 1, esc(&s.label), esc(&s.kind.describe()));
    }
    o.push_str("</ol>\n</body></html>\n");
    o
}
