//! The OpenPES HTTP JSON API under `/api/v1`: thin handlers that read the request (path,
//! query, JSON body, the caller), call the application layer (`openpes-app`) and answer with
//! its view types as JSON. One route table per resource ([`routes`]) is also the OpenAPI
//! document ([`openapi`]); [`dto`] holds the few wire types that are the API's own (taxonomy
//! answers and schema mirrors). Errors are the shared problem+json of `openpes-http`.

pub mod dto;
pub mod openapi;
pub mod routes;

pub use openpes_app::{access, benefits, lockout, suggest};
pub use openpes_http::{auth, error, i18n, rate_limit, AppState, MAX_UPLOAD_BYTES};
