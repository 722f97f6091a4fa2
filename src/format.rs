//! Number formatting shared by the domain and the UI.

/// Inserts `separator` between groups of three digits: `group_digits("1234567", ',')` is `1,234,567`.
/// `digits` is expected to hold ASCII digits only.
pub fn group_digits(digits: &str, separator: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len_utf8());
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(ch);
    }
    out
}

/// A count for people to read, grouped with narrow no-break spaces: `12 345`.
pub fn format_count(n: u64) -> String {
    group_digits(&n.to_string(), '\u{202f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_in_threes() {
        assert_eq!(group_digits("", ','), "");
        assert_eq!(group_digits("12", ','), "12");
        assert_eq!(group_digits("123", ','), "123");
        assert_eq!(group_digits("1234", ','), "1,234");
        assert_eq!(group_digits("1234567", ','), "1,234,567");
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(1_234_567), "1\u{202f}234\u{202f}567");
    }
}
