//! Drop-in compatibility (issue 8): the APIs of the four products in the spec, served by
//! ledgerlens, each a thin layer of routes and shapes over the native service — the same
//! store, upload path, job pipeline, analyses and webhooks; no second pipeline.
//!
//! Each vendor's routes live under their own mount (`/compat/<vendor>`), so one deployment can
//! serve several integrations at once. docs/compat.md says, endpoint by endpoint, what is
//! supported and how it differs.

pub(crate) mod envoyx;
pub(crate) mod finx;
pub(crate) mod periculum;
pub(crate) mod sopra;
