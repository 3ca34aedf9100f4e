//! Every validation of user input, on arbitrary text: none panics, and what each accepts
//! satisfies its rule (bounds, tidiness, no control characters, idempotence: validating
//! what was accepted gives it back unchanged).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paddock::{
    assistant::{schedule::AgendaWeek, validate_answer, MAX_ANSWER_CHARS},
    auth::{
        normalize_display_name, normalize_email, safe_next_path, validate_password, NewAccount,
        MAX_DISPLAY_NAME_CHARS, MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MIN_DISPLAY_NAME_CHARS,
        MIN_PASSWORD_CHARS,
    },
    catalog::{
        format_price, parse_price, schema_price, validate_slug, Licence, ModelDraft, ModelForm,
        A2_MAX_KW, ENGINE_CC, IMAGE_DIR, MAX_NAME_CHARS, MAX_PRICE_EUROS, MAX_SUMMARY_CHARS,
        MIN_NAME_CHARS, MIN_PRICE_EUROS, MIN_SUMMARY_CHARS, POWER_KW, WEIGHT_KG,
    },
    chat::{
        normalize_room_name, normalize_search_query, validate_capacity, validate_message,
        MAX_MESSAGE_CHARS, MAX_ROOM_CAPACITY, MAX_ROOM_NAME_CHARS, MAX_SEARCH_CHARS,
        MIN_ROOM_CAPACITY, MIN_ROOM_NAME_CHARS, MIN_SEARCH_CHARS,
    },
    error::{AppError, ErrorCode},
    notifications::{validate_link, Draft, MAX_BODY_CHARS, MAX_LINK_CHARS, MAX_TITLE_CHARS},
    support::{normalize_reason, normalize_topic, MAX_REASON_CHARS, MAX_TOPIC_CHARS},
};
use paddock_fuzz::{chars, is_forbidden_control, is_invisible_formatting, is_tidy};

#[derive(Debug, Arbitrary)]
enum Input {
    Email(String),
    DisplayName(String),
    Password(String),
    Account(String, String, String),
    RoomName(String),
    Capacity(i32),
    Message(String),
    Topic(String),
    Reason(String),
    Search(String),
    Next(Option<String>),
    AgendaWeek(String),
    /// A real date, of any year chrono knows, as the page would write it.
    AgendaDay(i32, u32),
    /// A date near the first (`false`) or last (`true`) day chrono knows.
    AgendaEdge(bool, u16),
    Answer(String),
    Notification(String, String, String),
    Link(String),
    /// A catalogue model form: slug, name, usage, engine, power, weight, licence, price,
    /// summary, image.
    Model(
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ),
    Price(String),
}

/// Refusals carry a stable code and a French sentence. Any field may be refused for a
/// control character (`invalid_characters`, the rule every field shares).
fn refused(error: AppError, codes: &[ErrorCode]) {
    assert!(
        codes.contains(&error.code) || error.code == ErrorCode::InvalidCharacters,
        "{error:?}"
    );
    assert!(
        !error.message.is_empty() && error.code.http_status() < 500,
        "{error:?}"
    );
}

fn no_control(text: &str) {
    assert!(!text.contains(char::is_control), "{text:?}");
}

/// A rule of the stricter validations (feature `pending-rules`, on by default).
fn pending(rule: bool, what: &str, text: &str) {
    if cfg!(feature = "pending-rules") {
        assert!(rule, "{what}: {text:?}");
    }
}

