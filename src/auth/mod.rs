//! Accounts: registration, login, logout, roles, and who may open which page.

pub mod api;
pub mod components;
pub mod context;
#[cfg(feature = "ssr")]
mod rows;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod throttle;

use crate::error::{AppError, ErrorCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Bounds the work argon2 does for one request.
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MIN_DISPLAY_NAME_CHARS: usize = 2;
pub const MAX_DISPLAY_NAME_CHARS: usize = 60;
pub const MAX_EMAIL_CHARS: usize = 254;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "customer" => Some(Role::Customer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Customer => "Client",
            Role::Admin => "Conseiller (administrateur)",
        }
    }

    /// Where a user lands after logging in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Customer => "/espace",
            Role::Admin => "/admin",
        }
    }
}

/// The logged-in user as pages and server functions see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Which audience a page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Public,
    Members,
    Admins,
}

impl Area {
    pub fn of_path(path: &str) -> Area {
        let under = |prefix: &str| {
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        if under("/admin") {
            Area::Admins
        } else if under("/espace") {
            Area::Members
        } else {
            Area::Public
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Granted,
    /// Anonymous visitor of a member page: send them to the login page.
    LoginRequired,
    /// Logged in, but not allowed: 403.
    Denied,
}

pub fn access(area: Area, role: Option<Role>) -> Access {
    match (area, role) {
        (Area::Public, _) => Access::Granted,
        (_, None) => Access::LoginRequired,
        (Area::Members, Some(_)) => Access::Granted,
        (Area::Admins, Some(Role::Admin)) => Access::Granted,
        (Area::Admins, Some(Role::Customer)) => Access::Denied,
    }
}

/// The page to open after login: only a path of this site, never another origin.
/// It becomes the `Location` header, which cannot hold a control character (NUL, line
/// breaks…): such a path is refused like a foreign one.
pub fn safe_next_path(next: Option<&str>) -> Option<&str> {
    let next = next?.trim();
    crate::text::is_site_page_path(next).then_some(next)
}

/// The query parameter of the login page that shows « Votre session a expiré ».
pub const EXPIRED_PARAM: &str = "expiree";

/// The login page, coming back to `next` (a path with its query) after login; with the
/// « session expirée » notice when `expired`.
pub fn login_path(next: &str, expired: bool) -> String {
    let mut path = format!("/connexion?next={}", urlencode(next));
    if expired {
        path.push_str(&format!("&{EXPIRED_PARAM}=1"));
    }
    path
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Trims and lower-cases an email address, refusing anything that is not a plausible address.
pub fn normalize_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() || email.chars().count() > MAX_EMAIL_CHARS {
        return Err(invalid_email());
    }
    let (local, domain) = email.split_once('@').ok_or_else(invalid_email)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    if local_ok && domain_ok {
        Ok(email)
    } else {
        Err(invalid_email())
    }
}

pub fn validate_password(password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(password_too_short());
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(password_too_long());
    }
    Ok(())
}

// The account forms' refusals, each written once: the server functions give them and
// the pages show them again after a plain HTML submission (`form_refusal`).

pub fn invalid_email() -> AppError {
    AppError::new(ErrorCode::InvalidEmail, "Adresse e-mail invalide.")
}

/// The same answer for a wrong password and an unknown address.
pub fn invalid_credentials() -> AppError {
    AppError::new(
        ErrorCode::InvalidCredentials,
        "Adresse e-mail ou mot de passe incorrect.",
    )
}

pub fn email_taken() -> AppError {
    AppError::new(
        ErrorCode::EmailTaken,
        "Cette adresse e-mail est déjà utilisée.",
    )
}

fn password_too_short() -> AppError {
    AppError::new(
        ErrorCode::PasswordTooShort,
        format!("Le mot de passe doit contenir au moins {MIN_PASSWORD_CHARS} caractères."),
    )
}

fn password_too_long() -> AppError {
    AppError::new(
        ErrorCode::PasswordTooLong,
        format!("Le mot de passe doit contenir au plus {MAX_PASSWORD_CHARS} caractères."),
    )
}

/// Trims a display name and collapses inner runs of spaces; refuses control characters
/// and characters that are invisible or change the direction of the text around them.
pub fn normalize_display_name(raw: &str) -> Result<String, AppError> {
    crate::text::reject_controls(raw)?;
    if raw.chars().any(crate::text::is_invisible_or_bidi) {
        return Err(AppError::new(
            ErrorCode::InvalidDisplayName,
            "Le nom affiché ne peut pas contenir de caractère invisible ni de caractère qui inverse le sens du texte.",
        ));
    }
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = name.chars().count();
    if !(MIN_DISPLAY_NAME_CHARS..=MAX_DISPLAY_NAME_CHARS).contains(&chars) {
        return Err(AppError::new(
            ErrorCode::InvalidDisplayName,
            format!(
                "Le nom affiché doit contenir entre {MIN_DISPLAY_NAME_CHARS} et {MAX_DISPLAY_NAME_CHARS} caractères."
            ),
        ));
    }
    Ok(name)
}

/// Customers may not take a name that passes for Paddock's staff: advisors are trusted
/// by name in conversations and rooms.
pub fn check_customer_display_name(name: &str) -> Result<(), AppError> {
    if crate::text::imitates_staff(name) {
        Err(AppError::new(
            ErrorCode::InvalidDisplayName,
            "Ce nom est réservé à l’équipe Paddock : choisissez-en un autre.",
        ))
    } else {
        Ok(())
    }
}

/// A registration whose fields have all been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

impl NewAccount {
    pub fn parse(email: &str, display_name: &str, password: &str) -> Result<Self, AppError> {
        let email = normalize_email(email)?;
        let display_name = normalize_display_name(display_name)?;
        validate_password(password)?;
        Ok(Self {
            email,
            display_name,
            password: password.to_owned(),
        })
    }
}

/// What the login and registration pages say when the plain HTML form they sent (before
/// hydration, or without JavaScript) came back refused with `code` (see
/// [`crate::error::FORM_ERROR_PARAM`]): the message the server function gave, where it
/// depends on the code alone, or the general advice of its kind.
pub fn form_refusal(code: ErrorCode) -> AppError {
    let general = |message: String| AppError::new(code, message);
    match code {
        ErrorCode::InvalidCredentials => invalid_credentials(),
        ErrorCode::InvalidEmail => invalid_email(),
        ErrorCode::EmailTaken => email_taken(),
        ErrorCode::PasswordTooShort => password_too_short(),
        ErrorCode::PasswordTooLong => password_too_long(),
        ErrorCode::InvalidCharacters => crate::text::invalid_characters(),
        // These say more on the server (which rule, how long to wait) than a code carries.
        ErrorCode::InvalidDisplayName => general(format!(
            "Le nom affiché doit contenir entre {MIN_DISPLAY_NAME_CHARS} et {MAX_DISPLAY_NAME_CHARS} caractères, sans caractère invisible, et ne pas reprendre le nom de l’équipe Paddock."
        )),
        ErrorCode::RateLimited => general(
            "Trop de tentatives. Patientez quelques instants avant de réessayer.".to_owned(),
        ),
        ErrorCode::Unavailable | ErrorCode::Overloaded | ErrorCode::Internal => {
            general(AppError::unavailable().message)
        }
        _ => general("La demande n’a pas abouti. Vérifiez les champs et réessayez.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_plain_form_is_explained_by_its_code() {
        let wrong = form_refusal(ErrorCode::InvalidCredentials);
        assert_eq!(wrong.code, ErrorCode::InvalidCredentials);
        assert_eq!(wrong.message, "Adresse e-mail ou mot de passe incorrect.");
        // The same words as the server function's own refusal.
        assert_eq!(
            form_refusal(ErrorCode::PasswordTooShort).message,
            validate_password("court").unwrap_err().message
        );
        assert_eq!(
            form_refusal(ErrorCode::InvalidEmail).message,
            normalize_email("julie").unwrap_err().message
        );
        assert!(form_refusal(ErrorCode::RateLimited)
            .message
            .starts_with("Trop de tentatives."));
    }

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            normalize_email("  Julie.Petit@Paddock.TEST ").unwrap(),
            "julie.petit@paddock.test"
        );
        assert_eq!(
            normalize_email("a+moto@sub.example.fr").unwrap(),
            "a+moto@sub.example.fr"
        );
    }

    #[test]
    fn implausible_emails_are_refused_with_the_french_message() {
        for bad in [
            "",
            "julie",
            "julie@",
            "@paddock.fr",
            "julie@paddock",
            "julie@@paddock.fr",
            "ju lie@paddock.fr",
            "julie@paddock..fr",
            "julie@-paddock.fr",
            ".julie@paddock.fr",
            "julie@paddock.f",
            "julie@paddock.fr1",
            "<script>@x.fr",
        ] {
            let err = normalize_email(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidEmail, "{bad:?} accepted");
            assert_eq!(err.message, "Adresse e-mail invalide.");
        }
        let long = format!("{}@paddock.fr", "a".repeat(250));
        assert!(normalize_email(&long).is_err());
    }

    #[test]
    fn passwords_need_ten_characters_counted_as_characters_not_bytes() {
        let err = validate_password("court").unwrap_err();
        assert_eq!(err.code, ErrorCode::PasswordTooShort);
        assert_eq!(
            err.message,
            "Le mot de passe doit contenir au moins 10 caractères."
        );
        assert!(validate_password("123456789").is_err());
        assert!(validate_password("1234567890").is_ok());
        // Nine accented letters are 18 bytes but still too short.
        assert!(validate_password("ééééééééé").is_err());
        assert_eq!(
            validate_password(&"x".repeat(129)).unwrap_err().code,
            ErrorCode::PasswordTooLong
        );
    }

    #[test]
    fn display_names_are_tidied_and_bounded() {
        assert_eq!(
            normalize_display_name("  Léa   Fournier ").unwrap(),
            "Léa Fournier"
        );
        assert!(normalize_display_name("L").is_err());
        assert!(normalize_display_name(&"x".repeat(61)).is_err());
        assert_eq!(
            normalize_display_name("Léa\u{7}").unwrap_err().code,
            ErrorCode::InvalidCharacters
        );
        assert_eq!(
            normalize_display_name("Léa\u{0}").unwrap_err().code,
            ErrorCode::InvalidCharacters
        );
        for hidden in [
            "Julie\u{202E}titeP",
            "Ju\u{200B}lie",
            "\u{2067}Admin\u{2069}",
        ] {
            assert_eq!(
                normalize_display_name(hidden).unwrap_err().code,
                ErrorCode::InvalidDisplayName,
                "{hidden:?}"
            );
        }
    }

    #[test]
    fn customers_cannot_pass_for_staff() {
        assert!(check_customer_display_name("Julie Petit").is_ok());
        let err = check_customer_display_name("Conseiller Paddock").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidDisplayName);
        assert!(err.message.contains("réservé"));
    }

