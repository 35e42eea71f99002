//! The table cells of one row, read straight from a view's `Serialize` implementation.
//!
//! A table shows a few fields of each object ([`super::View::COLUMNS`]). Building the whole
//! object as a `serde_json::Value` first (a map of every field, then dropped) cost more
//! than the rest of printing a long table: here the fields that are not columns are
//! skipped, and scalar fields are written straight into their cell. A compound field (a
//! list, a map) goes through `serde_json::Value` and [`cell_text`], so that every cell
//! reads exactly as [`cell_text`] has it. A view that does not serialize as a struct (a map,
//! a flattened struct) returns `None`, and the caller takes the `Value` way.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};

use super::table::cell_text;
use super::text::{escape, Keep};

/// The cells of `columns` for `item`, in column order (`-` for a field it does not have),
/// or `None` when `item` is not a plain struct.
pub fn row<T: Serialize + ?Sized>(item: &T, columns: &[&str]) -> Option<Vec<String>> {
    let mut cells = vec![None; columns.len()];
    item.serialize(Row {
        columns,
        cells: &mut cells,
    })
    .ok()?;
    Some(
        cells
            .into_iter()
            .map(|c| c.unwrap_or_else(|| "-".to_string()))
            .collect(),
    )
}

/// Why a value was not taken this way; never shown (the caller falls back).
#[derive(Debug)]
struct NotPlain;

impl fmt::Display for NotPlain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a plain value")
    }
}

impl std::error::Error for NotPlain {}

impl ser::Error for NotPlain {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotPlain
    }
}

/// The methods of a serializer here that refuse every compound value (and enum variants
/// with data): the caller takes the `serde_json::Value` way for those.
macro_rules! refuse_compound {
    () => {
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, NotPlain> {
            Err(NotPlain)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotPlain> {
            Err(NotPlain)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotPlain> {
            Err(NotPlain)
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, NotPlain> {
            Err(NotPlain)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, NotPlain> {
            Err(NotPlain)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotPlain> {
            Err(NotPlain)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, NotPlain> {
            Err(NotPlain)
        }
    };
}

struct Row<'a, 'c> {
    columns: &'a [&'a str],
    cells: &'c mut Vec<Option<String>>,
}

impl SerializeStruct for Row<'_, '_> {
    type Ok = ();
    type Error = NotPlain;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NotPlain> {
        let Some(i) = self.columns.iter().position(|c| *c == key) else {
            return Ok(());
        };
        let text = match value.serialize(Scalar) {
            Ok(text) => text,
            Err(NotPlain) => cell_text(&serde_json::to_value(value).map_err(|_| NotPlain)?),
        };
        self.cells[i] = Some(text);
        Ok(())
    }

    fn end(self) -> Result<(), NotPlain> {
        Ok(())
    }
}

/// Only a struct is a row.
macro_rules! not_a_row {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<(), NotPlain> {
            Err(NotPlain)
        })*
    };
}

impl<'a, 'c> Serializer for Row<'a, 'c> {
    type Ok = ();
    type Error = NotPlain;
    type SerializeSeq = Impossible<(), NotPlain>;
    type SerializeTuple = Impossible<(), NotPlain>;
    type SerializeTupleStruct = Impossible<(), NotPlain>;
    type SerializeTupleVariant = Impossible<(), NotPlain>;
    type SerializeMap = Impossible<(), NotPlain>;
    type SerializeStruct = Row<'a, 'c>;
    type SerializeStructVariant = Impossible<(), NotPlain>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotPlain> {
        Ok(self)
    }

    not_a_row! {
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), NotPlain> {
        Err(NotPlain)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotPlain> {
        Err(NotPlain)
    }
    refuse_compound!();
}

/// One scalar field as its cell text, as [`cell_text`] writes the same JSON value: strings
/// as they are (control characters escaped), `-` for null, `yes`/`no`, integers in decimal. Floats and everything
/// compound are refused, and go through `serde_json::Value`.
struct Scalar;

impl Serializer for Scalar {
    type Ok = String;
    type Error = NotPlain;
    type SerializeSeq = Impossible<String, NotPlain>;
    type SerializeTuple = Impossible<String, NotPlain>;
    type SerializeTupleStruct = Impossible<String, NotPlain>;
    type SerializeTupleVariant = Impossible<String, NotPlain>;
    type SerializeMap = Impossible<String, NotPlain>;
    type SerializeStruct = Impossible<String, NotPlain>;
    type SerializeStructVariant = Impossible<String, NotPlain>;

    fn serialize_bool(self, v: bool) -> Result<String, NotPlain> {
        Ok(if v { "yes" } else { "no" }.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, NotPlain> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, NotPlain> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, NotPlain> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, NotPlain> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, NotPlain> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, NotPlain> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, NotPlain> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, NotPlain> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, NotPlain> {
        Err(NotPlain)
    }
    fn serialize_f64(self, _: f64) -> Result<String, NotPlain> {
        Err(NotPlain)
    }
    fn serialize_char(self, v: char) -> Result<String, NotPlain> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<String, NotPlain> {
        Ok(escape(v, Keep::Nothing).into_owned())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, NotPlain> {
        Err(NotPlain)
    }
    fn serialize_none(self) -> Result<String, NotPlain> {
        Ok("-".to_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String, NotPlain> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, NotPlain> {
        Ok("-".to_string())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, NotPlain> {
        Ok("-".to_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, NotPlain> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, NotPlain> {
        v.serialize(self)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotPlain> {
        Err(NotPlain)
    }
    refuse_compound!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        RamUser,
    }

    #[derive(Serialize)]
    struct Id(String);

    #[derive(Serialize)]
    struct Sample {
        id: Id,
        name: String,
        kind: Kind,
        n: i64,
        ratio: f64,
        flag: bool,
        none: Option<String>,
        some: Option<u32>,
        list: Vec<String>,
        tags: BTreeMap<String, String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        hidden: String,
    }

    fn sample() -> Sample {
        Sample {
            id: Id("42".into()),
            name: "ws_a\u{1b}[2J\n".into(),
            kind: Kind::RamUser,
            n: -7,
            ratio: 1.0,
            flag: true,
            none: None,
            some: Some(3),
            list: vec!["a".into(), "b".into()],
            tags: BTreeMap::from([("k".into(), "v".into())]),
            skipped: None,
            hidden: "not a column".into(),
        }
    }

    /// Every kind of field reads exactly as `cell_text` reads it from the JSON value.
    #[test]
    fn cells_match_the_json_value_way() {
        let columns = [
            "id", "name", "kind", "n", "ratio", "flag", "none", "some", "list", "tags", "skipped",
            "absent",
        ];
        let item = sample();
        let v = serde_json::to_value(&item).unwrap();
        let want: Vec<String> = columns
            .iter()
            .map(|c| cell_text(v.get(*c).unwrap_or(&serde_json::Value::Null)))
            .collect();
        assert_eq!(row(&item, &columns).unwrap(), want);
        assert_eq!(want[4], "1.0");
        assert_eq!(want[8], "a, b");
    }

    #[test]
    fn only_structs_are_rows() {
        let map = BTreeMap::from([("name", "x")]);
        assert_eq!(row(&map, &["name"]), None);
        assert_eq!(row(&"text", &["name"]), None);
        assert_eq!(row(&sample(), &["name"]).unwrap(), ["ws_a\\u001b[2J\\n"]);
    }
}
