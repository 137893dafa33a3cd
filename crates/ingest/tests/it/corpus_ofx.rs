//! Corpus tests for the ofx reader (being written).
