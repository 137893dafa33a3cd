//! Round trips for the json writer and reader (being written).
