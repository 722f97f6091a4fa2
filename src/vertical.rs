//! A client's industry (vertical): a fixed list plus `other`, so learnings can be compared across
//! clients of the same kind.

use crate::words::word_enum;

word_enum!(
    /// The industry a project's client is in.
    Vertical, "vertical", {
        HomeDecor => "home_decor", "Home decor", ["home", "home_garden", "home_and_garden", "furniture", "interior", "interiors"],
        Fashion => "fashion", "Fashion", ["apparel", "clothing"],
        Beauty => "beauty", "Beauty", ["cosmetics", "skincare"],
        Food => "food", "Food & drink", ["food_drink", "food_and_drink", "restaurants", "grocery"],
        Travel => "travel", "Travel", ["hospitality", "tourism", "outdoor"],
        Saas => "saas", "Software (SaaS)", ["software", "software_saas", "b2b_saas", "tech"],
        Finance => "finance", "Finance", ["financial_services", "banking", "insurance", "fintech"],
        Health => "health", "Health", ["healthcare", "wellness", "fitness"],
        Education => "education", "Education", ["edtech", "learning"],
        Automotive => "automotive", "Automotive", ["auto", "cars"],
        Retail => "retail", "Retail & e-commerce", ["ecommerce", "e_commerce", "retail_e_commerce", "shop", "shopping"],
        Gaming => "gaming", "Gaming", ["games", "video_games"],
        Other => "other", "Other", [],
    }
);

#[cfg(test)]
mod tests {
    use super::Vertical;

    #[test]
    fn names_labels_and_aliases_read_as_the_vertical() {
        for v in Vertical::ALL {
            assert_eq!(v.as_str().parse::<Vertical>(), Ok(*v));
            assert_eq!(v.label().parse::<Vertical>(), Ok(*v), "{}", v.label());
            assert_eq!(serde_json::to_string(v).ok(), Some(format!("\"{}\"", v.as_str())));
        }
        assert_eq!("Home Decor".parse::<Vertical>(), Ok(Vertical::HomeDecor));
        assert_eq!("ecommerce".parse::<Vertical>(), Ok(Vertical::Retail));
        assert_eq!("E-commerce".parse::<Vertical>(), Ok(Vertical::Retail));
        assert!("pets".parse::<Vertical>().is_err());
        assert!(" ".parse::<Vertical>().is_err());
        assert_eq!(Vertical::ALL.len(), 13);
    }
}
