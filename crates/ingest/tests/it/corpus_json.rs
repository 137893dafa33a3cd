//! Corpus tests for the json reader (being written).
