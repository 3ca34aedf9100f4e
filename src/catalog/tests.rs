//! The catalogue's plain rules: filters, prices, validation of a model, opening hours.

use super::*;
use crate::error::{AppError, ErrorCode};

fn model(slug: &str, usage: Usage, hidden: bool) -> Model {
    Model {
        id: Uuid::nil(),
        slug: slug.into(),
        name: slug.into(),
        usage,
        engine_cc: 689,
        power_kw: 54,
        weight_kg: 184,
        licence: Licence::A,
        price_cents: 799_000,
        summary: "Une moto d’exemple pour les tests.".into(),
        image: "/images/motos/strada-700.svg".into(),
        hidden,
        updated_at: "2026-11-20T10:00:00+00:00".into(),
    }
}

fn form() -> ModelForm {
    ModelForm {
        slug: "".into(),
        name: "  Strada   700 ".into(),
        usage: "road".into(),
        engine_cc: "689".into(),
        power_kw: "54".into(),
        weight_kg: "184".into(),
        licence: "A".into(),
        price: "7 990".into(),
        summary: "Légère et joueuse sur les départementales.".into(),
        image: "/images/motos/strada-700.svg".into(),
    }
}

fn refusal(form: ModelForm) -> AppError {
    ModelDraft::parse(&form).expect_err("refused")
}

#[test]
fn the_range_filters_on_the_use_of_the_query_and_never_shows_hidden_models() {
    let range = [
        model("strada", Usage::Road, false),
        model("sentiero", Usage::OffRoad, false),
        model("pista", Usage::Sport, false),
        model("cachee", Usage::Road, true),
    ];
    let slugs = |filter: RangeFilter| -> Vec<String> {
        filter.apply(&range).into_iter().map(|m| m.slug).collect()
    };
    assert_eq!(
        slugs(RangeFilter::from_query(None)),
        ["strada", "sentiero", "pista"]
    );
    assert_eq!(slugs(RangeFilter::from_query(Some("route"))), ["strada"]);
    assert_eq!(
        slugs(RangeFilter::from_query(Some("tout-terrain"))),
        ["sentiero"]
    );
    assert_eq!(slugs(RangeFilter::from_query(Some("sport"))), ["pista"]);
    // An unknown use shows the whole range, under the range's own address.
    let unknown = RangeFilter::from_query(Some("rallye"));
    assert_eq!(unknown, RangeFilter::default());
    assert_eq!(unknown.path(), "/motos");
    assert_eq!(
        RangeFilter::from_query(Some("tout-terrain")).path(),
        "/motos?usage=tout-terrain"
    );
}

#[test]
fn every_use_round_trips_through_its_stored_and_query_values() {
    for usage in Usage::ALL {
        assert_eq!(Usage::parse(usage.as_str()), Some(usage));
        assert_eq!(Usage::from_query(usage.query()), Some(usage));
    }
    assert_eq!(
        Usage::parse("route"),
        None,
        "the query is not the stored value"
    );
}

#[test]
fn prices_read_the_french_way_and_for_schema_org() {
    assert_eq!(format_price(799_000), "7\u{202f}990\u{a0}€");
    assert_eq!(format_price(2_499_000), "24\u{202f}990\u{a0}€");
    assert_eq!(format_price(10_000_000), "100\u{202f}000\u{a0}€");
    assert_eq!(format_price(899_050), "8\u{202f}990,50\u{a0}€");
    assert_eq!(format_price(99_900), "999\u{a0}€");
    assert_eq!(schema_price(799_000), "7990.00");
    assert_eq!(schema_price(899_005), "8990.05");
}

