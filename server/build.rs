fn main() {
    // sqlx::migrate! embeds the migrations: build again when one is added or changed.
    println!("cargo:rerun-if-changed=../migrations");
}