    #[test]
    fn a_new_account_reports_the_first_invalid_field() {
        let err = NewAccount::parse("pas-un-email", "Julie", "court").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidEmail);
        let ok =
            NewAccount::parse("Julie@Paddock.test", " Julie  Petit", "motdepasse-long").unwrap();
        assert_eq!(ok.email, "julie@paddock.test");
        assert_eq!(ok.display_name, "Julie Petit");
    }

    #[test]
    fn pages_belong_to_the_right_audience() {
        assert_eq!(Area::of_path("/"), Area::Public);
        assert_eq!(Area::of_path("/connexion"), Area::Public);
        assert_eq!(Area::of_path("/espace"), Area::Members);
        assert_eq!(Area::of_path("/espace/rendez-vous"), Area::Members);
        assert_eq!(Area::of_path("/admin"), Area::Admins);
        assert_eq!(Area::of_path("/admin/salons"), Area::Admins);
        // A look-alike prefix is not the admin area.
        assert_eq!(Area::of_path("/administratif"), Area::Public);
        assert_eq!(Area::of_path("/espaces"), Area::Public);
    }

    #[test]
    fn access_rules_by_role() {
        use Access::*;
        assert_eq!(access(Area::Public, None), Granted);
        assert_eq!(access(Area::Members, None), LoginRequired);
        assert_eq!(access(Area::Admins, None), LoginRequired);
        assert_eq!(access(Area::Members, Some(Role::Customer)), Granted);
        assert_eq!(access(Area::Members, Some(Role::Admin)), Granted);
        assert_eq!(access(Area::Admins, Some(Role::Customer)), Denied);
        assert_eq!(access(Area::Admins, Some(Role::Admin)), Granted);
    }

    #[test]
    fn roles_round_trip_and_land_on_their_home() {
        for role in [Role::Customer, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::Customer.home_path(), "/espace");
        assert_eq!(Role::Admin.home_path(), "/admin");
    }

    #[test]
    fn the_login_path_carries_the_return_path_and_the_expiry_notice() {
        assert_eq!(urlencode("/admin?x=1&y=2"), "/admin%3Fx%3D1%26y%3D2");
        assert_eq!(login_path("/espace", false), "/connexion?next=/espace");
        assert_eq!(
            login_path("/espace/rendez-vous?semaine=2", true),
            "/connexion?next=/espace/rendez-vous%3Fsemaine%3D2&expiree=1"
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next_path(Some("/espace")), Some("/espace"));
        assert_eq!(safe_next_path(Some("https://evil.example")), None);
        assert_eq!(safe_next_path(Some("//evil.example")), None);
        assert_eq!(safe_next_path(Some("/\\evil.example")), None);
        assert_eq!(safe_next_path(Some("/api/logout")), None);
        // Control characters made the login answer panic building its `Location` header.
        for bad in [
            "/espace\u{1}",
            "/\u{0}",
            "/a\u{7f}b",
            "/es\rpace",
            "/a\u{85}b",
        ] {
            assert_eq!(safe_next_path(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(safe_next_path(Some("")), None);
        assert_eq!(safe_next_path(None), None);
    }
}
