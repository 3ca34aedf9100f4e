//! What the fuzz targets check, shared between them.

/// Text as the tidying validations leave it: trimmed, words separated by one space.
pub fn is_tidy(text: &str) -> bool {
    text == text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A control character other than the line breaks and tab a long text may hold.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Bidi embeddings, overrides and isolates, and zero-width characters: invisible, they
/// let a display name read differently from what it is.
pub fn is_invisible_formatting(c: char) -> bool {
    matches!(c,
        '\u{061C}'                // Arabic letter mark
        | '\u{200B}'..='\u{200F}' // zero-width space, (non-)joiner, LRM, RLM
        | '\u{202A}'..='\u{202E}' // embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}' // isolates
        | '\u{FEFF}'              // zero-width no-break space
    )
}

/// Characters, as the validations count them.
pub fn chars(text: &str) -> usize {
    text.chars().count()
}
