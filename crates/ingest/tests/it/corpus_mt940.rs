//! Corpus tests for the mt940 reader (being written).
