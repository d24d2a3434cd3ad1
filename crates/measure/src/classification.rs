//! The NBS 《数字经济及其核心产业统计分类（2021）》 ↔ GB/T 4754-2017 table, loaded from data.
//!
//! The shipped version lives in `data/nbs2021/v1/` (see its PROVENANCE.md); another revision is
//! another directory loaded with [`Classification::from_readers`].

use std::collections::HashMap;
use std::io::Read;

use digecon_core::Located;

/// The shipped classification version (directory name under `data/nbs2021/`).
pub const DEFAULT_VERSION: &str = "nbs2021/v1";
const MAIN_CSV: &str = include_str!("../../../data/nbs2021/v1/nbs2021_digital_economy_classification.csv");
const EXPANDED_CSV: &str =
    include_str!("../../../data/nbs2021/v1/nbs2021_digital_economy_classification_expanded_4digit.csv");

/// Number of possible 4-digit codes; codes are stored as `u16` 0..=9999.
pub const CODE_SPACE: usize = 10_000;

/// A class at one level of the NBS table (major 2 digits, medium 4, small 6).
#[derive(Debug, Clone)]
pub struct Class {
    pub code: String,
    pub name: String,
    /// Index of the parent in the level above (none for a major class).
    pub parent: Option<usize>,
}

/// One core row of the table that has a GB/T code: a (small class, GB/T code) pair. Aggregation
/// keeps revenue per slot so that a value-added rate can be applied per GB/T industry later.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Index into [`Classification::smalls`].
    pub small: usize,
    pub gb_code: u16,
    pub partial: bool,
}

/// What a 4-digit GB/T 4754-2017 code means for classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeKind {
    /// Not among the small classes known to this table version.
    Unknown,
    /// A real small class that is not in core classes 01–04. `potential_05` is the first class-05
    /// small class whose (expanded) mapping contains it, if any: class 05 cannot be assigned by
    /// code (every 05 row is partial and NBS estimates 05 by modelling), so it is only reported.
    NonCore { potential_05: Option<usize> },
    /// Exactly one core row, not starred: the code alone decides.
    Direct(usize),
    /// Starred (`*`) and/or shared by several core rows: candidate slots, decided by keyword rules.
    Partial(Vec<usize>),
}

/// The loaded table.
#[derive(Debug, Clone)]
pub struct Classification {
    pub version: String,
    pub majors: Vec<Class>,
    pub mediums: Vec<Class>,
    pub smalls: Vec<Class>,
    /// Core (01–04) rows with a GB/T code, in table order.
    pub slots: Vec<Slot>,
    kinds: Vec<CodeKind>,
    gb_names: Vec<Option<String>>,
    small_by_code: HashMap<String, usize>,
}

#[derive(Debug, serde::Deserialize)]
struct MainRow {
    major_code: String,
    major_name: String,
    medium_code: String,
    medium_name: String,
    small_code: String,
    small_name: String,
    gbt4754_code: String,
    partial: String,
}

#[derive(Debug, serde::Deserialize)]
struct ExpandedRow {
    major_code: String,
    small_code: String,
    gbt4754_code: String,
    gbt4754_name: String,
}

/// Core major classes: 01–04 (05 数字化效率提升业 is not assigned to enterprises by code).
pub fn is_core_major(code: &str) -> bool {
    matches!(code, "01" | "02" | "03" | "04")
}

pub(crate) fn parse_code4(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() == 4 && b.iter().all(u8::is_ascii_digit) {
        Some(b.iter().fold(0u16, |a, &d| a * 10 + u16::from(d - b'0')))
    } else {
        None
    }
}

impl Classification {
    /// The shipped table (`data/nbs2021/v1/`).
    pub fn nbs2021() -> Self {
        Self::from_readers(DEFAULT_VERSION, MAIN_CSV.as_bytes(), EXPANDED_CSV.as_bytes())
            .expect("the shipped NBS 2021 table is valid (checked by tests)")
    }

