//! New ids: the type's prefix and a suffix that sorts by creation time and is unique enough for one
//! server (milliseconds since the epoch, then 40 random bits).

use chrono::Utc;

pub fn new_suffix() -> String {
    let millis = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
    let random = fastrand::u64(..) & 0xff_ffff_ffff;
    format!("{millis:011x}{random:010x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_are_distinct_and_valid() {
        let a = new_suffix();
        let b = new_suffix();
        assert_ne!(a, b);
        assert_eq!(a.len(), 21);
        assert!(switchboard_core::ProjectId::from_suffix(&a).is_ok());
    }
}
