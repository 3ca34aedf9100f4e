//! Every branch of the workflow, with the edges the brief implies.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn contact() -> Contact {
    Contact {
        email: "contact@paddock.test".into(),
        phone: "+33 1 23 45 67 89".into(),
    }
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// Runs the answers from the start and returns the last step.
fn run(answers: &[&str]) -> Step {
    let mut step = start();
    for answer in answers {
        assert!(
            step.effect.is_none(),
            "an effect is pending before {answer:?}"
        );
        step = handle(&step.state, answer, today(), &contact());
    }
    step
}

fn said(step: &Step) -> String {
    step.say.join(" ")
}

fn some_slots() -> Availability {
    Availability {
        this_week: vec![at("2026-11-25 10:00"), at("2026-11-26 14:00")],
        next_week: vec![at("2026-12-01 09:00")],
    }
}

#[test]
fn the_conversation_opens_on_the_kind_of_help() {
    let step = start();
    assert_eq!(step.state, BotState::AskHelpKind);
    assert!(said(&step).contains("Quel type d’aide"));
    let values: Vec<_> = quick_replies(&step.state)
        .into_iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(values, ["entretien", "informations", "contact", "stop"]);
}

#[test]
fn maintenance_with_a_service_over_a_year_ago_offers_maintenance_slots() {
    let step = run(&["entretien", "2018", "10/11/2025"]);
    assert_eq!(step.effect, Some(Effect::FindSlots(Calendar::Maintenance)));
    assert!(said(&step).contains("plus d’un an"));
}

#[test]
fn a_service_exactly_one_year_ago_is_not_overdue_and_asks_the_kilometres() {
    assert!(!service_overdue(
        NaiveDate::from_ymd_opt(2025, 11, 24).unwrap(),
        today()
    ));
    assert!(service_overdue(
        NaiveDate::from_ymd_opt(2025, 11, 23).unwrap(),
        today()
    ));
    let step = run(&["entretien", "2018", "24/11/2025"]);
    assert_eq!(step.state, BotState::AskKilometres);
    assert_eq!(step.effect, None);
}

#[test]
fn leap_day_services_are_measured_against_the_same_day_a_year_before() {
    let leap_today = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
    assert!(!service_overdue(
        NaiveDate::from_ymd_opt(2027, 2, 28).unwrap(),
        leap_today
    ));
    assert!(service_overdue(
        NaiveDate::from_ymd_opt(2027, 2, 27).unwrap(),
        leap_today
    ));
}

#[test]
fn kilometres_decide_between_an_appointment_and_a_question() {
    let cases = [
        ("10000", true),
        ("10 000", true),
        ("25000 km", true),
        ("9999", false),
        ("0", false),
    ];
    for (km, due) in cases {
        let step = run(&["entretien", "2020", "01/06/2026", km]);
        if due {
            assert_eq!(
                step.effect,
                Some(Effect::FindSlots(Calendar::Maintenance)),
                "{km}"
            );
        } else {
            assert_eq!(step.state, BotState::AskServiceAnyway, "{km}");
            assert_eq!(step.effect, None, "{km}");
        }
    }
}

#[test]
fn under_ten_thousand_km_the_customer_chooses_whether_to_service() {
    let yes = run(&["entretien", "2020", "01/06/2026", "5000", "oui"]);
    assert_eq!(yes.effect, Some(Effect::FindSlots(Calendar::Maintenance)));

    let no = run(&["entretien", "2020", "01/06/2026", "5000", "non"]);
    assert_eq!(no.state, BotState::AskHelpKind, "ends and restarts");
    assert!(said(&no).contains("pas de révision"));
    assert!(said(&no).contains("Quel type d’aide"));

    let unclear = run(&["entretien", "2020", "01/06/2026", "5000", "peut-être"]);
    assert_eq!(unclear.state, BotState::AskServiceAnyway);
    assert!(said(&unclear).contains("oui ou par non"));
}