    /// Loads a version from its main table and its 4-digit expansion (same columns as the shipped
    /// files). The expansion supplies the set of known GB/T small classes.
    pub fn from_readers(version: &str, main: impl Read, expanded: impl Read) -> Result<Self, Located> {
        let mut majors: Vec<Class> = Vec::new();
        let mut mediums: Vec<Class> = Vec::new();
        let mut smalls: Vec<Class> = Vec::new();
        let mut idx: [HashMap<String, usize>; 3] = Default::default();
        let mut slots = Vec::new();
        let mut rows_by_code: Vec<Vec<usize>> = vec![Vec::new(); CODE_SPACE];
        let file = format!("{version}/nbs2021_digital_economy_classification.csv");
        let mut rdr = csv::Reader::from_reader(main);
        for (i, r) in rdr.deserialize::<MainRow>().enumerate() {
            let line = i as u64 + 2;
            let r = r.map_err(|e| Located::at(&file, line, e.to_string()))?;
            let ma = *idx[0].entry(r.major_code.clone()).or_insert_with(|| {
                majors.push(Class { code: r.major_code.clone(), name: r.major_name.clone(), parent: None });
                majors.len() - 1
            });
            let me = *idx[1].entry(r.medium_code.clone()).or_insert_with(|| {
                mediums.push(Class { code: r.medium_code.clone(), name: r.medium_name.clone(), parent: Some(ma) });
                mediums.len() - 1
            });
            let sm = *idx[2].entry(r.small_code.clone()).or_insert_with(|| {
                smalls.push(Class { code: r.small_code.clone(), name: r.small_name.clone(), parent: Some(me) });
                smalls.len() - 1
            });
            if mediums[me].parent != Some(ma) || smalls[sm].parent != Some(me) {
                return Err(Located::at(&file, line, "class hierarchy is inconsistent with earlier rows"));
            }
            if !r.small_code.starts_with(&r.medium_code) || !r.medium_code.starts_with(&r.major_code) {
                return Err(Located::at(&file, line, "class codes do not nest (major ⊂ medium ⊂ small)"));
            }
            if !is_core_major(&r.major_code) || r.gbt4754_code.is_empty() {
                continue; // 05 rows and the three blank core mappings give no slot
            }
            let gb = parse_code4(&r.gbt4754_code).ok_or_else(|| {
                Located::at(&file, line, format!("core row must map to a 4-digit GB/T code, found {:?}", r.gbt4754_code))
            })?;
            let partial = match r.partial.as_str() {
                "true" => true,
                "false" => false,
                other => return Err(Located::at(&file, line, format!("partial must be true/false, found {other:?}"))),
            };
            rows_by_code[gb as usize].push(slots.len());
            slots.push(Slot { small: sm, gb_code: gb, partial });
        }

        let mut known = vec![false; CODE_SPACE];
        let mut potential_05: Vec<Option<usize>> = vec![None; CODE_SPACE];
        let mut gb_names: Vec<Option<String>> = vec![None; CODE_SPACE];
        let efile = format!("{version}/nbs2021_digital_economy_classification_expanded_4digit.csv");
        let mut rdr = csv::Reader::from_reader(expanded);
        for (i, r) in rdr.deserialize::<ExpandedRow>().enumerate() {
            let line = i as u64 + 2;
            let r = r.map_err(|e| Located::at(&efile, line, e.to_string()))?;
            if r.gbt4754_code.is_empty() {
                continue;
            }
            let gb = parse_code4(&r.gbt4754_code)
                .ok_or_else(|| Located::at(&efile, line, format!("expected a 4-digit code, found {:?}", r.gbt4754_code)))?;
            known[gb as usize] = true;
            if gb_names[gb as usize].is_none() {
                gb_names[gb as usize] = Some(r.gbt4754_name.clone());
            }
            if r.major_code == "05" && potential_05[gb as usize].is_none() {
                potential_05[gb as usize] = idx[2].get(&r.small_code).copied();
            }
        }

        let mut kinds = Vec::with_capacity(CODE_SPACE);
        for code in 0..CODE_SPACE {
            let rows = &rows_by_code[code];
            if !rows.is_empty() && !known[code] {
                return Err(Located::at(&efile, 0, format!("core code {code:04} is missing from the expansion")));
            }
            kinds.push(match rows.as_slice() {
                [] if known[code] => CodeKind::NonCore { potential_05: potential_05[code] },
                [] => CodeKind::Unknown,
                [one] if !slots[*one].partial => CodeKind::Direct(*one),
                many => CodeKind::Partial(many.to_vec()),
            });
        }
        let small_by_code = idx[2].clone();
        Ok(Self { version: version.to_string(), majors, mediums, smalls, slots, kinds, gb_names, small_by_code })
    }

