//! The brief's chatbot workflow as a pure state machine.
//!
//! [`handle`] takes the current state, the customer's answer and today's date, and
//! returns the next state, what the assistant says, and at most one [`Effect`] for the
//! server to carry out (look up free slots, book one). The server then feeds the result
//! back through [`offer`], [`booked`] or [`slot_taken`]. Nothing here does I/O.

use super::{format_slot, schedule::Availability, Calendar, QuickReply};
use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

pub const MIN_YEAR: i32 = 1900;
pub const MAX_KILOMETRES: u32 = 1_000_000;
/// At or above this distance since the last service, a service is due.
pub const SERVICE_KILOMETRES: u32 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Week {
    Current,
    Next,
}

/// Where the customer is in the workflow. Stored per customer on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum BotState {
    AskHelpKind,
    AskYear,
    AskLastService {
        year: i32,
    },
    AskKilometres,
    AskServiceAnyway,
    AskUsage,
    ChooseSlot {
        calendar: Calendar,
        week: Week,
        slots: Vec<NaiveDateTime>,
    },
    AskContactKind,
    /// The workflow ended without restarting (contact given, or stopped).
    Ended,
}

/// Work for the server before the conversation can go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Look up the free slots of this calendar, then call [`offer`].
    FindSlots(Calendar),
    /// Book this slot atomically, then call [`booked`] or [`slot_taken`].
    Book {
        calendar: Calendar,
        starts_at: NaiveDateTime,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub state: BotState,
    pub say: Vec<String>,
    pub effect: Option<Effect>,
}

/// Contact details the assistant hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub email: String,
    pub phone: String,
}

impl Step {
    fn to(state: BotState, say: Vec<String>) -> Self {
        Self {
            state,
            say,
            effect: None,
        }
    }

    /// Says `say` then asks the question of `state`.
    fn ask(state: BotState, mut say: Vec<String>) -> Self {
        say.push(question(&state));
        Self::to(state, say)
    }

    fn effect(state: BotState, say: Vec<String>, effect: Effect) -> Self {
        Self {
            state,
            say,
            effect: Some(effect),
        }
    }
}

/// The opening of a new conversation.
pub fn start() -> Step {
    Step::ask(
        BotState::AskHelpKind,
        vec!["Bonjour, je suis l’assistant Paddock.".into()],
    )
}

/// A test ride of the catalogue model `model`, booked in `calendar` (the calendar of its
/// use): the slots are looked up as after the usage question.
pub fn test_ride(model: &str, calendar: Calendar) -> Step {
    Step::effect(
        BotState::AskUsage,
        vec![format!(
            "Vous souhaitez essayer la {model} : je vous propose un créneau, {}.",
            calendar.label().to_lowercase()
        )],
        Effect::FindSlots(calendar),
    )
}

/// End of a branch that restarts the workflow: the first question comes again.
fn end_and_restart(mut say: Vec<String>) -> Step {
    say.push("Puis-je vous aider pour autre chose ?".into());
    Step::ask(BotState::AskHelpKind, say)
}

fn end(mut say: Vec<String>) -> Step {
    say.push("Fin de la conversation. Écrivez-moi quand vous voulez pour recommencer.".into());
    Step::to(BotState::Ended, say)
}

/// The question the assistant is waiting an answer to in `state`.
pub fn question(state: &BotState) -> String {
    match state {
        BotState::AskHelpKind => "Quel type d’aide souhaitez-vous ?".into(),
        BotState::AskYear => "De quelle année est votre moto ? (par exemple 2019)".into(),
        BotState::AskLastService { .. } => {
            "À quelle date a eu lieu son dernier entretien ? (jj/mm/aaaa)".into()
        }
        BotState::AskKilometres => {
            "Combien de kilomètres avez-vous parcourus depuis ce dernier entretien ?".into()
        }
        BotState::AskServiceAnyway => {
            "Votre moto n’a pas encore besoin d’entretien. Souhaitez-vous tout de même la faire réviser ?"
                .into()
        }
        BotState::AskUsage => "Quel usage avez-vous de la moto ?".into(),
        BotState::ChooseSlot { .. } => "Choisissez un créneau :".into(),
        BotState::AskContactKind => "Que cherchez-vous ?".into(),
        BotState::Ended => "Écrivez-moi pour démarrer une nouvelle conversation.".into(),
    }
}

