//! Where a position of a JSON text is, as a path (`$.PagingInfo.Projects[2].Id`), so that
//! an error found by serde_json at a line and column can name the value it is about.

/// One level of nesting: an object and the key being read, or an array and the index.
enum Frame {
    Object { key: Option<String>, want_key: bool },
    Array { index: usize },
}

/// The path of the value that the text's `line` (1-based) and `column` (1-based, in bytes)
/// fall in or just after: `$` for the top, `.Key` for an object's member, `[i]` for an
/// array's element. Reads the text up to there only, so a text broken after that point
/// still gives the path.
pub fn at(text: &str, line: usize, column: usize) -> String {
    let offset = offset_of(text, line, column);
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < offset.min(bytes.len()) {
        match bytes[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                want_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key, want_key }) => {
                    *key = None;
                    *want_key = true;
                }
                None => {}
            },
            b'"' => {
                let (s, end) = string_at(bytes, i + 1, offset);
                if let Some(Frame::Object { key, want_key }) = stack.last_mut() {
                    if *want_key {
                        *key = Some(s);
                        *want_key = false;
                    }
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    let mut out = String::from("$");
    for f in &stack {
        match f {
            Frame::Object { key: Some(k), .. } => {
                if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !k.is_empty() {
                    out.push('.');
                    out.push_str(k);
                } else {
                    out.push_str(&format!("[{}]", serde_json::Value::String(k.clone())));
                }
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// The byte offset just after a 1-based line and column (serde_json's column is the last
/// byte it read).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(n) => start += n + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

/// The string that starts at `from` (after its quote), unescaped as far as keys need, and
/// the index of its closing quote (or of `limit`, if it ends later).
fn string_at(bytes: &[u8], from: usize, limit: usize) -> (String, usize) {
    let mut out = Vec::new();
    let mut i = from;
    while i < bytes.len() && i < limit {
        match bytes[i] {
            b'"' => return (String::from_utf8_lossy(&out).into_owned(), i),
            b'\\' if i + 1 < bytes.len() => {
                out.push(bytes[i + 1]);
                i += 2;
                continue;
            }
            b => out.push(b),
        }
        i += 1;
    }
    (String::from_utf8_lossy(&out).into_owned(), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let e = serde_json::from_str::<T>(text).unwrap_err();
        at(text, e.line(), e.column())
    }

    #[test]
    fn a_wrong_type_is_named_by_its_path() {
        let text = r#"{
  "PagingInfo": {
    "PageNumber": 1,
    "Projects": [
      {"Name": "a_b", "Id": 1},
      {"Name": "c_d", "Id": "two"}
    ]
  }
}"#;
        assert_eq!(
            path_of_error::<crate::api::ListProjectsResponseBody>(text),
            "$.PagingInfo.Projects[1].Id"
        );
        let text = r#"{"PagingInfo": {"Projects": 7}}"#;
        assert_eq!(
            path_of_error::<crate::api::ListProjectsResponseBody>(text),
            "$.PagingInfo.Projects"
        );
    }

    #[test]
    fn broken_json_is_named_where_it_breaks() {
        let text = "{\"ProjectIdList\": [1, 2,";
        assert_eq!(
            path_of_error::<serde_json::Value>(text),
            "$.ProjectIdList[2]"
        );
        let text = r#"{"a \"b": {"c": [1"#;
        assert_eq!(at(text, 1, text.len()), r#"$["a \"b"].c[0]"#);
        assert_eq!(at("", 0, 0), "$");
    }
}