#[test]
fn typed_prices_accept_spaces_commas_and_the_euro_sign() {
    for (typed, cents) in [
        ("7990", 799_000),
        ("7 990", 799_000),
        ("7\u{202f}990\u{a0}€", 799_000),
        ("7990,5", 799_050),
        ("7990.50", 799_050),
        (" 1000 ", 100_000),
        ("100000", 10_000_000),
    ] {
        assert_eq!(parse_price(typed).unwrap(), cents, "{typed:?}");
    }
    for typed in ["", "abc", "7990,505", "-7990", "7,990,00", "1e4", ",50"] {
        assert_eq!(
            parse_price(typed).unwrap_err().code,
            ErrorCode::InvalidInput,
            "{typed:?}"
        );
    }
    for typed in ["999,99", "100000,01", "999999999"] {
        assert_eq!(
            parse_price(typed).unwrap_err().code,
            ErrorCode::OutOfRange,
            "{typed:?}"
        );
    }
}

#[test]
fn power_converts_to_metric_horsepower() {
    assert_eq!(kw_to_hp(35), 48);
    assert_eq!(kw_to_hp(54), 73);
    assert_eq!(kw_to_hp(160), 218);
}

#[test]
fn a_valid_form_becomes_a_tidy_draft_with_a_slug_from_its_name() {
    let draft = ModelDraft::parse(&form()).unwrap();
    assert_eq!(draft.name, "Strada 700");
    assert_eq!(draft.slug, "strada-700");
    assert_eq!(draft.usage, Usage::Road);
    assert_eq!(
        (draft.engine_cc, draft.power_kw, draft.weight_kg),
        (689, 54, 184)
    );
    assert_eq!(draft.licence, Licence::A);
    assert_eq!(draft.price_cents, 799_000);
    let typed = ModelDraft::parse(&ModelForm {
        slug: " strada-700-edition ".into(),
        ..form()
    })
    .unwrap();
    assert_eq!(typed.slug, "strada-700-edition");
}

