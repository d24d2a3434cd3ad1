//! The white paper built from the published dataset alone: the document's headline values, each
//! number traced to its source, and (when the source documents are beside the repository) every
//! generated number found in the phrase of 000 it cites.

use digecon_app::report::{whitepaper, ReportRequest};
use digecon_dataset::Dataset;
use digecon_report::paper::doc::{Block, Cell, Inline, SourceKind};
use digecon_store::testing::TestDb;

#[tokio::test]
async fn white_paper_numbers_are_the_documents_with_their_phrases() {
    let db = TestDb::sqlite();
    let store = db.open().await;
    store.load_dataset(&Dataset::embedded().unwrap(), false, &mut |_, _, _| {}).await.unwrap();
    let doc = whitepaper(&store, ReportRequest { region: None, year: Some(2022), template: None }).await.unwrap();
    assert_eq!(doc.title, "江西省数字经济发展白皮书（2023年）");

    // Every number as (text, source entry), from paragraphs and tables.
    let mut numbers: Vec<(String, usize)> = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Paragraph(items) => numbers.extend(items.iter().filter_map(|i| match i {
                Inline::Num { text, source, .. } => Some((text.clone(), *source)),
                _ => None,
            })),
            Block::Table(t) => numbers.extend(t.rows.iter().flatten().filter_map(|c| match c {
                Cell::Num { text, source, .. } => Some((text.clone(), *source)),
                _ => None,
            })),
            _ => {}
        }
    }
    for (_, s) in &numbers {
        assert!((1..=doc.sources.len()).contains(s), "source [{s}] of {}", doc.sources.len());
    }
    // No synthetic values without `digecon synth`: every number is published or computed.
    assert!(!doc.sources.iter().any(|s| matches!(s.kind, SourceKind::Synthetic { .. })));
    let first = |v: &str| numbers.iter().find(|(t, _)| t == v).unwrap_or_else(|| panic!("the white paper lacks {v}"));
    let phrase = |v: &str| match &doc.sources[first(v).1 - 1].kind {
        SourceKind::Document { doc, quote } => (doc.clone(), quote.clone()),
        k => panic!("{v}: not from a document: {k:?}"),
    };
    for v in ["11874", "14.4", "11133.17", "8798.52", "26.5", "28.9", "5.3", "9.6", "34.1", "615.09", "473.47", "365.02"] {
        let (file, quote) = phrase(v);
        assert_eq!(file, "000_060bb66a7157f110.txt", "{v}");
        assert!(quote.contains(v), "{v} not in its phrase {quote}");
    }
    // Table 1 as printed.
    let t1 = doc.blocks.iter().find_map(|b| match b {
        Block::Table(t) if t.number == Some(1) => Some(t),
        _ => None,
    });
    let growth: Vec<String> = t1.unwrap().rows.iter().map(|r| match &r[3] {
        Cell::Num { text, .. } => text.clone(),
        c => panic!("{c:?}"),
    }).collect();
    assert_eq!(growth, ["26.5", "28.9", "-5.3", "9.6", "34.1"]);

    let Some(seeds) = digecon_dataset::seeds_dir_for_test("white paper phrases") else {
        return;
    };
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut checked = 0;
    for (text, s) in &numbers {
        if let SourceKind::Document { doc: file, quote } = &doc.sources[s - 1].kind {
            let document = squeeze(&std::fs::read_to_string(seeds.join(file)).unwrap());
            assert!(document.contains(&squeeze(quote)), "[{s}] phrase not in {file}: {quote}");
            assert!(squeeze(quote).contains(text.as_str()), "[{s}] {text} not in its phrase: {quote}");
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked} numbers checked against their phrases");
}
