//! Route handlers, one module per area of the API.

pub mod extract;
pub mod health;
pub mod matching;
pub mod search;
pub mod taxonomy;
