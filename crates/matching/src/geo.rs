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
        for name in names {
            let entry = self.by_name.entry(name_key(&name)).or_default();
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
