//! The fact ledger of the default dataset (issue 15): every number of the five documents is held
//! by a row of `data/` or left out with a reason in `data/facts_left_out.csv`; none unaccounted,
//! every quote in its document, and at least 90 % of the facts held.

use digecon_dataset::facts;

#[test]
fn every_number_of_the_documents_is_held_or_left_out_with_a_reason() {
    let Some(dir) = digecon_dataset::seeds_dir_for_test("fact ledger") else { return };
    let documents = facts::documents_in(&dir).unwrap();
    assert_eq!(documents.len(), 5);
    let files = digecon_track::projection::fact_sources(
        digecon_dataset::EMBEDDED.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect(),
    );
    let (held, left_out) = facts::statements_of(&files).expect("the dataset's files read");
    let ledger = facts::ledger(&documents, &held, &left_out);
    assert!(ledger.quotes_not_found.is_empty(), "quotes not in their documents: {:#?}", ledger.quotes_not_found);
    assert!(ledger.left_out_unused.is_empty(), "facts_left_out.csv rows that leave out nothing (held, or not facts): {:?}", ledger.left_out_unused);
    for (doc, c) in ledger.by_document() {
        eprintln!("{doc}: {} facts, {} held, {} left out, {} unaccounted, {} structural ({:.1} %)", c.facts(), c.held, c.left_out, c.unaccounted, c.structural, 100.0 * c.coverage());
    }
    let unaccounted: Vec<String> = ledger
        .numbers
        .iter()
        .filter(|n| n.class == facts::Class::Unaccounted)
        .map(|n| format!("{}:{} …{}【{}】{}…", n.doc, n.line, n.before, n.text, n.after))
        .collect();
    let total = ledger.total();
    assert!(unaccounted.is_empty(), "{} numbers neither held nor left out:\n{}", unaccounted.len(), unaccounted.join("\n"));
    assert!(total.coverage() >= 0.90, "only {:.1} % of {} facts held", 100.0 * total.coverage(), total.facts());
}
