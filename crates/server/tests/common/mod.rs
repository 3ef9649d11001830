//! The helpers the API tests share live in `openpes-test-support`; this module re-exports
//! them under the name the test files use.
#![allow(unused_imports)]

pub(crate) use openpes_test_support::*;
