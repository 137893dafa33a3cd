//! Corpus tests for the camt reader (being written).
