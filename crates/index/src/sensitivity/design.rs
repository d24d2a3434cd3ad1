//! The experimental design: the perturbed weight sets and, per replication, which weight set
//! and which alternative of each step (plain Monte Carlo, or Saltelli's A, B and A_B^i rows for
//! Sobol indices). Every random number is drawn here, in one fixed order from one seeded stream.

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::SensitivitySpec;
use crate::pipeline::Coin;

/// One replication: which weight set and which alternative of each step.
#[derive(Clone, Copy)]
pub(super) struct Row {
    pub(super) wset: Option<usize>,
    pub(super) norm: usize,
    pub(super) agg: usize,
}

/// The weight sets, the uncertain inputs (name, number of choices) and the replications.
pub(super) struct Design {
    pub(super) wsets: Vec<Vec<f64>>,
    pub(super) inputs: Vec<(&'static str, usize)>,
    pub(super) rows: Vec<Row>,
    pub(super) vary_weights: bool,
}

pub(super) fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    // 53 random bits → [0, 1).
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

pub(super) fn pick(u: f64, k: usize) -> usize {
    ((u * k as f64) as usize).min(k - 1)
}

/// Draws the design for `n_norm` normalisation and `n_agg` aggregation alternatives (`None`:
/// the step does not vary); Err names what is missing.
pub(super) fn draw(coin: &Coin, spec: &SensitivitySpec, n_norm: Option<usize>, n_agg: Option<usize>) -> Result<Design, String> {
    let fw = &coin.framework;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let perturbed: Vec<usize> = (0..fw.nodes().len()).filter(|&i| spec.weight_levels.contains(&fw.nodes()[i].level)).collect();
    let vary_weights = spec.weight_noise > 0.0 && !perturbed.is_empty();
    let wsets: Vec<Vec<f64>> = if vary_weights {
        (0..spec.n)
            .map(|_| {
                let mut w = coin.weights.clone();
                for &i in &perturbed {
                    w[i] *= 1.0 + spec.weight_noise * (2.0 * uniform(&mut rng) - 1.0);
                }
                w
            })
            .collect()
    } else {
        vec![]
    };
    let mut inputs: Vec<(&'static str, usize)> = Vec::new();
    if vary_weights {
        inputs.push(("weights", wsets.len()));
    }
    if let Some(k) = n_norm {
        inputs.push(("normalise", k));
    }
    if let Some(k) = n_agg {
        inputs.push(("aggregate", k));
    }
    let d = inputs.len();
    if d == 0 {
        return Err("没有不确定输入 / no uncertain input: give weight noise and levels, or alternatives".into());
    }
    let row_of = |u: &[f64]| {
        let mut r = Row { wset: None, norm: 0, agg: 0 };
        for (j, (name, k)) in inputs.iter().enumerate() {
            let v = pick(u[j], *k);
            match *name {
                "weights" => r.wset = Some(v),
                "normalise" => r.norm = v,
                _ => r.agg = v,
            }
        }
        r
    };
    let rows: Vec<Row> = if spec.sobol {
        let a: Vec<Vec<f64>> = (0..spec.n).map(|_| (0..d).map(|_| uniform(&mut rng)).collect()).collect();
        let b: Vec<Vec<f64>> = (0..spec.n).map(|_| (0..d).map(|_| uniform(&mut rng)).collect()).collect();
        let mut rows: Vec<Row> = a.iter().chain(&b).map(|u| row_of(u)).collect();
        for i in 0..d {
            for j in 0..spec.n {
                let mut u = a[j].clone();
                u[i] = b[j][i];
                rows.push(row_of(&u));
            }
        }
        rows
    } else {
        (0..spec.n)
            .map(|j| {
                let mut u: Vec<f64> = (0..d).map(|_| uniform(&mut rng)).collect();
                if vary_weights {
                    // Plain Monte Carlo: replication j uses weight set j.
                    u[0] = (j as f64 + 0.5) / spec.n as f64;
                }
                row_of(&u)
            })
            .collect()
    };
    Ok(Design { wsets, inputs, rows, vary_weights })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_and_pick() {
        let mut r = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..1000 {
            let u = uniform(&mut r);
            assert!((0.0..1.0).contains(&u));
        }
        assert_eq!((pick(0.0, 2), pick(0.4999, 2), pick(0.5, 2), pick(0.999999, 2)), (0, 0, 1, 1));
    }
}
