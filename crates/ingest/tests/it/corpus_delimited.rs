//! Corpus tests for the delimited reader (being written).
