//! Regions (GB/T 2260): which codes are county level, and their city and province for roll-up.

use std::collections::HashMap;
use std::io::Read;

use digecon_core::{Region, RegionLevel as Level};

use digecon_core::Located;

const REGIONS_CSV: &str = include_str!("../../../data/regions.csv");

/// The levels results roll up to (a zone is never a roll-up target).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionLevel {
    Province,
    City,
    County,
}

impl RegionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::City => "city",
            RegionLevel::County => "county",
        }
    }
}

impl std::str::FromStr for RegionLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "province" => Ok(Self::Province),
            "city" => Ok(Self::City),
            "county" => Ok(Self::County),
            _ => Err(format!("地区层级应为 province|city|county / region level must be province|city|county: {s}")),
        }
    }
}

/// County-level divisions with their roll-up targets.
#[derive(Debug, Clone)]
pub struct Regions {
    pub regions: Vec<Region>,
    /// Index into `regions` of each county, in file order; a county's position here is its
    /// compact index used by the aggregation.
    pub counties: Vec<usize>,
    /// For each county index: the region index of its city (the county itself when it has no city
    /// ancestor, e.g. a province-administered county) and of its province.
    pub county_city: Vec<usize>,
    pub county_province: Vec<usize>,
    /// Dense lookup from 6-digit numeric code to county index (`u16::MAX` = not a county).
    dense_base: u32,
    dense: Vec<u16>,
    by_code: HashMap<String, usize>,
}

/// Parses six ASCII digits.
#[inline]
pub fn parse_code6(b: &[u8]) -> Option<u32> {
    if b.len() != 6 {
        return None;
    }
    let mut v = 0u32;
    for &d in b {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(d - b'0');
    }
    Some(v)
}

impl Regions {
    /// The project's `data/regions.csv`.
    pub fn jiangxi() -> Self {
        Self::from_reader("data/regions.csv", REGIONS_CSV.as_bytes()).expect("data/regions.csv is valid")
    }

    /// Reads a regions table with columns `code`, `level` (`province|city|county|zone`),
    /// `parent_code`, a name column (`name_zh` or `name`) and optionally `name_en`; other columns
    /// are ignored.
    pub fn from_reader(file: &str, r: impl Read) -> Result<Self, Located> {
        let mut rdr = csv::Reader::from_reader(r);
        let header = rdr.headers().map_err(|e| Located::at(file, 1, e.to_string()))?.clone();
        let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.trim_start_matches('\u{feff}')));
        let (Some(c_code), Some(c_level), Some(c_parent), Some(c_name)) =
            (col(&["code"]), col(&["level"]), col(&["parent_code"]), col(&["name_zh", "name"]))
        else {
            return Err(Located::at(file, 1, "需要列 code, level, parent_code, name_zh / columns code, level, parent_code, name_zh required"));
        };
        let c_name_en = col(&["name_en"]);
        let mut regions: Vec<Region> = Vec::new();
        let mut parents = Vec::new();
        let mut by_code = HashMap::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i as u64 + 2;
            let rec = rec.map_err(|e| Located::at(file, line, e.to_string()))?;
            let code = rec[c_code].to_string();
            if by_code.insert(code.clone(), regions.len()).is_some() {
                return Err(Located::at(file, line, format!("duplicate region code {code}")));
            }
            let level: Level = rec[c_level].parse().map_err(|e: digecon_core::VocabError| Located::at(file, line, e.to_string()))?;
            let parent = rec[c_parent].to_string();
            let name_en = c_name_en.map_or(String::new(), |c| rec[c].to_string());
            regions.push(Region { code, name_zh: rec[c_name].to_string(), name_en, level, parent_code: (!parent.is_empty()).then(|| parent.clone()) });
            parents.push(parent);
        }
        let parent_idx: Vec<Option<usize>> = parents
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if p.is_empty() {
                    Ok(None)
                } else {
                    by_code.get(p).copied().map(Some).ok_or_else(|| Located::at(file, i as u64 + 2, format!("unknown parent_code {p}")))
                }
            })
            .collect::<Result<_, _>>()?;
        let ancestor = |mut i: usize, level: Level| -> Option<usize> {
            for _ in 0..16 {
                if regions[i].level == level {
                    return Some(i);
                }
                i = parent_idx[i]?;
            }
            None
        };
        let mut counties = Vec::new();
        let mut county_city = Vec::new();
        let mut county_province = Vec::new();
        for (i, r) in regions.iter().enumerate() {
            if r.level != Level::County {
                continue;
            }
            if parse_code6(r.code.as_bytes()).is_none() {
                return Err(Located::at(file, i as u64 + 2, format!("county code must be 6 digits: {}", r.code)));
            }
            let province = ancestor(i, Level::Province)
                .ok_or_else(|| Located::at(file, i as u64 + 2, format!("county {} has no province ancestor", r.code)))?;
            counties.push(i);
            county_city.push(ancestor(i, Level::City).unwrap_or(i));
            county_province.push(province);
        }
        if counties.len() >= u16::MAX as usize {
            return Err(Located::at(file, 0, "too many counties"));
        }
        let codes: Vec<u32> = counties.iter().map(|&i| parse_code6(regions[i].code.as_bytes()).unwrap()).collect();
        let dense_base = codes.iter().copied().min().unwrap_or(0);
        let span = codes.iter().copied().max().map_or(0, |m| m - dense_base + 1);
        let mut dense = vec![u16::MAX; span as usize];
        for (ci, &c) in codes.iter().enumerate() {
            dense[(c - dense_base) as usize] = ci as u16;
        }
        Ok(Self { regions, counties, county_city, county_province, dense_base, dense, by_code })
    }

    /// County index of a 6-digit code, if it is a known county-level division.
    #[inline]
    pub fn county_index(&self, code: u32) -> Option<u16> {
        let off = code.checked_sub(self.dense_base)? as usize;
        self.dense.get(off).copied().filter(|&v| v != u16::MAX)
    }

    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code).map(|&i| &self.regions[i])
    }

    /// Region index that a county rolls up to at `level`.
    pub fn target(&self, county: usize, level: RegionLevel) -> usize {
        match level {
            RegionLevel::County => self.counties[county],
            RegionLevel::City => self.county_city[county],
            RegionLevel::Province => self.county_province[county],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jiangxi_has_100_counties_in_11_cities() {
        let r = Regions::jiangxi();
        assert_eq!(r.counties.len(), 100);
        let mut cities: Vec<usize> = r.county_city.clone();
        cities.sort_unstable();
        cities.dedup();
        assert_eq!(cities.len(), 11);
        let ci = r.county_index(360702).expect("章贡区") as usize;
        assert_eq!(r.regions[r.target(ci, RegionLevel::City)].code, "360700");
        assert_eq!(r.regions[r.target(ci, RegionLevel::Province)].code, "360000");
        assert_eq!(r.county_index(360700), None, "a city is not county level");
        assert_eq!(r.county_index(360101), None);
        assert_eq!(r.county_index(110101), None);
    }
}
