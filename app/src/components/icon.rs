use leptos::prelude::*;

/// The icons the UI uses, drawn as 24×24 strokes so they follow the text colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconName {
    Dashboard,
    System,
    Sun,
    Moon,
    Menu,
    Refresh,
    Inbox,
    Alert,
    Compass,
    Folder,
    Megaphone,
    Plus,
    Plug,
    Flow,
    Play,
    Chart,
    /// A light bulb: what was learned (the Memory page).
    Bulb,
    /// A flask: A/B tests (the Experiments page).
    Flask,
}

impl IconName {
    fn path(self) -> &'static str {
        match self {
            IconName::Dashboard => "M3 3h7v9H3zM14 3h7v5h-7zM14 12h7v9h-7zM3 16h7v5H3z",
            IconName::System => "M3 12h4l3-8 4 16 3-8h4",
            IconName::Sun => {
                "M12 4V2M12 22v-2M4.9 4.9 3.5 3.5M20.5 20.5l-1.4-1.4M4 12H2M22 12h-2M4.9 19.1l-1.4 1.4M20.5 3.5l-1.4 1.4M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10z"
            }
            IconName::Flow => "M4 6h6v4H4zM14 14h6v4h-6zM7 10v4a2 2 0 0 0 2 2h5",
            IconName::Play => "M6 4l14 8-14 8z",
            IconName::Flask => "M9 3h6M10 3v6L4.2 19.5A1 1 0 0 0 5 21h14a1 1 0 0 0 .8-1.5L14 9V3M7.5 15h9",
            IconName::Chart => "M3 3v18h18M7 15l4-4 3 3 5-6",
            IconName::Plug => "M9 2v6M15 2v6M6 8h12v4a6 6 0 0 1-12 0zM12 18v4",
            IconName::Moon => "M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z",
            IconName::Menu => "M3 6h18M3 12h18M3 18h18",
            IconName::Refresh => "M21 12a9 9 0 1 1-3-6.7L21 8M21 3v5h-5",
            IconName::Inbox => {
                "M22 12h-6l-2 3h-4l-2-3H2M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2a2 2 0 0 0-1.7 1.1z"
            }
            IconName::Alert => {
                "M12 9v4M12 17h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"
            }
            IconName::Compass => {
                "M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM16.2 7.8l-2.1 6.3-6.3 2.1 2.1-6.3z"
            }
            IconName::Folder => "M3 6a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z",
            IconName::Megaphone => {
                "M3 11v2a1 1 0 0 0 1 1h3l5 4V6L7 10H4a1 1 0 0 0-1 1zM16 8a5 5 0 0 1 0 8M19 5a9 9 0 0 1 0 14"
            }
            IconName::Plus => "M12 5v14M5 12h14",
            IconName::Bulb => {
                "M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2V17h5v-1.1c0-.8.4-1.5 1-2A6 6 0 0 0 12 3z"
            }
        }
    }
}

#[component]
pub fn Icon(name: IconName, #[prop(optional)] class: &'static str) -> impl IntoView {
    view! {
        <svg
            class=format!("icon {class}")
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
        >
            <path d=name.path() />
        </svg>
    }
}
