//! Places and distances. A [`Point`] is WGS 84 latitude/longitude; distances are great-circle
//! (haversine) kilometres. The [`Gazetteer`] names places: the built-in one holds Taiwan's
//! 22 counties and cities and their districts, in Traditional Chinese and English; others load
//! from a CSV file of the same shape (`code,level,parent,name_zh,name_en,lat,lon`).
//!
//! Names resolve whether written with 臺 or 台, in English in any case, and with their county
//! in front (臺北市中正區) when a district name alone is ambiguous (中正區 is in Taipei and in
//! Keelung).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A point on the earth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    /// Great-circle distance in km.
    pub fn distance_km(&self, other: &Point) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0088;
        let (la1, la2) = (self.lat.to_radians(), other.lat.to_radians());
        let dla = la2 - la1;
        let dlo = (other.lon - self.lon).to_radians();
        let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
    }
}

/// A named place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Stable code, e.g. `TW-TPE` (Taipei City), `TW-TPE-01`.
    pub code: String,
    /// `county` or `district` (any word a file uses).
    pub level: String,
    /// Code of the enclosing place.
    pub parent: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub point: Point,
}

/// Why a gazetteer file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{file}:{line}: field '{field}': {message}")]
    Field {
        file: String,
        line: u64,
        field: &'static str,
        message: String,
    },
    #[error("{file}: {source}")]
    Csv {
        file: String,
        #[source]
        source: csv::Error,
    },
}

/// Why a place name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("unknown place '{0}'")]
    Unknown(String),
    #[error("place '{name}' is ambiguous: {}", candidates.join(", "))]
    Ambiguous {
        name: String,
        candidates: Vec<String>,
    },
}

/// Places by code and by name.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    /// Names as they are found in running text (lower case, 臺): zh names, zh with their
    /// county, English names, and English county names without "City"/"County".
    text_names: HashMap<String, Vec<usize>>,
}

const BUILTIN_TAIWAN: &str = include_str!("../data/gazetteer-tw.csv");

#[derive(Deserialize)]
struct Row {
    code: String,
    level: String,
    parent: String,
    name_zh: String,
    name_en: String,
    lat: String,
    lon: String,
}

/// The form names are compared in: 台 → 臺, lower case, no spaces.
fn name_key(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '台' { '臺' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The form names are looked for in running text: 台 → 臺, lower case, single spaces.
fn text_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.chars()
                .map(|c| if c == '台' { '臺' } else { c })
                .flat_map(char::to_lowercase),
        );
    }
    out
}

impl Gazetteer {
    /// The built-in gazetteer of Taiwan.
    pub fn taiwan() -> Result<Gazetteer, GazetteerError> {
        Gazetteer::from_csv(BUILTIN_TAIWAN.as_bytes(), "gazetteer-tw.csv (built in)")
    }

