//! # digecon-synth: synthetic regional data that keeps every documented statement true
//!
//! The documents give a few city values and many bounds and ranks; everything else about the
//! cities and counties is unknown. This crate fills the gaps with **synthetic** values — always
//! flagged `synthetic`, `source_doc = "synthetic"`, with a `source_quote` naming the generator,
//! the seed and the rule that produced the value — such that every documented statement still
//! holds.
//!
//! - `spec`: what to generate (`data/evaluation/synthetic.csv`) and the statements left out on
//!   purpose (`synthetic_exclusions.csv`);
//! - `interval` (re-exported from digecon-core), `network`: interval arithmetic and the constraint
//!   network of one sibling group;
//! - `generate`: [`generate`] — pure and deterministic for a seed;
//! - `check`: [`check`] — proves on the values alone that every documented statement holds;
//! - `db`: [`db::synthesize`] reads a database, generates, checks and writes through
//!   digecon-store in one transaction, never over a documented or filed value.

/// Interval arithmetic lives in digecon-core (shared with digecon-track's document checks).
pub use digecon_core::interval;
pub mod network;
pub mod spec;
pub mod generate;
pub mod check;
pub mod db;

pub use generate::{generate, ImpliedTotal, Inputs, SynthError, Synthesis, GENERATOR, SYNTHETIC_DOC};
pub use check::{check, Check, CheckKind, CheckReport};
pub use spec::{Derive, Exclusion, Spec, SpecRow};