#[test]
fn each_use_has_its_own_test_calendar() {
    for (usage, calendar) in [
        ("route", Calendar::RoadTest),
        ("Tout-terrain", Calendar::OffRoadTest),
        ("sport", Calendar::Track),
        ("la piste", Calendar::Track),
    ] {
        let step = run(&["informations", usage]);
        assert_eq!(step.effect, Some(Effect::FindSlots(calendar)), "{usage}");
    }
    let unclear = run(&["informations", "aquatique"]);
    assert_eq!(unclear.state, BotState::AskUsage);
}

#[test]
fn contact_details_come_from_configuration_and_end_the_workflow() {
    let email = run(&["contact", "email"]);
    assert_eq!(email.state, BotState::Ended);
    assert!(said(&email).contains("contact@paddock.test"));
    let phone = run(&["contact", "téléphone"]);
    assert_eq!(phone.state, BotState::Ended);
    assert!(said(&phone).contains("+33 1 23 45 67 89"));
}

#[test]
fn stop_ends_the_workflow_at_every_step() {
    let paths: [&[&str]; 7] = [
        &[],
        &["entretien"],
        &["entretien", "2018"],
        &["entretien", "2020", "01/06/2026"],
        &["entretien", "2020", "01/06/2026", "5000"],
        &["informations"],
        &["contact"],
    ];
    for path in paths {
        let before = run(path);
        let stopped = handle(&before.state, "Arrêter", today(), &contact());
        assert_eq!(stopped.state, BotState::Ended, "after {path:?}");
        assert_eq!(stopped.effect, None);
    }
    let choosing = offer(Calendar::Track, &some_slots(), vec![]);
    assert_eq!(
        handle(&choosing.state, "Arrêter", today(), &contact()).state,
        BotState::Ended
    );
}

#[test]
fn after_the_end_any_message_starts_again() {
    let ended = run(&["stop"]);
    assert_eq!(ended.state, BotState::Ended);
    assert_eq!(quick_replies(&ended.state)[0].value, "recommencer");
    let again = handle(&ended.state, "recommencer", today(), &contact());
    assert_eq!(again, start());
}

#[test]
fn invalid_years_are_asked_again_with_an_explanation() {
    for bad in ["19", "20190", "1899", "2027", "deux mille", "20 19"] {
        let step = run(&["entretien", bad]);
        assert_eq!(step.state, BotState::AskYear, "{bad}");
        assert!(
            said(&step).contains("quatre chiffres, entre 1900 et 2026"),
            "{bad}"
        );
    }
    assert_eq!(
        run(&["entretien", "1900"]).state,
        BotState::AskLastService { year: 1900 }
    );
    assert_eq!(
        run(&["entretien", "2026"]).state,
        BotState::AskLastService { year: 2026 }
    );
}

#[test]
fn invalid_service_dates_are_asked_again_with_an_explanation() {
    let cases = [
        ("2025-03-15", "jj/mm/aaaa"),
        ("31/02/2025", "jj/mm/aaaa"),
        ("1/3/2025", "jj/mm/aaaa"),
        ("25/11/2026", "futur"),
        ("15/06/2017", "antérieure à l’année de votre moto (2018)"),
    ];
    for (bad, explanation) in cases {
        let step = run(&["entretien", "2018", bad]);
        assert_eq!(step.state, BotState::AskLastService { year: 2018 }, "{bad}");
        assert!(said(&step).contains(explanation), "{bad}: {}", said(&step));
    }
    // Today itself is a valid date (and recent).
    assert_eq!(
        run(&["entretien", "2018", "24/11/2026"]).state,
        BotState::AskKilometres
    );
}

#[test]
fn invalid_kilometres_are_asked_again_with_an_explanation() {
    for bad in ["-5", "dix mille", "1000001", "12,5", ""] {
        let step = run(&["entretien", "2020", "01/06/2026", bad]);
        assert_eq!(step.state, BotState::AskKilometres, "{bad:?}");
        assert!(said(&step).contains("entre 0 et 1000000"), "{bad:?}");
    }
    let max = run(&["entretien", "2020", "01/06/2026", "1000000"]);
    assert_eq!(max.effect, Some(Effect::FindSlots(Calendar::Maintenance)));
}

