//! The assistant's workflow over arbitrary conversations, driven as the server drives it
//! (`assistant::server::answer`): from the start state, answers typed or tapped (quick
//! replies), each effect carried out at once with arbitrary free slots or a slot taken
//! meanwhile. Checks that nothing panics and, after every step, that the state is one
//! the workflow can be in, survives its JSON storage, that every line said is bounded
//! and storable, that every quick reply is accepted and understood, and that « stop »
//! is always on offer and always ends the conversation.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use libfuzzer_sys::fuzz_target;
use paddock::assistant::{
    machine::{self, BotState, Contact, Effect, Step, MIN_YEAR},
    schedule::{Availability, Schedule},
    validate_answer, Calendar, MAX_ANSWER_CHARS,
};
use std::collections::HashSet;

#[derive(Debug, Arbitrary)]
enum Answer {
    /// Typed by the customer.
    Typed(String),
    /// The n-th quick reply on offer.
    Quick(u8),
    /// One of the words the workflow knows, to get deeper quickly.
    Word(u8),
}

#[derive(Debug, Arbitrary)]
struct Conversation {
    /// Days after 2000-01-01 of « today » (about 180 years).
    today: u16,
    minutes: u16,
    /// The booking finds its slot taken meanwhile.
    slot_taken: bool,
    /// Each answer, with the slots of the default schedule taken meanwhile (bit by bit).
    answers: Vec<(Answer, u64)>,
}

#[rustfmt::skip]
const WORDS: &[&str] = &[
    "entretien", "informations", "contact", "stop", "oui", "non", "route", "tout-terrain",
    "sport", "email", "telephone", "recommencer", "1", "2", "3", "2019", "1900", "15/03/2025",
    "01/01/1900", "29/02/2024", "10000", "9999", "10 000 km", "1000000", "0", "Arrêter",
    "  STOP  ", "jeudi", "25/11", "é", "’",
];

fn contact() -> Contact {
    Contact {
        email: "contact@paddock.test".into(),
        phone: "+33 1 23 45 67 89".into(),
    }
}

/// Free slots as the server computes them: the default schedule, some taken.
fn free_slots(now: NaiveDateTime, taken_bits: u64) -> Availability {
    let schedule = Schedule::default();
    let all = schedule.availability(now, &HashSet::new());
    let taken: HashSet<NaiveDateTime> = all
        .this_week
        .iter()
        .chain(&all.next_week)
        .enumerate()
        .filter(|(i, _)| taken_bits >> (i % 64) & 1 == 1)
        .map(|(_, slot)| *slot)
        .collect();
    schedule.availability(now, &taken)
}

fuzz_target!(|conversation: Conversation| {
    let today = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
        + Duration::days(i64::from(conversation.today));
    let now =
        today.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(conversation.minutes % 1440));
    let contact = contact();

    let opening = machine::start();
    check_step(&opening, today);
    let mut state = opening.state;
    for (answer, taken) in conversation.answers.iter().take(64) {
        let replies = machine::quick_replies(&state);
        let input = match answer {
            Answer::Typed(text) => text.clone(),
            Answer::Quick(n) if !replies.is_empty() => {
                replies[usize::from(*n) % replies.len()].value.clone()
            }
            Answer::Quick(_) => continue,
            Answer::Word(n) => WORDS[usize::from(*n) % WORDS.len()].to_owned(),
        };
        // Any text at all goes through the machine without a panic…
        machine::handle(&state, &input, today, &contact);
        // …but the server only hands it what it accepts.
        let Ok(input) = validate_answer(&input) else {
            continue;
        };
        let before = state.clone();
        let mut step = machine::handle(&state, input, today, &contact);
        check_step(&step, today);
        check_effect(&before, &step);
        if replies.iter().any(|reply| reply.value == input) {
            assert!(
                step.state != before || step.effect.is_some() || before == BotState::Ended,
                "quick reply {input:?} not understood in {before:?}"
            );
        }
        // The server carries out the effect in the same request; what follows asks for
        // nothing more (the server's loop ends).
        if let Some(effect) = step.effect.take() {
            step = match effect {
                Effect::FindSlots(calendar) => {
                    machine::offer(calendar, &free_slots(now, *taken), vec![])
                }
                Effect::Book {
                    calendar,
                    starts_at,
                } => {
                    if conversation.slot_taken {
                        machine::slot_taken(calendar, &free_slots(now, *taken | 1))
                    } else {
                        machine::booked(calendar, starts_at)
                    }
                }
            };
            check_step(&step, today);
            assert_eq!(step.effect, None, "effects chain: {step:?}");
        }
        state = step.state;
    }
});

