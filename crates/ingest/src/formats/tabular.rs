//! Placeholder: header vocabulary and column mapping shared by CSV and Excel.