fn reply(label: &str, value: &str) -> QuickReply {
    QuickReply {
        label: label.into(),
        value: value.into(),
    }
}

/// The one-tap answers of `state`.
pub fn quick_replies(state: &BotState) -> Vec<QuickReply> {
    let stop = reply("Arrêter", "stop");
    match state {
        BotState::AskHelpKind => vec![
            reply("Vérifier l’entretien de ma moto", "entretien"),
            reply("Des informations sur les motos", "informations"),
            reply("Vos coordonnées", "contact"),
            stop,
        ],
        BotState::AskYear | BotState::AskLastService { .. } | BotState::AskKilometres => vec![stop],
        BotState::AskServiceAnyway => vec![reply("Oui", "oui"), reply("Non", "non"), stop],
        BotState::AskUsage => vec![
            reply("Route", "route"),
            reply("Tout-terrain", "tout-terrain"),
            reply("Sportif (piste)", "sport"),
            stop,
        ],
        BotState::ChooseSlot { slots, .. } => slots
            .iter()
            .map(|slot| {
                reply(
                    &format_slot(*slot),
                    &slot.format("%Y-%m-%dT%H:%M").to_string(),
                )
            })
            .chain([stop])
            .collect(),
        BotState::AskContactKind => vec![
            reply("Une adresse e-mail", "email"),
            reply("Un numéro de téléphone", "telephone"),
            stop,
        ],
        BotState::Ended => vec![reply("Recommencer", "recommencer")],
    }
}

/// Placeholder of the text field for `state`.
pub fn input_hint(state: &BotState) -> &'static str {
    match state {
        BotState::AskYear => "Année, ex. 2019",
        BotState::AskLastService { .. } => "Date, ex. 15/03/2025",
        BotState::AskKilometres => "Kilomètres, ex. 8000",
        _ => "Votre réponse",
    }
}

/// Lower-case, accents removed, trimmed: typed answers are matched on this.
fn simplify(input: &str) -> String {
    crate::text::comparable(input.trim())
}

fn is_stop(answer: &str) -> bool {
    matches!(
        answer,
        "stop" | "arreter" | "arret" | "fin" | "quitter" | "annuler"
    )
}

fn mentions(answer: &str, words: &[&str]) -> bool {
    words.iter().any(|w| answer == *w || answer.contains(w))
}

