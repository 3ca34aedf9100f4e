//! Character rules every text field shares, on the server and in the browser: no NUL or
//! other control character anywhere, and, in names people see, nothing invisible or
//! direction-changing and nothing that passes for Paddock's staff; and which paths may go
//! back to the browser in a `Location` header.

use crate::error::{AppError, ErrorCode};

/// A control character no field may hold. Tab and line breaks are ordinary whitespace
/// (multi-line messages keep them; one-line fields collapse them).
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Refuses text holding a forbidden control character (NUL, escape, DEL, C1…).
pub fn reject_controls(text: &str) -> Result<(), AppError> {
    if text.chars().any(is_forbidden_control) {
        Err(invalid_characters())
    } else {
        Ok(())
    }
}

pub fn invalid_characters() -> AppError {
    AppError::new(
        ErrorCode::InvalidCharacters,
        "Un champ contient un caractère non autorisé (caractère de contrôle ou invisible).",
    )
}

/// A page of this site a `Location` header may send the browser to: a path (never
/// `//host` or `/\host`, which browsers read as another site), not an API endpoint, and
/// without a control character (a `Location` header cannot hold one).
pub fn is_site_page_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.contains(char::is_control)
        && !path.starts_with("/api/")
}

/// Characters that are invisible or reorder the text around them: in a name they can
/// hide what is displayed (`Julie\u{202E}…`) or make two names look the same.
pub fn is_invisible_or_bidi(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                // soft hyphen
        | '\u{034F}'              // combining grapheme joiner
        | '\u{061C}'              // Arabic letter mark
        | '\u{115F}' | '\u{1160}' // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' // Mongolian selectors and vowel separator
        | '\u{200B}'..='\u{200F}' // zero-width space, joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, bidi isolates
        | '\u{2800}'              // braille blank
        | '\u{3164}' | '\u{FFA0}' // Hangul fillers
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
        | '\u{FEFF}'              // zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
        | '\u{E0000}'..='\u{E007F}' // tags
    )
}

/// Words only Paddock's staff may carry in their display name.
const STAFF_WORDS: [&str; 8] = [
    "conseill",
    "paddock",
    "admin",
    "moderat",
    "staff",
    "support",
    "serviceclient",
    "equipe",
];

/// Whether a name passes for staff, whatever its accents, case, spacing, digits for
/// letters or look-alike Cyrillic and Greek letters (« C0nseiller », « P a d d o c k »).
pub fn imitates_staff(name: &str) -> bool {
    let folded: String = name.chars().filter_map(fold).collect();
    STAFF_WORDS.iter().any(|word| folded.contains(word))
}

/// A SQL `LIKE`/`ILIKE` pattern matching `text` anywhere, its `%`, `_` and `\` taken
/// literally (the default escape character is `\`).
pub fn contains_pattern(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// Lower case, French accents removed, the typographic apostrophe made plain: how typed
/// text is compared (« Révision » and « revision » match).
pub fn comparable(input: &str) -> String {
    input
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            '’' => '\'',
            other => other,
        })
        .collect()
}

/// One character as a plain lower-case ASCII letter, or nothing for separators.
fn fold(c: char) -> Option<char> {
    let c = c.to_lowercase().next().unwrap_or(c);
    let plain = match c {
        'a'..='z' => c,
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | '@' | '4' | 'а' | 'α' => 'a',
        'ç' | 'ć' | 'č' | 'с' => 'c',
        'ď' | 'ԁ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | '3' | 'е' | 'ε' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | '1' | '!' | '|' | 'і' | 'ι' => 'i',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'ñ' | 'ń' | 'ň' | 'η' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | '0' | 'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ř' => 'r',
        'ś' | 'š' | '$' | '5' | 'ѕ' => 's',
        'ť' | '7' | 'т' | 'τ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'υ' => 'u',
        'ν' => 'v',
        'х' | 'χ' => 'x',
        'ý' | 'ÿ' | 'у' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => return None,
    };
    Some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern("julie"), "%julie%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(contains_pattern(""), "%%");
    }

    #[test]
    fn nul_escape_and_c1_controls_are_refused_but_line_breaks_are_not() {
        for bad in ["a\0b", "\u{1b}[31m", "x\u{7f}", "\u{85}", "\u{9b}"] {
            let err = reject_controls(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidCharacters, "{bad:?}");
            assert_eq!(err.code.http_status(), 400);
        }
        reject_controls("Bonjour,\r\n\tà demain").unwrap();
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_spotted() {
        for c in ['\u{200B}', '\u{202E}', '\u{2066}', '\u{FEFF}', '\u{E0041}'] {
            assert!(is_invisible_or_bidi(c), "{c:?}");
        }
        for c in ['é', 'ß', ' ', '-', '\'', '李'] {
            assert!(!is_invisible_or_bidi(c), "{c:?}");
        }
    }

    #[test]
    fn staff_look_alikes_are_caught_and_ordinary_names_are_not() {
        for staff in [
            "Conseiller Paddock",
            "conseillère Julie",
            "C0nseiller",
            "P a d d o c k",
            "ADMIN",
            "Adm1n",
            "Pаddock", // Cyrillic а
            "Équipe commerciale",
            "Service Client",
            "Le Support",
        ] {
            assert!(imitates_staff(staff), "{staff:?}");
        }
        for customer in [
            "Julie Petit",
            "Léa Fournier",
            "Thomas Durand",
            "Paddy O'Connor",
        ] {
            assert!(!imitates_staff(customer), "{customer:?}");
        }
    }
}