fuzz_target!(|input: Input| match input {
    Input::Email(raw) => email(&raw),
    Input::DisplayName(raw) => display_name(&raw),
    Input::Password(raw) => password(&raw),
    Input::Account(email_raw, name_raw, password_raw) => {
        match NewAccount::parse(&email_raw, &name_raw, &password_raw) {
            Ok(account) => {
                assert_eq!(normalize_email(&email_raw).ok(), Some(account.email));
                assert_eq!(
                    normalize_display_name(&name_raw).ok(),
                    Some(account.display_name)
                );
                assert_eq!(
                    account.password, password_raw,
                    "a password is kept as typed"
                );
            }
            // The first invalid field, in order.
            Err(error) => {
                let expected = normalize_email(&email_raw)
                    .and(normalize_display_name(&name_raw))
                    .and(validate_password(&password_raw))
                    .unwrap_err();
                assert_eq!(error, expected);
            }
        }
    }
    Input::RoomName(raw) => match normalize_room_name(&raw) {
        Ok(name) => {
            assert!((MIN_ROOM_NAME_CHARS..=MAX_ROOM_NAME_CHARS).contains(&chars(&name)));
            assert!(is_tidy(&name), "{name:?}");
            no_control(&name);
            assert_eq!(normalize_room_name(&name).as_ref(), Ok(&name), "idempotent");
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput]),
    },
    Input::Capacity(capacity) => match validate_capacity(capacity) {
        Ok(kept) => {
            assert_eq!(kept, capacity);
            assert!((MIN_ROOM_CAPACITY..=MAX_ROOM_CAPACITY).contains(&kept));
        }
        Err(error) => {
            assert!(!(MIN_ROOM_CAPACITY..=MAX_ROOM_CAPACITY).contains(&capacity));
            refused(error, &[ErrorCode::InvalidInput]);
        }
    },
    Input::Message(raw) => match validate_message(&raw) {
        Ok(body) => {
            assert_eq!(body, raw.trim());
            assert!(!body.is_empty() && chars(body) <= MAX_MESSAGE_CHARS);
            assert_eq!(validate_message(body).ok(), Some(body), "idempotent");
            // NUL cannot be stored in PostgreSQL text: today it ends in a 500.
            pending(
                !body.contains(is_forbidden_control),
                "control character in a message",
                body,
            );
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput, ErrorCode::MessageTooLong]),
    },
    Input::Topic(raw) => optional_text(
        &raw,
        normalize_topic(&raw),
        MAX_TOPIC_CHARS,
        normalize_topic
    ),
    Input::Reason(raw) => {
        optional_text(
            &raw,
            normalize_reason(&raw),
            MAX_REASON_CHARS,
            normalize_reason,
        )
    }
    Input::Search(raw) => match normalize_search_query(&raw) {
        Ok(query) => {
            assert_eq!(query, query.trim());
            assert!((MIN_SEARCH_CHARS..=MAX_SEARCH_CHARS).contains(&chars(query)));
            assert_eq!(
                normalize_search_query(query).ok(),
                Some(query),
                "idempotent"
            );
            // Today a NUL in `customers/search` ends in a 500.
            pending(
                !query.contains(char::is_control),
                "control character in a search",
                query,
            );
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput]),
    },
    Input::Next(raw) => {
        if let Some(path) = safe_next_path(raw.as_deref()) {
            assert!(path.starts_with('/'), "{path:?}");
            assert!(
                !path.starts_with("//") && !path.starts_with("/\\"),
                "{path:?}"
            );
            assert!(!path.starts_with("/api/"), "{path:?}");
            assert_eq!(path, path.trim());
            // It becomes the login answer's `Location` header (which `expect`s it valid).
            assert!(http::HeaderValue::from_str(path).is_ok(), "{path:?}");
            assert_eq!(safe_next_path(Some(path)), Some(path), "idempotent");
        }
    }
    Input::AgendaDay(year, ordinal) => {
        if let Some(day) = chrono::NaiveDate::from_yo_opt(year, ordinal % 367) {
            agenda_week(&day.format("%Y-%m-%d").to_string());
        }
    }
    Input::AgendaEdge(last, days) => {
        let days = chrono::Duration::days(i64::from(days));
        let day = if last {
            chrono::NaiveDate::MAX - days
        } else {
            chrono::NaiveDate::MIN + days
        };
        agenda_week(&day.format("%Y-%m-%d").to_string());
    }
    Input::AgendaWeek(raw) => agenda_week(&raw),
    Input::Answer(raw) => match validate_answer(&raw) {
        Ok(answer) => {
            assert_eq!(answer, raw.trim());
            assert!(!answer.is_empty() && chars(answer) <= MAX_ANSWER_CHARS);
            assert_eq!(validate_answer(answer).ok(), Some(answer), "idempotent");
            // Today a NUL in `bot/answer` ends in a 500.
            pending(
                !answer.contains(char::is_control),
                "control character in an answer",
                answer,
            );
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput]),
    },
    Input::Notification(title, body, link) => match Draft::parse(&title, &body, &link) {
        Ok(draft) => {
            assert!(
                is_tidy(&draft.title) && !draft.title.is_empty(),
                "{draft:?}"
            );
            assert!(chars(&draft.title) <= MAX_TITLE_CHARS);
            no_control(&draft.title);
            assert_eq!(draft.body, draft.body.trim());
            assert!(!draft.body.is_empty() && chars(&draft.body) <= MAX_BODY_CHARS);
            assert!(!draft.body.contains(is_forbidden_control), "{draft:?}");
            if let Some(link) = &draft.link {
                assert_eq!(validate_link(link).ok(), Some(link.as_str()));
            }
            let link = draft.link.clone().unwrap_or_default();
            assert_eq!(
                Draft::parse(&draft.title, &draft.body, &link).as_ref(),
                Ok(&draft),
                "idempotent"
            );
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput]),
    },
    Input::Link(raw) => match validate_link(&raw) {
        Ok(link) => {
            assert!(chars(link) <= MAX_LINK_CHARS);
            assert!(!link.contains(|c: char| c.is_whitespace() || c.is_control() || c == '\\'));
            let internal = link.starts_with('/') && !link.starts_with("//");
            let host = link
                .strip_prefix("https://")
                .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
            assert!(
                internal || host.is_some_and(|h| !h.is_empty() && !h.contains('@')),
                "{link:?}"
            );
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput]),
    },
    Input::Model(
        slug,
        name,
        usage,
        engine_cc,
        power_kw,
        weight_kg,
        licence,
        price_raw,
        summary,
        image,
    ) => {
        model(ModelForm {
            slug,
            name,
            usage,
            engine_cc,
            power_kw,
            weight_kg,
            licence,
            price: price_raw,
            summary,
            image,
        })
    }
    Input::Price(raw) => price(&raw),
});

