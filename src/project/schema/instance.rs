//! The model as the validator's instance: `jsonschema` reads our values in place, so a file is
//! validated without first being copied into a `serde_json::Value`.

use crate::project::value::{FileId, Kind, Map, Origin, Value};
use crate::source::Span;
use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use std::borrow::Cow;

/// The compose model as a JSON representation for `jsonschema`.
pub struct ComposeJson;

/// A value the model has no JSON form for is never built: every `Kind` maps to JSON.
impl Json for ComposeJson {
    type Node<'a> = &'a Value;
    type PreparedKey = String;
    type StringBuffer = NameBuffer;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut NameBuffer,
        string: &str,
        f: impl FnOnce(&Value) -> T,
    ) -> T {
        buffer.0.kind = Kind::Str(crate::project::value::Str {
            text: string.to_owned(),
            style: crate::source::ScalarStyle::Plain,
            raw_offset: None,
            interpolation: None,
        });
        f(&buffer.0)
    }
}

/// Where a property name is held while `propertyNames` validates it.
pub struct NameBuffer(Value);

impl Default for NameBuffer {
    fn default() -> Self {
        let origin = Origin {
            file: FileId(0),
            span: Span::default(),
            via_alias: None,
        };
        NameBuffer(Value::new(Kind::Null, origin))
    }
}

/// An integer or a float of the model.
pub struct Number(Kind);

impl JsonNumber for Number {
    fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Kind::Int(i) => u64::try_from(i).ok(),
            _ => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self.0 {
            Kind::Int(i) => Some(i),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self.0 {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => None,
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        match self.0 {
            Kind::Int(i) => Cow::Owned(i.to_string()),
            Kind::Float(f) => Cow::Owned(f.to_string()),
            _ => Cow::Borrowed("0"),
        }
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match self.0 {
            Kind::Int(i) => serde_json::Number::from(i),
            Kind::Float(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
            _ => 0.into(),
        })
    }

    fn is_integer(&self) -> bool {
        match self.0 {
            Kind::Int(_) => true,
            Kind::Float(f) => f.fract() == 0.0 && f.is_finite(),
            _ => false,
        }
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self.0, Kind::Int(_))
    }
}

impl<'a> Node<'a, ComposeJson> for &'a Value {
    type Object = &'a Map;
    type Array = &'a [Value];
    type Number = Number;

    fn as_object(&self) -> Option<&'a Map> {
        self.as_map()
    }

    fn as_array(&self) -> Option<&'a [Value]> {
        self.as_seq()
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.as_str().map(|s| Cow::Borrowed(s.text.as_str()))
    }

    fn as_number(&self) -> Option<Number> {
        match self.kind {
            Kind::Int(i) => Some(Number(Kind::Int(i))),
            // NaN and infinities have no JSON form; they are validated as `null`.
            Kind::Float(f) if f.is_finite() => Some(Number(Kind::Float(f))),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null) || matches!(self.kind, Kind::Float(f) if !f.is_finite())
    }

    fn json_type(&self) -> JsonType {
        match &self.kind {
            Kind::Null => JsonType::Null,
            Kind::Float(f) if !f.is_finite() => JsonType::Null,
            Kind::Bool(_) => JsonType::Boolean,
            Kind::Int(_) | Kind::Float(_) => JsonType::Number,
            Kind::Str(_) => JsonType::String,
            Kind::Seq(_) => JsonType::Array,
            Kind::Map(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(super::to_json(self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Value>(*self) as usize
        ))
    }
}

impl<'a> Object<'a, ComposeJson> for &'a Map {
    type Node = &'a Value;
    type MemberName = &'a str;
    type MembersIter = Box<dyn Iterator<Item = (&'a str, &'a Value)> + 'a>;

    fn len(&self) -> usize {
        Map::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Value> {
        Map::get(self, key)
    }

    fn members(&self) -> Self::MembersIter {
        Box::new(self.iter().map(|(k, _, v)| (k, v)))
    }
}

impl<'a> Array<'a, ComposeJson> for &'a [Value] {
    type Node = &'a Value;
    type ElementsIter = std::slice::Iter<'a, Value>;

    fn len(&self) -> usize {
        <[Value]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Value> {
        self.iter()
    }
}