    /// What the code means; `code` must be < 10000.
    #[inline]
    pub fn kind(&self, code: u16) -> &CodeKind {
        &self.kinds[code as usize]
    }

    /// Whether `code` is a known GB/T 4754-2017 small class of this version.
    pub fn is_known(&self, code: u16) -> bool {
        !matches!(self.kinds[code as usize], CodeKind::Unknown)
    }

    /// GB/T 4754-2017 name of a known code.
    pub fn gb_name(&self, code: u16) -> Option<&str> {
        self.gb_names.get(code as usize)?.as_deref()
    }

    /// Number of known small classes (4-digit codes).
    pub fn known_code_count(&self) -> usize {
        self.kinds.iter().filter(|k| !matches!(k, CodeKind::Unknown)).count()
    }

    pub fn small_index(&self, code: &str) -> Option<usize> {
        self.small_by_code.get(code).copied()
    }

    /// The slot of (small class, GB/T code), if that core row exists.
    pub fn slot_of(&self, small: usize, gb_code: u16) -> Option<usize> {
        self.slots.iter().position(|s| s.small == small && s.gb_code == gb_code)
    }

    /// Small, medium and major class of a slot.
    pub fn slot_classes(&self, slot: usize) -> (&Class, &Class, &Class) {
        let small = &self.smalls[self.slots[slot].small];
        let medium = &self.mediums[small.parent.expect("small has a medium")];
        let major = &self.majors[medium.parent.expect("medium has a major")];
        (small, medium, major)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_has_the_documented_shape() {
        let c = Classification::nbs2021();
        assert_eq!(c.majors.len(), 5);
        assert_eq!(c.mediums.len(), 32);
        assert_eq!(c.smalls.len(), 156);
        // The CSV has 134 core rows, 3 without a code → 131 slots over 126 distinct codes
        // (4851 ×3, 4910 ×3, 6429 ×2). The notes say 131/128; see data/nbs2021/PROVENANCE.md.
        assert_eq!(c.slots.len(), 131);
        let mut codes: Vec<u16> = c.slots.iter().map(|s| s.gb_code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 126);
        // 1,365 distinct 4-digit codes appear in the expanded table.
        assert_eq!(c.known_code_count(), 1365);
    }

    #[test]
    fn code_kinds() {
        let c = Classification::nbs2021();
        let CodeKind::Direct(s) = c.kind(3911) else { panic!("3911 is direct") };
        let (small, medium, major) = c.slot_classes(*s);
        assert_eq!((small.code.as_str(), medium.code.as_str(), major.code.as_str()), ("010101", "0101", "01"));
        // shared by 030304 and 030307
        let CodeKind::Partial(v) = c.kind(6429) else { panic!() };
        let smalls: Vec<&str> = v.iter().map(|&s| c.slot_classes(s).0.code.as_str()).collect();
        assert_eq!(smalls, ["030304", "030307"]);
        let CodeKind::Partial(v) = c.kind(4910) else { panic!() };
        assert_eq!(v.len(), 3);
        // starred, single class
        assert!(matches!(c.kind(3831), CodeKind::Partial(v) if v.len() == 1));
        // 1311 稻谷加工 is known, not core, listed under 050204 (whole 门类 C)
        assert_eq!(c.gb_name(1311), Some("稻谷加工"));
        let CodeKind::NonCore { potential_05: Some(p) } = c.kind(1311) else { panic!("{:?}", c.kind(1311)) };
        assert_eq!(c.smalls[*p].code, "050204");
        assert_eq!(c.kind(9999), &CodeKind::Unknown);
        assert_eq!(c.kind(9700), &CodeKind::Unknown, "T 国际组织 is not in the expansion");
        assert!(matches!(c.kind(391), CodeKind::NonCore { .. }), "0391 is a real code");
    }
}