#[test]
fn each_bad_field_is_refused_with_a_french_message_and_a_stable_code() {
    let cases: [(ModelForm, ErrorCode, &str); 14] = [
        (
            ModelForm {
                name: "X".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "Le nom compte de 2 à 60",
        ),
        (
            ModelForm {
                name: "x".repeat(61),
                ..form()
            },
            ErrorCode::InvalidInput,
            "Le nom",
        ),
        (
            ModelForm {
                slug: "Strada 700".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "L’adresse de la page",
        ),
        (
            ModelForm {
                slug: "strada--700".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "L’adresse de la page",
        ),
        (
            ModelForm {
                usage: "circuit".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "Choisissez l’usage",
        ),
        (
            ModelForm {
                engine_cc: "beaucoup".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "La cylindrée s’écrit en nombre entier",
        ),
        (
            ModelForm {
                engine_cc: "3000".into(),
                ..form()
            },
            ErrorCode::OutOfRange,
            "La cylindrée va de 50 à 2500 cm³",
        ),
        (
            ModelForm {
                power_kw: "0".into(),
                ..form()
            },
            ErrorCode::OutOfRange,
            "La puissance va de 1 à 250 kW",
        ),
        (
            ModelForm {
                weight_kg: "99999999".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "Le poids",
        ),
        (
            ModelForm {
                licence: "B".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "Choisissez le permis",
        ),
        (
            ModelForm {
                licence: "A2".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "ne dépasse pas 35 kW",
        ),
        (
            ModelForm {
                summary: "Trop court.".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "La description courte compte de 20 à 300",
        ),
        (
            ModelForm {
                image: "https://ailleurs.example/moto.svg".into(),
                ..form()
            },
            ErrorCode::InvalidInput,
            "L’image est un fichier du site",
        ),
        (
            ModelForm {
                name: "Strada\u{202e}007".into(),
                ..form()
            },
            ErrorCode::InvalidCharacters,
            "caractère non autorisé",
        ),
    ];
    for (form, code, message) in cases {
        let err = refusal(form.clone());
        assert_eq!(err.code, code, "{form:?}: {err:?}");
        assert!(err.message.contains(message), "{form:?}: {err:?}");
        assert!(err.code.http_status() < 500);
    }
    // At 35 kW the A2 licence is fine.
    ModelDraft::parse(&ModelForm {
        licence: "A2".into(),
        power_kw: "35".into(),
        ..form()
    })
    .unwrap();
}

#[test]
fn summaries_are_collapsed_onto_one_line_and_bounded_in_characters() {
    let draft = ModelDraft::parse(&ModelForm {
        summary: "Une ligne\npuis   une autre, assez longue.".into(),
        ..form()
    })
    .unwrap();
    assert_eq!(draft.summary, "Une ligne puis une autre, assez longue.");
    assert!(ModelDraft::parse(&ModelForm {
        summary: "é".repeat(300),
        ..form()
    })
    .is_ok());
    assert!(ModelDraft::parse(&ModelForm {
        summary: "é".repeat(301),
        ..form()
    })
    .is_err());
}

#[test]
fn slugs_are_made_from_names_without_accents_or_symbols() {
    assert_eq!(slugify("Sentiero 1200 Rally"), "sentiero-1200-rally");
    assert_eq!(slugify("  Café 650 — Édition ! "), "cafe-650-edition");
    assert_eq!(slugify("Pista 1000 RR"), "pista-1000-rr");
    assert_eq!(slugify("★★"), "");
    let long = slugify(&"a ".repeat(40));
    assert!(
        long.len() <= MAX_SLUG_CHARS && !long.ends_with('-'),
        "{long}"
    );
    assert!(validate_slug(&long).is_ok());
}

#[test]
fn images_are_svg_or_webp_files_of_the_site() {
    assert!(validate_image("/images/motos/pista-400.svg").is_ok());
    assert!(validate_image("/images/motos/pista-400.webp").is_ok());
    for bad in [
        "/images/motos/../../etc/passwd",
        "/images/motos/.svg",
        "/images/motos/pista 400.svg",
        "/images/motos/pista-400.png",
        "//evil.example/images/motos/a.svg",
        "/images/autres/pista-400.svg",
        "javascript:alert(1)",
    ] {
        assert!(validate_image(bad).is_err(), "{bad}");
    }
}

fn dealership(closed: &[&str], opens: &str, closes: &str) -> Dealership {
    Dealership {
        slug: "paris-bastille".into(),
        name: "Paddock Paris Bastille".into(),
        street: "18 boulevard Richard-Lenoir".into(),
        postal_code: "75011".into(),
        city: "Paris".into(),
        phone: "+33 1 99 00 12 34".into(),
        opens_at: opens.into(),
        closes_at: closes.into(),
        closed_days: closed.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn opening_hours_read_as_runs_of_days_and_closed_days() {
    assert_eq!(
        dealership(&["sun"], "09:00", "18:00").hours_text(),
        [
            "Du lundi au samedi, de 9\u{a0}h à 18\u{a0}h",
            "Fermé le dimanche"
        ]
    );
    assert_eq!(
        dealership(&["wed", "sat", "sun"], "08:30", "19:00").hours_text(),
        [
            "Le lundi et le mardi, le jeudi et le vendredi, de 8\u{a0}h\u{a0}30 à 19\u{a0}h",
            "Fermé le mercredi, le samedi et le dimanche"
        ]
    );
    assert_eq!(
        dealership(&["sat", "sun"], "09:00", "18:00").hours_text(),
        [
            "Du lundi au vendredi, de 9\u{a0}h à 18\u{a0}h",
            "Fermé le samedi et le dimanche"
        ]
    );
    assert_eq!(dealership(&[], "09:00", "18:00").hours_text().len(), 1);
    let open: Vec<&str> = dealership(&["sun"], "09:00", "18:00")
        .open_days()
        .into_iter()
        .map(|(_, _, schema)| schema)
        .collect();
    assert_eq!(
        open,
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday"
        ]
    );
}

#[test]
fn phone_links_keep_only_digits_and_the_plus() {
    assert_eq!(
        dealership(&[], "09:00", "18:00").phone_href(),
        "tel:+33199001234"
    );
}
