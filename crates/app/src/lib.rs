//! digecon's use cases: each operation a person performs, written once.
//!
//! A use case takes the store (and, where scope matters, the actor) and returns domain results;
//! it reads through `digecon-store` and decides through the capability crates (`evaluate`,
//! `track`, `collect`, `ledger`, `synth`), which do no I/O. The CLI (`digecon …`) and the server
//! (`/api/v1/…`) are adapters: they parse arguments or requests, call one function here and
//! format what it returns. Neither assembles a use case of its own.

pub mod account;
pub mod data;
pub mod error;
pub mod evaluation;
pub mod facts;
pub mod filing;
pub mod ledger;
pub mod progress;
pub mod report;
pub mod synth;
pub mod users;
pub mod work;

pub use error::{AppError, Invalid};