/// A model form is accepted only whole and tidy, within every bound, and the form an
/// advisor would see again (its price as the page writes it) gives the same model.
fn model(form: ModelForm) {
    match ModelDraft::parse(&form) {
        Ok(draft) => {
            assert!((MIN_NAME_CHARS..=MAX_NAME_CHARS).contains(&chars(&draft.name)));
            assert!((MIN_SUMMARY_CHARS..=MAX_SUMMARY_CHARS).contains(&chars(&draft.summary)));
            for text in [&draft.name, &draft.summary] {
                assert!(is_tidy(text), "{text:?}");
                no_control(text);
                assert!(!text.contains(is_invisible_formatting), "{text:?}");
            }
            assert_eq!(validate_slug(&draft.slug).as_ref(), Ok(&draft.slug));
            assert!(draft.image.starts_with(IMAGE_DIR) && !draft.image.contains(".."));
            let within = |(min, max): (i32, i32), value: i32| (min..=max).contains(&value);
            assert!(within(ENGINE_CC, draft.engine_cc));
            assert!(within(POWER_KW, draft.power_kw));
            assert!(within(WEIGHT_KG, draft.weight_kg));
            assert!(draft.licence == Licence::A || draft.power_kw <= A2_MAX_KW);
            assert!((MIN_PRICE_EUROS * 100..=MAX_PRICE_EUROS * 100).contains(&draft.price_cents));
            let again = ModelForm {
                slug: draft.slug.clone(),
                name: draft.name.clone(),
                usage: draft.usage.as_str().into(),
                engine_cc: draft.engine_cc.to_string(),
                power_kw: draft.power_kw.to_string(),
                weight_kg: draft.weight_kg.to_string(),
                licence: draft.licence.as_str().into(),
                price: format_price(draft.price_cents),
                summary: draft.summary.clone(),
                image: draft.image.clone(),
            };
            assert_eq!(ModelDraft::parse(&again).as_ref(), Ok(&draft), "idempotent");
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput, ErrorCode::OutOfRange]),
    }
}

