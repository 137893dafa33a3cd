//! Each seed product's report, in its own JSON shape.

pub mod envoyx;
pub mod finx;
pub mod xray;
pub mod periculum;
