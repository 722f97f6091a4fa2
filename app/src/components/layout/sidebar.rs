use super::app_layout::NAV_TOGGLE_ID;
use crate::components::{Icon, IconName};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::A;

/// One area of the product in the navigation.
#[derive(Debug, Clone, Copy)]
pub struct NavArea {
    pub href: &'static str,
    pub label: &'static str,
    pub icon: IconName,
}

/// The areas that exist, in the order the sidebar lists them.
pub const NAV_AREAS: &[NavArea] = &[
    NavArea {
        href: "/",
        label: "Dashboard",
        icon: IconName::Dashboard,
    },
    NavArea {
        href: "/projects",
        label: "Projects",
        icon: IconName::Folder,
    },
    NavArea {
        href: "/campaigns",
        label: "Campaigns",
        icon: IconName::Megaphone,
    },
    NavArea {
        href: "/analytics",
        label: "Analytics",
        icon: IconName::Chart,
    },
    NavArea {
        href: "/workflows",
        label: "Workflows",
        icon: IconName::Flow,
    },
    NavArea {
        href: "/executions",
        label: "Executions",
        icon: IconName::Play,
    },
    NavArea {
        href: "/approvals",
        label: "Approvals",
        icon: IconName::Alert,
    },
    NavArea {
        href: "/memory",
        label: "Memory",
        icon: IconName::Bulb,
    },
    NavArea {
        href: "/experiments",
        label: "Experiments",
        icon: IconName::Flask,
    },
    NavArea {
        href: "/connections",
        label: "Connections",
        icon: IconName::Plug,
    },
    NavArea {
        href: "/integrations",
        label: "Integrations",
        icon: IconName::Inbox,
    },
    NavArea {
        href: "/system",
        label: "System",
        icon: IconName::System,
    },
];

#[component]
pub fn Sidebar() -> impl IntoView {
    view! {
        <aside class="sidebar glass" aria-label="Main navigation">
            <a class="brand" href="/">
                <span class="brand__mark" aria-hidden="true">
                    "S"
                </span>
                <span class="brand__name">"Switchboard"</span>
            </a>
            <nav on:click=|_| close_mobile_menu()>
                <ul class="nav">
                    {NAV_AREAS
                        .iter()
                        .map(|area| {
                            view! {
                                <li>
                                    <A href=area.href exact=area.href == "/" attr:class="nav__link">
                                        <Icon name=area.icon />
                                        <span>{area.label}</span>
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <form method="post" action="/logout" class="sidebar__logout">
                <button type="submit" class="button button--ghost" data-testid="logout">"Log out"</button>
            </form>
            <p class="sidebar__footer">"v" {env!("CARGO_PKG_VERSION")}</p>
        </aside>
    }
}

/// Unchecks the mobile menu's checkbox; client-side navigation would otherwise leave it open.
fn close_mobile_menu() {
    let toggle = document()
        .get_element_by_id(NAV_TOGGLE_ID)
        .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
    if let Some(toggle) = toggle {
        toggle.set_checked(false);
    }
}
