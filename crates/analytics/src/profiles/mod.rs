//! Each seed product's report, in its own JSON shape.

pub mod envoyx;
pub mod finx;
pub mod periculum;
pub mod xray;