/// The next step after the customer's `input` in `state`.
pub fn handle(state: &BotState, input: &str, today: NaiveDate, contact: &Contact) -> Step {
    let answer = simplify(input);
    if *state == BotState::Ended {
        return start();
    }
    if is_stop(&answer) {
        return end(vec!["C’est noté, j’arrête ici.".into()]);
    }
    match state {
        BotState::AskHelpKind => help_kind(&answer),
        BotState::AskYear => match parse_year(&answer, today) {
            Ok(year) => Step::ask(BotState::AskLastService { year }, vec![]),
            Err(problem) => Step::ask(state.clone(), vec![problem]),
        },
        BotState::AskLastService { year } => match parse_service_date(&answer, *year, today) {
            Ok(date) if service_overdue(date, today) => Step::effect(
                state.clone(),
                vec!["Votre dernier entretien date de plus d’un an : il est temps de passer à l’atelier.".into()],
                Effect::FindSlots(Calendar::Maintenance),
            ),
            Ok(_) => Step::ask(BotState::AskKilometres, vec![]),
            Err(problem) => Step::ask(state.clone(), vec![problem]),
        },
        BotState::AskKilometres => match parse_kilometres(&answer) {
            Ok(km) if km >= SERVICE_KILOMETRES => Step::effect(
                state.clone(),
                vec![format!(
                    "Avec {km} km depuis le dernier entretien, une révision s’impose."
                )],
                Effect::FindSlots(Calendar::Maintenance),
            ),
            Ok(_) => Step::ask(BotState::AskServiceAnyway, vec![]),
            Err(problem) => Step::ask(state.clone(), vec![problem]),
        },
        BotState::AskServiceAnyway => {
            if mentions(&answer, &["oui", "yes", "ok", "d'accord", "volontiers"]) {
                Step::effect(state.clone(), vec![], Effect::FindSlots(Calendar::Maintenance))
            } else if mentions(&answer, &["non", "no", "pas"]) {
                end_and_restart(vec!["Très bien, pas de révision pour le moment.".into()])
            } else {
                Step::ask(state.clone(), vec!["Répondez par oui ou par non.".into()])
            }
        }
        BotState::AskUsage => {
            let calendar = if mentions(&answer, &["tout-terrain", "tout terrain", "off", "trail", "enduro", "cross"]) {
                Some(Calendar::OffRoadTest)
            } else if mentions(&answer, &["sport", "piste", "circuit"]) {
                Some(Calendar::Track)
            } else if mentions(&answer, &["route", "routier", "ville", "balade"]) {
                Some(Calendar::RoadTest)
            } else {
                None
            };
            match calendar {
                Some(calendar) => Step::effect(
                    state.clone(),
                    vec![format!("Je vous propose un créneau : {}.", calendar.label().to_lowercase())],
                    Effect::FindSlots(calendar),
                ),
                None => Step::ask(
                    state.clone(),
                    vec!["Je n’ai pas compris : route, tout-terrain ou sportif ?".into()],
                ),
            }
        }
        BotState::ChooseSlot { calendar, slots, .. } => match pick_slot(&answer, slots) {
            Some(starts_at) => Step::effect(
                state.clone(),
                vec![],
                Effect::Book { calendar: *calendar, starts_at },
            ),
            None => Step::ask(
                state.clone(),
                vec!["Ce créneau ne fait pas partie des propositions. Choisissez l’un des créneaux proposés.".into()],
            ),
        },
        BotState::AskContactKind => {
            if mentions(&answer, &["mail", "courriel", "adresse"]) {
                end(vec![format!("Vous pouvez nous écrire à {}.", contact.email)])
            } else if mentions(&answer, &["tel", "phone", "numero", "appeler"]) {
                end(vec![format!("Vous pouvez nous appeler au {}.", contact.phone)])
            } else {
                Step::ask(
                    state.clone(),
                    vec!["Je n’ai pas compris : une adresse e-mail ou un numéro de téléphone ?".into()],
                )
            }
        }
        BotState::Ended => start(),
    }
}

fn help_kind(answer: &str) -> Step {
    if mentions(answer, &["entretien", "revision", "maintenance", "atelier"]) || answer == "1" {
        Step::ask(BotState::AskYear, vec![])
    } else if mentions(
        answer,
        &["information", "info", "essai", "vehicule", "moto"],
    ) || answer == "2"
    {
        Step::ask(BotState::AskUsage, vec![])
    } else if mentions(answer, &["contact", "coordonnee", "joindre"]) || answer == "3" {
        Step::ask(BotState::AskContactKind, vec![])
    } else {
        Step::ask(
            BotState::AskHelpKind,
            vec!["Je n’ai pas compris. Choisissez l’une des propositions.".into()],
        )
    }
}

