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

/// `1st`, `2nd`, `3rd`, `4th`, ... `11th`, `12th`, `13th`, `21st`.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
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

    #[test]
    fn ordinals_take_the_suffix_of_their_last_digits() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .map(ordinal)
            .to_vec();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }
}