#[test]
fn slots_of_this_week_are_offered_first() {
    let step = offer(Calendar::Maintenance, &some_slots(), vec![]);
    let BotState::ChooseSlot {
        calendar,
        week,
        slots,
    } = &step.state
    else {
        panic!("{step:?}")
    };
    assert_eq!((*calendar, *week), (Calendar::Maintenance, Week::Current));
    assert_eq!(slots, &some_slots().this_week);
    assert!(said(&step).contains("cette semaine"));
    let replies = quick_replies(&step.state);
    assert_eq!(replies[0].label, "mercredi 25/11 à 10h00");
    assert_eq!(replies[0].value, "2026-11-25T10:00");
    assert_eq!(replies.last().unwrap().value, "stop");
}

#[test]
fn with_no_slot_left_this_week_next_weeks_are_offered() {
    let availability = Availability {
        this_week: vec![],
        next_week: vec![at("2026-12-01 09:00")],
    };
    let step = offer(Calendar::Track, &availability, vec![]);
    assert!(matches!(
        step.state,
        BotState::ChooseSlot {
            week: Week::Next,
            ..
        }
    ));
    assert!(said(&step).contains("semaine prochaine"));
}

#[test]
fn with_no_slot_next_week_either_the_customer_is_told_and_the_workflow_restarts() {
    let step = offer(Calendar::RoadTest, &Availability::default(), vec![]);
    assert_eq!(step.state, BotState::AskHelpKind);
    assert!(said(&step).contains("aucun créneau"));
    assert!(said(&step).contains("essai routier"));
}

#[test]
fn choosing_a_slot_asks_the_server_to_book_it_then_restarts() {
    let choosing = offer(Calendar::Maintenance, &some_slots(), vec![]);
    for answer in ["2026-11-26T14:00", "2", "jeudi 26/11 à 14h00"] {
        let step = handle(&choosing.state, answer, today(), &contact());
        assert_eq!(
            step.effect,
            Some(Effect::Book {
                calendar: Calendar::Maintenance,
                starts_at: at("2026-11-26 14:00")
            }),
            "{answer}"
        );
    }
    let done = booked(Calendar::Maintenance, at("2026-11-26 14:00"));
    assert_eq!(done.state, BotState::AskHelpKind);
    assert!(said(&done).contains("jeudi 26/11 à 14h00"));
}

#[test]
fn a_slot_that_was_not_offered_cannot_be_booked() {
    let choosing = offer(Calendar::Maintenance, &some_slots(), vec![]);
    for answer in ["2026-12-01T09:00", "0", "3", "demain"] {
        let step = handle(&choosing.state, answer, today(), &contact());
        assert_eq!(step.effect, None, "{answer}");
        assert_eq!(step.state, choosing.state);
    }
}

#[test]
fn a_slot_taken_meanwhile_is_explained_and_the_rest_offered() {
    let remaining = Availability {
        this_week: vec![at("2026-11-26 14:00")],
        next_week: vec![],
    };
    let step = slot_taken(Calendar::Maintenance, &remaining);
    assert!(said(&step).contains("vient d’être réservé"));
    assert!(
        matches!(&step.state, BotState::ChooseSlot { slots, .. } if slots == &remaining.this_week)
    );
}

#[test]
fn states_survive_a_round_trip_through_json() {
    let states = [
        BotState::AskHelpKind,
        BotState::AskLastService { year: 2018 },
        offer(Calendar::Track, &some_slots(), vec![]).state,
        BotState::Ended,
    ];
    for state in states {
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<BotState>(&json).unwrap(), state);
    }
}

#[test]
fn a_test_ride_from_the_catalogue_looks_up_its_calendar_and_offers_its_slots() {
    let step = test_ride("Pista 660", Calendar::Track);
    assert_eq!(step.effect, Some(Effect::FindSlots(Calendar::Track)));
    assert!(
        said(&step).contains("essayer la Pista 660"),
        "{}",
        said(&step)
    );
    assert!(said(&step).contains("session sur piste"), "{}", said(&step));
    let offered = offer(Calendar::Track, &some_slots(), step.say);
    assert!(matches!(
        offered.state,
        BotState::ChooseSlot {
            calendar: Calendar::Track,
            week: Week::Current,
            ..
        }
    ));
    assert!(said(&offered).contains("essayer la Pista 660"));
}