/// What holds after any step.
fn check_step(step: &Step, today: NaiveDate) {
    let state = &step.state;
    assert!(
        !step.say.is_empty() || step.effect.is_some(),
        "says nothing: {step:?}"
    );
    for line in &step.say {
        // Stored in `bot_lines` and shown as is.
        assert!(!line.trim().is_empty(), "{step:?}");
        assert!(line.chars().count() <= MAX_ANSWER_CHARS, "{line:?}");
        assert!(!line.contains(char::is_control), "{line:?}");
    }
    match state {
        BotState::AskLastService { year } => {
            assert!((MIN_YEAR..=today.year()).contains(year), "{state:?}")
        }
        BotState::ChooseSlot { slots, .. } => {
            assert!(!slots.is_empty(), "a choice without slots");
            assert!(slots.windows(2).all(|w| w[0] < w[1]), "{slots:?}");
        }
        _ => {}
    }
    // The state is stored as JSON between two answers.
    let json = serde_json::to_string(state).expect("a state serialises");
    let stored: BotState = serde_json::from_str(&json).expect("a stored state reads back");
    assert_eq!(&stored, state);

    let replies = machine::quick_replies(state);
    assert!(!machine::input_hint(state).is_empty());
    let mut values = HashSet::new();
    for reply in &replies {
        assert!(!reply.label.trim().is_empty(), "{reply:?}");
        // The server trims, bounds and then matches the value exactly.
        assert_eq!(
            validate_answer(&reply.value).ok(),
            Some(reply.value.as_str()),
            "{reply:?}"
        );
        assert!(
            values.insert(reply.value.clone()),
            "duplicate quick reply {reply:?}"
        );
    }
    let contact = contact();
    if *state == BotState::Ended {
        assert!(values.contains("recommencer"));
        assert_eq!(
            machine::handle(state, "n’importe quoi", today, &contact),
            machine::start()
        );
    } else {
        assert!(values.contains("stop"), "no « stop » in {state:?}");
        for stop in ["stop", " Arrêter "] {
            let stopped = machine::handle(state, stop, today, &contact);
            assert_eq!(stopped.state, BotState::Ended, "{stop:?} in {state:?}");
            assert_eq!(stopped.effect, None);
        }
    }
}

/// An effect comes from the question that calls for it, and books only a slot offered.
fn check_effect(before: &BotState, step: &Step) {
    match &step.effect {
        None => {}
        Some(Effect::FindSlots(calendar)) => {
            let expected = match before {
                BotState::AskLastService { .. }
                | BotState::AskKilometres
                | BotState::AskServiceAnyway => *calendar == Calendar::Maintenance,
                BotState::AskUsage => *calendar != Calendar::Maintenance,
                _ => false,
            };
            assert!(expected, "{calendar:?} looked up from {before:?}");
        }
        Some(Effect::Book {
            calendar,
            starts_at,
        }) => match before {
            BotState::ChooseSlot {
                calendar: offered,
                slots,
                ..
            } => {
                assert_eq!(calendar, offered);
                assert!(slots.contains(starts_at), "{starts_at} was not offered");
            }
            other => panic!("booking from {other:?}"),
        },
    }
}
