//! The structured data (schema.org, JSON-LD) of the public pages: the group as an
//! `Organization`, each dealership as an `AutoDealer`, each model as a `Product` and
//! `Vehicle` with its `Offer`, and the `BreadcrumbList` of a model page. Plain functions
//! of the catalogue's types and the site's base URL (no trailing slash); `ui::JsonLd`
//! writes them into the page.

use super::{model_path, schema_price, Dealership, Model};
use serde_json::{json, Value};

const CONTEXT: &str = "https://schema.org";
pub const ORGANIZATION_NAME: &str = "Paddock";

/// The `@id` of the group, which dealerships and offers refer to.
fn organization_id(base: &str) -> String {
    format!("{base}/#organisation")
}

/// The group, on the home page.
pub fn organization(base: &str) -> Value {
    json!({
        "@context": CONTEXT,
        "@type": "Organization",
        "@id": organization_id(base),
        "name": ORGANIZATION_NAME,
        "url": format!("{base}/"),
        "logo": format!("{base}/favicon.svg"),
        "description": "Le réseau de concessions moto du groupe Paddock : vente, essais, atelier et communauté de motards.",
        "areaServed": "FR",
    })
}

fn parent(base: &str) -> Value {
    json!({ "@type": "Organization", "@id": organization_id(base), "name": ORGANIZATION_NAME })
}

/// One dealership: its address, phone and opening hours.
pub fn auto_dealer(base: &str, dealer: &Dealership) -> Value {
    let url = format!("{base}/concessions#{}", dealer.anchor());
    let days: Vec<String> = dealer
        .open_days()
        .into_iter()
        .map(|(_, _, day)| format!("{CONTEXT}/{day}"))
        .collect();
    json!({
        "@type": "AutoDealer",
        "@id": url,
        "name": dealer.name,
        "url": url,
        "telephone": dealer.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": dealer.street,
            "postalCode": dealer.postal_code,
            "addressLocality": dealer.city,
            "addressCountry": "FR",
        },
        "openingHoursSpecification": [{
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": days,
            "opens": dealer.opens_at,
            "closes": dealer.closes_at,
        }],
        "parentOrganization": parent(base),
    })
}

/// Every dealership, on `/concessions`.
pub fn auto_dealers(base: &str, dealers: &[Dealership]) -> Value {
    json!({
        "@context": CONTEXT,
        "@graph": dealers.iter().map(|d| auto_dealer(base, d)).collect::<Vec<_>>(),
    })
}

/// A model with its price, on its page: a `Product` that is also a `Vehicle`.
pub fn product(base: &str, model: &Model) -> Value {
    let url = format!("{base}{}", model_path(&model.slug));
    json!({
        "@context": CONTEXT,
        "@type": ["Product", "Vehicle"],
        "@id": format!("{url}#modele"),
        "name": model.name,
        "description": model.summary,
        "url": url,
        "image": format!("{base}{}", model.image),
        "sku": model.slug,
        "category": model.usage.range_title(),
        "vehicleEngine": {
            "@type": "EngineSpecification",
            "engineDisplacement": { "@type": "QuantitativeValue", "value": model.engine_cc, "unitCode": "CMQ" },
            "enginePower": { "@type": "QuantitativeValue", "value": model.power_kw, "unitCode": "KWT" },
        },
        "weight": { "@type": "QuantitativeValue", "value": model.weight_kg, "unitCode": "KGM" },
        "additionalProperty": {
            "@type": "PropertyValue",
            "name": "Permis requis",
            "value": model.licence.as_str(),
        },
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": schema_price(model.price_cents),
            "priceCurrency": "EUR",
            "availability": format!("{CONTEXT}/InStock"),
            "itemCondition": format!("{CONTEXT}/NewCondition"),
            "seller": parent(base),
        },
    })
}

/// The trail from the home page to the page: `(name, path)` pairs, the page last.
pub fn breadcrumbs(base: &str, trail: &[(&str, &str)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, path))| {
            json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": name,
                "item": format!("{base}{path}"),
            })
        })
        .collect();
    json!({
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Licence, Usage};
    use uuid::Uuid;

    const BASE: &str = "https://paddock.example";

    fn pista() -> Model {
        Model {
            id: Uuid::nil(),
            slug: "pista-660".into(),
            name: "Pista 660".into(),
            usage: Usage::Sport,
            engine_cc: 659,
            power_kw: 74,
            weight_kg: 186,
            licence: Licence::A,
            price_cents: 1_199_000,
            summary: "Légère et précise.".into(),
            image: "/images/motos/pista-660.svg".into(),
            hidden: false,
            updated_at: "2026-11-20T10:00:00+00:00".into(),
        }
    }

    #[test]
    fn a_model_is_a_product_and_a_vehicle_offered_in_euros() {
        let data = product(BASE, &pista());
        assert_eq!(data["@type"], json!(["Product", "Vehicle"]));
        assert_eq!(data["name"], "Pista 660");
        assert_eq!(data["url"], "https://paddock.example/motos/pista-660");
        assert_eq!(
            data["image"],
            "https://paddock.example/images/motos/pista-660.svg"
        );
        assert_eq!(data["offers"]["@type"], "Offer");
        assert_eq!(data["offers"]["price"], "11990.00");
        assert_eq!(data["offers"]["priceCurrency"], "EUR");
        assert_eq!(data["offers"]["availability"], "https://schema.org/InStock");
        assert_eq!(data["vehicleEngine"]["engineDisplacement"]["value"], 659);
        assert_eq!(data["vehicleEngine"]["enginePower"]["unitCode"], "KWT");
        assert_eq!(data["weight"]["value"], 186);
    }

    #[test]
    fn a_dealership_has_its_address_and_the_days_it_opens() {
        let dealer = Dealership {
            slug: "lyon-gerland".into(),
            name: "Paddock Lyon Gerland".into(),
            street: "52 avenue Tony-Garnier".into(),
            postal_code: "69007".into(),
            city: "Lyon".into(),
            phone: "+33 4 65 71 23 45".into(),
            opens_at: "09:00".into(),
            closes_at: "18:00".into(),
            closed_days: vec!["sun".into()],
        };
        let data = auto_dealers(BASE, &[dealer]);
        let dealer = &data["@graph"][0];
        assert_eq!(dealer["@type"], "AutoDealer");
        assert_eq!(dealer["address"]["@type"], "PostalAddress");
        assert_eq!(dealer["address"]["postalCode"], "69007");
        assert_eq!(dealer["address"]["addressCountry"], "FR");
        let hours = &dealer["openingHoursSpecification"][0];
        assert_eq!(hours["opens"], "09:00");
        assert_eq!(hours["closes"], "18:00");
        let days = hours["dayOfWeek"].as_array().unwrap();
        assert_eq!(days.len(), 6);
        assert_eq!(days[0], "https://schema.org/Monday");
        assert!(!days.contains(&json!("https://schema.org/Sunday")));
        assert_eq!(
            dealer["parentOrganization"]["@id"],
            organization(BASE)["@id"]
        );
    }

    #[test]
    fn breadcrumbs_number_their_items_from_one_with_absolute_urls() {
        let data = breadcrumbs(
            BASE,
            &[
                ("Accueil", "/"),
                ("Motos", "/motos"),
                ("Pista 660", "/motos/pista-660"),
            ],
        );
        let items = data["itemListElement"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0]["position"], 1);
        assert_eq!(items[2]["position"], 3);
        assert_eq!(items[2]["item"], "https://paddock.example/motos/pista-660");
    }
}