/// A typed price: in range, and read back the same from both ways it is written.
fn price(raw: &str) {
    match parse_price(raw) {
        Ok(cents) => {
            assert!((MIN_PRICE_EUROS * 100..=MAX_PRICE_EUROS * 100).contains(&cents));
            assert_eq!(parse_price(&format_price(cents)).ok(), Some(cents));
            assert_eq!(parse_price(&schema_price(cents)).ok(), Some(cents));
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput, ErrorCode::OutOfRange]),
    }
}

fn agenda_week(raw: &str) {
    match AgendaWeek::parse(raw) {
        Ok(week) => {
            use chrono::{Datelike, Duration, Weekday};
            assert_eq!(week.monday.weekday(), Weekday::Mon);
            assert_eq!(week.previous + Duration::days(7), week.monday);
            assert_eq!(week.monday + Duration::days(7), week.next);
            let day = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").unwrap();
            assert!(week.monday <= day && day < week.next, "{raw:?}");
            // The week's Monday, as the page writes it, reads back as the same week.
            let link = week.monday.format("%Y-%m-%d").to_string();
            assert_eq!(AgendaWeek::parse(&link).ok(), Some(week), "{link}");
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput, ErrorCode::OutOfRange]),
    }
}

fn email(raw: &str) {
    match normalize_email(raw) {
        Ok(email) => {
            assert!(!email.contains(char::is_whitespace), "{email:?}");
            no_control(&email);
            assert_eq!(email, email.to_lowercase(), "lower case");
            assert!(chars(&email) <= MAX_EMAIL_CHARS);
            assert_eq!(email.matches('@').count(), 1, "{email:?}");
            let (local, domain) = email.split_once('@').unwrap();
            assert!(!local.is_empty() && domain.contains('.'), "{email:?}");
            assert_eq!(normalize_email(&email).as_ref(), Ok(&email), "idempotent");
            // Login looks accounts up by `trim().to_lowercase()`: the same key.
            assert_eq!(raw.trim().to_lowercase(), email);
        }
        Err(error) => refused(error, &[ErrorCode::InvalidEmail]),
    }
}

fn display_name(raw: &str) {
    match normalize_display_name(raw) {
        Ok(name) => {
            assert!((MIN_DISPLAY_NAME_CHARS..=MAX_DISPLAY_NAME_CHARS).contains(&chars(&name)));
            assert!(is_tidy(&name), "{name:?}");
            no_control(&name);
            assert_eq!(
                normalize_display_name(&name).as_ref(),
                Ok(&name),
                "idempotent"
            );
            pending(
                !name.contains(is_invisible_formatting),
                "bidi or zero-width character in a display name",
                &name,
            );
        }
        Err(error) => refused(error, &[ErrorCode::InvalidDisplayName]),
    }
}

fn password(raw: &str) {
    let count = chars(raw);
    match validate_password(raw) {
        Ok(()) => assert!((MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&count)),
        Err(error) => {
            let expected = if count < MIN_PASSWORD_CHARS {
                ErrorCode::PasswordTooShort
            } else {
                ErrorCode::PasswordTooLong
            };
            assert!(!(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&count));
            refused(error, &[expected]);
        }
    }
}

/// A topic or a reason: absent when blank, else tidy, bounded, without control characters.
fn optional_text(
    raw: &str,
    result: Result<Option<String>, AppError>,
    max: usize,
    again: fn(&str) -> Result<Option<String>, AppError>,
) {
    match result {
        Ok(None) => assert!(raw.trim().is_empty(), "{raw:?} dropped"),
        Ok(Some(text)) => {
            assert!(!text.is_empty() && chars(&text) <= max);
            assert!(is_tidy(&text), "{text:?}");
            no_control(&text);
            assert_eq!(again(&text).ok(), Some(Some(text.clone())), "idempotent");
        }
        Err(error) => refused(error, &[ErrorCode::InvalidInput]),
    }
}
