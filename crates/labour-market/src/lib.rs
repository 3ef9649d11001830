//! OpenPES labour-market statistics, fed by the records the matching index holds: the
//! demand snapshot that guidance and the analyst pages read ([`demand`]) and the disclosure
//! rule every count about people passes before it is shown ([`disclosure`]).
//!
//! Pure: no I/O, no clock (the day is always a parameter).

pub mod demand;
pub mod disclosure;

pub use demand::{Demand, DemandCache, OccupationDemand, SalaryStats, Scope};
pub use disclosure::{publish, Published, SMALL_CELL};
