use digecon_dataset::Dataset;
use digecon_synth::{check, generate, Inputs, Spec};

#[test]
fn many() {
    let ds = Dataset::embedded().unwrap();
    let spec = Spec::embedded().unwrap();
    let inputs = Inputs { regions: &ds.regions, indicators: &ds.indicators, observations: &ds.observations, constraints: &ds.constraints };
    let mut fails = 0;
    for seed in 17..80u64 {
        match generate(&inputs, &spec, seed) {
            Ok(s) => {
                let r = check(&inputs, &spec, &s.observations);
                let max_r = s.restarts.iter().map(|r| r.1).max().unwrap();
                if !r.is_ok() { println!("seed {seed}: {} violations", r.violations().len()); fails += 1; }
                else if max_r > 5 { println!("seed {seed}: restarts {:?}", s.restarts.iter().map(|r| r.1).collect::<Vec<_>>()); }
            }
            Err(e) => { println!("seed {seed}: {}", e.to_string().chars().take(300).collect::<String>()); fails += 1; }
        }
    }
    println!("fails {fails}");
}
