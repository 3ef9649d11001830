//! Route handlers, one module per area of the API.

pub mod analytics;
pub mod applications;
pub mod benefits;
pub mod extract;
pub mod guidance;
pub mod health;
pub mod matching;
pub mod offers;
pub mod people;
pub mod search;
pub mod taxonomy;
