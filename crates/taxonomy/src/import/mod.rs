//! Importers: each reads files it is handed and produces a [`crate::model::Dataset`]; none
//! writes anywhere. Persisting a dataset (as one transaction) is the store's job.

pub mod bundle;
pub mod esco;
pub mod onet;
pub mod table;