/// The slots found for `calendar`: this week's if any are left, else next week's.
pub fn offer(calendar: Calendar, availability: &Availability, mut say: Vec<String>) -> Step {
    let (week, slots) = if !availability.this_week.is_empty() {
        say.push("Voici les créneaux libres cette semaine.".into());
        (Week::Current, availability.this_week.clone())
    } else if !availability.next_week.is_empty() {
        say.push(
            "Il n’y a plus de créneau libre cette semaine. Voici ceux de la semaine prochaine."
                .into(),
        );
        (Week::Next, availability.next_week.clone())
    } else {
        say.push(format!(
            "Désolé, aucun créneau n’est libre cette semaine ni la semaine prochaine pour : {}. Réessayez dans quelques jours ou contactez-nous.",
            calendar.label().to_lowercase()
        ));
        return end_and_restart(say);
    };
    Step::ask(
        BotState::ChooseSlot {
            calendar,
            week,
            slots,
        },
        say,
    )
}

/// The booking went through: confirm, then restart the workflow.
pub fn booked(calendar: Calendar, starts_at: NaiveDateTime) -> Step {
    end_and_restart(vec![format!(
        "C’est réservé : {} le {}. Retrouvez-le dans « Mes rendez-vous ».",
        calendar.label(),
        format_slot(starts_at)
    )])
}

/// The customer holds as many appointments as allowed: say why, then restart.
pub fn booking_refused(reason: String) -> Step {
    end_and_restart(vec![reason])
}

/// Someone else took the slot first: offer the remaining ones.
pub fn slot_taken(calendar: Calendar, availability: &Availability) -> Step {
    offer(
        calendar,
        availability,
        vec!["Ce créneau vient d’être réservé par un autre client.".into()],
    )
}

fn parse_year(answer: &str, today: NaiveDate) -> Result<i32, String> {
    let problem = || {
        format!(
            "L’année doit comporter quatre chiffres, entre {MIN_YEAR} et {}.",
            today.year()
        )
    };
    if answer.len() != 4 || !answer.chars().all(|c| c.is_ascii_digit()) {
        return Err(problem());
    }
    let year: i32 = answer.parse().map_err(|_| problem())?;
    if (MIN_YEAR..=today.year()).contains(&year) {
        Ok(year)
    } else {
        Err(problem())
    }
}

fn parse_service_date(answer: &str, year: i32, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(answer, "%d/%m/%Y")
        .ok()
        .filter(|_| answer.len() == 10)
        .ok_or_else(|| {
            "Indiquez la date au format jj/mm/aaaa, par exemple 15/03/2025.".to_string()
        })?;
    if date > today {
        return Err("Cette date est dans le futur : indiquez la date du dernier entretien.".into());
    }
    if date.year() < year {
        return Err(format!(
            "Cette date est antérieure à l’année de votre moto ({year})."
        ));
    }
    Ok(date)
}

/// More than one year: strictly before the same day one year ago.
pub fn service_overdue(last_service: NaiveDate, today: NaiveDate) -> bool {
    let one_year_ago = today
        .checked_sub_months(Months::new(12))
        .unwrap_or(NaiveDate::MIN);
    last_service < one_year_ago
}

fn parse_kilometres(answer: &str) -> Result<u32, String> {
    let digits: String = answer
        .trim_end_matches("km")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '\u{202f}')
        .collect();
    let problem =
        || format!("Indiquez un nombre entier de kilomètres, entre 0 et {MAX_KILOMETRES}.");
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 7 {
        return Err(problem());
    }
    let km: u32 = digits.parse().map_err(|_| problem())?;
    if km <= MAX_KILOMETRES {
        Ok(km)
    } else {
        Err(problem())
    }
}

/// A slot chosen by its quick-reply value, its number in the list, or its label.
fn pick_slot(answer: &str, slots: &[NaiveDateTime]) -> Option<NaiveDateTime> {
    if let Ok(index) = answer.parse::<usize>() {
        return index.checked_sub(1).and_then(|i| slots.get(i)).copied();
    }
    slots.iter().copied().find(|slot| {
        slot.format("%Y-%m-%dt%H:%M").to_string() == answer
            || simplify(&format_slot(*slot)) == answer
    })
}

#[cfg(test)]
mod tests;
