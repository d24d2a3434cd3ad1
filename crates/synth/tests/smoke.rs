use digecon_dataset::Dataset;
use digecon_synth::{check, generate, Inputs, Spec};

#[test]
fn smoke() {
    let ds = Dataset::embedded().unwrap();
    let mut spec = Spec::embedded().unwrap();
    if std::env::var("CITY_ONLY").is_ok() {
        spec.rows.retain(|r| r.level == digecon_core::RegionLevel::City);
    }
    let seed: u64 = std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let show: Vec<String> = std::env::var("SHOW").unwrap_or_default().split(',').map(String::from).collect();
    let inputs = Inputs { regions: &ds.regions, indicators: &ds.indicators, observations: &ds.observations, constraints: &ds.constraints };
    let t = std::time::Instant::now();
    match generate(&inputs, &spec, seed) {
        Ok(s) => {
            println!("{} values in {:?}; restarts {:?}", s.observations.len(), t.elapsed(), s.restarts.iter().map(|r| r.1).collect::<Vec<_>>());
            for o in s.observations.iter().filter(|o| show.contains(&o.indicator_code)) {
                println!("{} {} {} {} | {}", o.region_code, o.indicator_code, o.period, o.value, o.source.quote);
            }
            let r = check(&inputs, &spec, &s.observations);
            println!("{:?}", r.summary());
            for c in &r.checks {
                if !c.ok || std::env::var("ALL").is_ok() || matches!(c.kind, digecon_synth::CheckKind::Excluded | digecon_synth::CheckKind::OutOfScope | digecon_synth::CheckKind::Statement) {
                    println!("{:?} {} {} | {}", c.kind, c.ok, c.subject, c.detail);
                }
            }
        }
        Err(e) => panic!("{e}"),
    }
}
