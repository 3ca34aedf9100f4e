//! How the browser reads the server's tagged frames ([`super::ServerMessage`],
//! [`super::notifications::StreamEvent`]): JSON objects whose `type` names the variant and
//! whose other keys are its fields, `type` always first (serde writes an internally
//! tagged enum's tag before its fields).
//!
//! Serde's own reading of an internally tagged enum first copies the whole object into
//! an in-memory tree, then reads each variant from that tree: a second deserializer per
//! variant in the wasm. In the browser these enums derive serde's plain (externally
//! tagged) form instead, and [`decode`] hands it the frame as `{type: fields}` while it
//! streams: the `type` value names the variant, the rest of the same object is its
//! fields. −14 KB brotli of wasm (docs/benchmarks.md). The server keeps serde's
//! internally tagged derive both ways, so the wire and the TypeScript types do not
//! change; every frame the server writes leads with `type` (tested in `super`).

use serde::de::{
    self, value::MapAccessDeserializer, DeserializeOwned, DeserializeSeed, Deserializer,
    EnumAccess, IgnoredAny, MapAccess, VariantAccess, Visitor,
};
use std::fmt;

/// Reads a frame whose first key is `type`, into an enum deriving serde's externally
/// tagged form (the browser's [`super::ServerMessage`] and `StreamEvent`).
pub fn decode<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let mut json = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(TypeFirst(&mut json))?;
    json.end()?;
    Ok(value)
}

/// A deserializer that presents a `{"type": variant, ...fields}` object as the enum
/// `variant` with those fields. Anything but an enum reads as the inner deserializer does.
struct TypeFirst<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for TypeFirst<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(TaggedObject(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

/// Reads the object's first key, which must be `type`, then gives the enum's visitor
/// the rest of the object.
struct TaggedObject<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for TaggedObject<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object whose first key is \"type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V::Value, A::Error> {
        match map.next_key::<TypeKey>()? {
            Some(TypeKey) => self.0.visit_enum(Variant(map)),
            None => Err(de::Error::missing_field("type")),
        }
    }
}

/// The key `type`, and no other.
struct TypeKey;

impl<'de> serde::Deserialize<'de> for TypeKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(TypeKeyVisitor)
    }
}

struct TypeKeyVisitor;

impl Visitor<'_> for TypeKeyVisitor {
    type Value = TypeKey;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("the key \"type\" first")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<TypeKey, E> {
        if key == "type" {
            Ok(TypeKey)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(key), &self))
        }
    }
}

/// The object after its `type` key: the variant's name, then its fields.
struct Variant<A>(A);

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Variant<A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        mut self,
        seed: S,
    ) -> Result<(S::Value, Self), A::Error> {
        let variant = self.0.next_value_seed(seed)?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        // Keys a newer server may add are ignored, as in a variant with fields.
        while self.0.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    /// A variant holding a struct: that struct's fields are the object's other keys.
    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        seed.deserialize(MapAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::custom("a tagged frame has named fields"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}

#[cfg(test)]
mod tests {
    //! The browser's enums derive serde's externally tagged form; the server's the
    //! internally tagged one. `Sent` and `Read` are one enum in those two forms, with the
    //! shapes the frames use: struct variants (renamed fields, optional and defaulted
    //! ones), a variant holding a struct, a unit variant.
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Item {
        id: u32,
        text: String,
    }

    macro_rules! frames {
        ($name:ident $(, $tag:meta)?) => {
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            $(#[serde($tag)])?
            #[serde(rename_all = "snake_case")]
            enum $name {
                Welcome { user_id: u32, #[serde(default)] protocol: u32 },
                Item(Item),
                Cleared,
                Error {
                    message: String,
                    #[serde(default, skip_serializing_if = "Option::is_none")]
                    retry_after_secs: Option<u64>,
                    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
                    reference: Option<u64>,
                },
            }
        };
    }
    frames!(Sent, tag = "type");
    frames!(Read);

    fn same(sent: Sent) -> Read {
        let json = serde_json::to_string(&sent).unwrap();
        assert!(json.starts_with(r#"{"type":"#), "{json}");
        let read: Read = decode(&json).unwrap();
        // The same frame in the externally tagged form, read by serde itself.
        let expected: Read = serde_json::from_value(externally_tagged(&sent)).unwrap();
        assert_eq!(read, expected, "{json}");
        read
    }

    /// `sent` in the externally tagged form: `{"variant": fields}`.
    fn externally_tagged(sent: &Sent) -> serde_json::Value {
        let mut object = serde_json::to_value(sent).unwrap();
        let fields = object.as_object_mut().unwrap();
        let serde_json::Value::String(variant) = fields.remove("type").unwrap() else {
            panic!("the tag is a string");
        };
        if fields.is_empty() && variant == "cleared" {
            return serde_json::Value::String(variant);
        }
        serde_json::json!({ variant: fields })
    }

    #[test]
    fn every_shape_of_frame_reads_as_the_server_wrote_it() {
        same(Sent::Welcome {
            user_id: 7,
            protocol: 2,
        });
        same(Sent::Item(Item {
            id: 3,
            text: "Bonjour « à tous »".into(),
        }));
        same(Sent::Cleared);
        let read = same(Sent::Error {
            message: "Trop de messages.".into(),
            retry_after_secs: Some(4),
            reference: Some(12),
        });
        assert!(matches!(
            read,
            Read::Error {
                reference: Some(12),
                ..
            }
        ));
        same(Sent::Error {
            message: "Non.".into(),
            retry_after_secs: None,
            reference: None,
        });
    }

    #[test]
    fn defaults_and_keys_a_newer_server_adds_are_read_as_serde_would() {
        let read: Read = decode(r#"{"type":"welcome","user_id":7}"#).unwrap();
        assert_eq!(
            read,
            Read::Welcome {
                user_id: 7,
                protocol: 0
            }
        );
        let read: Read = decode(r#"{"type":"welcome","user_id":7,"since":"2026"}"#).unwrap();
        assert_eq!(
            read,
            Read::Welcome {
                user_id: 7,
                protocol: 0
            }
        );
        let read: Read = decode(r#"{"type":"cleared","by":"admin"}"#).unwrap();
        assert_eq!(read, Read::Cleared);
    }

    #[test]
    fn frames_not_led_by_a_known_type_are_refused() {
        for bad in [
            r#"{"user_id":7,"type":"welcome"}"#,
            r#"{"type":"drop_tables"}"#,
            r#"{"type":"welcome"}"#,
            r#"{"type":"item","id":"three","text":"x"}"#,
            r#"{}"#,
            r#"["welcome"]"#,
            r#"{"type":"cleared"} trailing"#,
            r#"{"type":"cleared""#,
        ] {
            assert!(decode::<Read>(bad).is_err(), "{bad}");
        }
    }
}