    /// Reads a gazetteer CSV; errors name the file, line and field.
    pub fn from_csv(data: impl std::io::Read, file: &str) -> Result<Gazetteer, GazetteerError> {
        let csv_error = |source| GazetteerError::Csv {
            file: file.to_string(),
            source,
        };
        let mut reader = csv::Reader::from_reader(data);
        let headers = reader.headers().map_err(csv_error)?.clone();
        let mut gazetteer = Gazetteer::default();
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(csv_error)? {
            let row: Row = record.deserialize(Some(&headers)).map_err(csv_error)?;
            let line = record.position().map_or(0, csv::Position::line);
            let field_error = |field: &'static str, message: String| GazetteerError::Field {
                file: file.to_string(),
                line,
                field,
                message,
            };
            let coordinate = |field: &'static str, text: &str, limit: f64| {
                text.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && v.abs() <= limit)
                    .ok_or_else(|| field_error(field, format!("'{text}' is not a coordinate")))
            };
            let point = Point {
                lat: coordinate("lat", &row.lat, 90.0)?,
                lon: coordinate("lon", &row.lon, 180.0)?,
            };
            if row.code.trim().is_empty() {
                return Err(field_error("code", "is empty".into()));
            }
            if gazetteer.by_code.contains_key(row.code.trim()) {
                return Err(field_error("code", format!("'{}' appears twice", row.code)));
            }
            let parent = Some(row.parent.trim().to_string()).filter(|p| !p.is_empty());
            if let Some(p) = &parent {
                if !gazetteer.by_code.contains_key(p) {
                    return Err(field_error(
                        "parent",
                        format!("'{p}' is not an earlier place's code"),
                    ));
                }
            }
            gazetteer.push(Place {
                code: row.code.trim().to_string(),
                level: row.level.trim().to_string(),
                parent,
                name_zh: row.name_zh.trim().to_string(),
                name_en: row.name_en.trim().to_string(),
                point,
            });
        }
        Ok(gazetteer)
    }

    fn push(&mut self, place: Place) {
        let index = self.places.len();
        let mut names = vec![place.name_zh.clone(), place.name_en.clone()];
        if let Some(parent) = place.parent.as_ref().and_then(|p| self.by_code.get(p)) {
            let parent = &self.places[*parent];
            names.push(format!("{}{}", parent.name_zh, place.name_zh));
            names.push(format!("{}, {}", place.name_en, parent.name_en));
        }
        for name in &names {
            let entry = self.by_name.entry(name_key(name)).or_default();
            if !entry.contains(&index) {
                entry.push(index);
            }
        }
        if place.parent.is_none() {
            let english = place.name_en.trim();
            for suffix in [" City", " County"] {
                if let Some(bare) = english.strip_suffix(suffix) {
                    names.push(bare.to_string());
                }
            }
        }
        for name in names {
            let key = text_key(&name);
            if key.chars().count() < 2 {
                continue;
            }
            let entry = self.text_names.entry(key).or_default();
            if !entry.contains(&index) {
                entry.push(index);
            }
        }
        self.by_code.insert(place.code.clone(), index);
        self.places.push(place);
    }

    /// All places, parents before their children.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The place with this code.
    pub fn by_code(&self, code: &str) -> Option<&Place> {
        self.by_code.get(code).map(|i| &self.places[*i])
    }

    /// The place a code or name (zh-TW or English; 台 or 臺; "臺北市中正區",
    /// "Zhongzheng District, Taipei City") stands for.
    pub fn resolve(&self, name_or_code: &str) -> Result<&Place, ResolveError> {
        if let Some(place) = self.by_code(name_or_code.trim()) {
            return Ok(place);
        }
        match self.by_name.get(&name_key(name_or_code)).map(Vec::as_slice) {
            Some([one]) => Ok(&self.places[*one]),
            Some(many) if !many.is_empty() => Err(ResolveError::Ambiguous {
                name: name_or_code.to_string(),
                candidates: many
                    .iter()
                    .map(|i| {
                        let place = &self.places[*i];
                        let parent = place
                            .parent
                            .as_deref()
                            .and_then(|p| self.by_code(p))
                            .map_or(String::new(), |p| p.name_zh.clone());
                        format!("{} ({parent}{})", place.code, place.name_zh)
                    })
                    .collect(),
            }),
            _ => Err(ResolveError::Unknown(name_or_code.to_string())),
        }
    }

    /// The position of the place with this code in [`Gazetteer::places`].
    pub fn position(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// The outermost place containing the place at `position` (itself for a county).
    pub fn top_level(&self, position: usize) -> usize {
        let mut current = position;
        while let Some(parent) = self.places[current]
            .parent
            .as_deref()
            .and_then(|p| self.by_code.get(p))
        {
            current = *parent;
        }
        current
    }

    /// True when the place at `inner` is the place at `outer` or lies inside it.
    pub fn contains(&self, outer: usize, inner: usize) -> bool {
        let mut current = Some(inner);
        while let Some(i) = current {
            if i == outer {
                return true;
            }
            current = self.places[i]
                .parent
                .as_deref()
                .and_then(|p| self.by_code.get(p))
                .copied();
        }
        false
    }

    /// The place whose centre is nearest to `point`, if one lies within `max_km`.
    pub fn nearest(&self, point: &Point, max_km: f64) -> Option<usize> {
        // Compare on an equirectangular approximation (exact enough at these distances),
        // then check the winner with the great-circle distance.
        let cos_lat = point.lat.to_radians().cos();
        let approx = |p: &Point| {
            let dx = (p.lon - point.lon) * cos_lat;
            let dy = p.lat - point.lat;
            dx * dx + dy * dy
        };
        let (best, _) = self
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| (i, approx(&p.point)))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        (self.places[best].point.distance_km(point) <= max_km).then_some(best)
    }

    /// The form of running text that [`Gazetteer::find_in_text`]'s ranges point into:
    /// 台 → 臺, lower case, single spaces.
    pub fn text_form(text: &str) -> String {
        text_key(text)
    }

    /// Places named in running text ("nurse in Taipei", "新北市板橋區 會計"): the longest
    /// names first, never two overlapping, skipping names that stand for several places.
    /// Returns positions in [`Gazetteer::places`] with the byte range of the name in
    /// [`Gazetteer::text_form`] of the text.
    pub fn find_in_text(&self, text: &str) -> Vec<(usize, std::ops::Range<usize>)> {
        let haystack = text_key(text);
        let mut found: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        let mut names: Vec<(&String, usize)> = self
            .text_names
            .iter()
            .filter_map(|(name, places)| match places.as_slice() {
                [one] => Some((name, *one)),
                _ => None,
            })
            .filter(|(name, _)| haystack.contains(name.as_str()))
            .collect();
        names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(b.0)));
        for (name, place) in names {
            for (start, _) in haystack.match_indices(name.as_str()) {
                let range = start..start + name.len();
                let bounded = |c: Option<char>| {
                    c.is_none_or(|c| !c.is_ascii_alphanumeric())
                        || !name.starts_with(|n: char| n.is_ascii_alphanumeric())
                };
                let before = haystack[..range.start].chars().next_back();
                let after = haystack[range.end..].chars().next();
                let word = bounded(before) && bounded(after);
                let free = found
                    .iter()
                    .all(|(_, r)| r.end <= range.start || range.end <= r.start);
                if word && free {
                    found.push((place, range));
                    break;
                }
            }
        }
        found.sort_by_key(|(_, r)| r.start);
        found
    }

    /// True when `place` is `ancestor` or lies inside it.
    pub fn within(&self, place: &str, ancestor: &str) -> bool {
        let mut current = self.by_code(place);
        while let Some(p) = current {
            if p.code == ancestor {
                return true;
            }
            current = p.parent.as_deref().and_then(|c| self.by_code(c));
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_great_circle_km() {
        let taipei = Point {
            lat: 25.0375,
            lon: 121.5637,
        };
        let kaohsiung = Point {
            lat: 22.6273,
            lon: 120.3014,
        };
        let d = taipei.distance_km(&kaohsiung);
        assert!((290.0..=305.0).contains(&d), "{d}");
        assert_eq!(taipei.distance_km(&taipei), 0.0);
    }

    #[test]
    fn the_built_in_gazetteer_covers_taiwan() -> Result<(), GazetteerError> {
        let g = Gazetteer::taiwan()?;
        let counties = g.places().iter().filter(|p| p.level == "county").count();
        let districts = g.places().iter().filter(|p| p.level == "district").count();
        assert_eq!((counties, districts), (22, 368));
        let taipei = g.resolve("台北市").map_err(|e| panic!("{e}")).ok();
        assert_eq!(taipei.map(|p| p.code.as_str()), Some("TW-TPE"));
        assert!(g.resolve("taipei city").is_ok());
        // 中正區 is in Taipei and in Keelung: ambiguous alone, clear with its city.
        assert!(matches!(
            g.resolve("中正區"),
            Err(ResolveError::Ambiguous { .. })
        ));
        let zhongzheng = g.resolve("臺北市中正區").map_err(|e| panic!("{e}")).ok();
        let code = zhongzheng.map(|p| p.code.clone()).unwrap_or_default();
        assert!(g.within(&code, "TW-TPE"));
        assert!(matches!(
            g.resolve("Atlantis"),
            Err(ResolveError::Unknown(_))
        ));
        Ok(())
    }

    #[test]
    fn places_are_found_in_running_text() -> Result<(), GazetteerError> {
        let g = Gazetteer::taiwan()?;
        let codes = |text: &str| -> Vec<String> {
            g.find_in_text(text)
                .into_iter()
                .map(|(i, _)| g.places()[i].code.clone())
                .collect()
        };
        assert_eq!(codes("nurse jobs in Taipei"), ["TW-TPE"]);
        // The longer name wins: New Taipei is not Taipei.
        assert_eq!(codes("accountant, New Taipei City"), ["TW-NWT"]);
        assert_eq!(codes("台中市 護理師"), ["TW-TXG"]);
        // A name inside another word is not a place.
        assert!(codes("taipeiish").is_empty());
        // 中正區 alone is ambiguous and is skipped; with its city it is found.
        assert!(codes("中正區").is_empty());
        let zhongzheng = codes("臺北市中正區");
        assert_eq!(zhongzheng.len(), 1);
        assert!(zhongzheng.iter().all(|c| g.within(c, "TW-TPE")));
        Ok(())
    }

    #[test]
    fn nearest_place_and_top_level() -> Result<(), GazetteerError> {
        let g = Gazetteer::taiwan()?;
        let taipei_101 = Point {
            lat: 25.0340,
            lon: 121.5645,
        };
        let near = g.nearest(&taipei_101, 30.0).map(|i| g.top_level(i));
        assert_eq!(near.map(|i| g.places()[i].code.as_str()), Some("TW-TPE"));
        let london = Point {
            lat: 51.5,
            lon: -0.12,
        };
        assert_eq!(g.nearest(&london, 30.0), None);
        Ok(())
    }

    #[test]
    fn bad_files_name_line_and_field() {
        let data = "code,level,parent,name_zh,name_en,lat,lon\n\
                    A,county,,甲,A,25.0,121.0\n\
                    B,district,A,乙,B,north,121.0\n";
        let error = Gazetteer::from_csv(data.as_bytes(), "places.csv")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("places.csv:3: field 'lat': 'north' is not a coordinate")
        );
        let orphan = "code,level,parent,name_zh,name_en,lat,lon\nB,district,Z,乙,B,25,121\n";
        let error = Gazetteer::from_csv(orphan.as_bytes(), "p.csv")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("p.csv:2: field 'parent': 'Z' is not an earlier place's code")
        );
    }
}
