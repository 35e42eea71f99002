//! English for messages: a count with its noun in the right number ("1 change",
//! "2 changes") and a verb that agrees with its subject ("bob holds", "bob, carol hold").
//! Every message that puts a number or a list of names before a noun or a verb goes
//! through here.

/// `n` and its noun: `count(1, "change", "changes")` is "1 change".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", number(n, one, many))
}

/// The form of a noun or a verb for `n` things: `one` for exactly one, else `many`.
pub fn number<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Names as the subject of a verb: "bob holds", "bob, carol hold".
pub fn subject(names: &[String], one: &str, many: &str) -> String {
    format!("{} {}", names.join(", "), number(names.len(), one, many))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(0, "change", "changes"), "0 changes");
        assert_eq!(count(1, "change", "changes"), "1 change");
        assert_eq!(count(2, "copy", "copies"), "2 copies");
        assert_eq!(count(1, "copy", "copies"), "1 copy");
    }

    #[test]
    fn the_verb_agrees_with_the_names() {
        let one = vec!["bob".to_string()];
        let two = vec!["bob".to_string(), "carol".to_string()];
        assert_eq!(subject(&one, "holds", "hold"), "bob holds");
        assert_eq!(subject(&two, "holds", "hold"), "bob, carol hold");
    }
}
