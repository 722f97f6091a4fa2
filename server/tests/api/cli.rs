use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn switchboard() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("SWITCHBOARD_ADDR")
        .env("RUST_LOG", "info");
    cmd
}

#[test]
fn help_is_available_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["help", "serve"],
    ] {
        let out = switchboard().args(&args).output().expect("run");
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: switchboard"), "{args:?}: {text}");
    }
    let out = switchboard().arg("--help").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("serve") && text.contains("migrate") && text.contains("DATABASE_URL"));
}

#[test]
fn migrate_creates_the_database_and_its_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("nested/folder/sb.db");
    let url = format!("sqlite://{}", file.display());
    let out = switchboard()
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("migration(s) applied now"));
    assert!(file.exists());
    // Running it again is harmless and applies nothing.
    let again = switchboard()
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("(0 migration(s) applied now)"));
}

#[test]
fn bad_database_urls_fail_with_one_line_and_no_panic() {
    let dir = tempfile::tempdir().expect("tmp");
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").expect("write");
    let cases = [
        "postgres://localhost/switchboard".to_owned(),
        "not a url".to_owned(),
        "sqlite://data/x.db?mode=bogus".to_owned(),
        // The server's connections share one database file.
        "sqlite://scratch?mode=memory".to_owned(),
        "sqlite::memory:".to_owned(),
        format!("sqlite://{}/inside/sb.db", blocker.display()),
    ];
    for url in cases {
        for args in [vec!["migrate"], vec!["serve"]] {
            let out = switchboard()
                .args(&args)
                .env("DATABASE_URL", &url)
                .output()
                .expect("run");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{url} {args:?} should fail");
            assert!(!stderr.contains("panicked"), "{url}: {stderr}");
            let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
            assert_eq!(errors.len(), 1, "{url}: {stderr}");
            assert!(
                errors[0].contains("DATABASE_URL") || errors[0].contains("database"),
                "{url}: {stderr}"
            );
        }
    }
}

#[test]
fn bad_listen_address_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/sb.db", dir.path().display());
    let out = switchboard()
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("SWITCHBOARD_ADDR", "localhost:notaport")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SWITCHBOARD_ADDR"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn serve_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/sb.db", dir.path().display());
    let mut child = switchboard()
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("SWITCHBOARD_ADDR", "127.0.0.1:0")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut listening = false;
    for line in lines.by_ref() {
        let line = line.expect("line");
        if line.contains("listening on http://127.0.0.1:") {
            listening = true;
            break;
        }
        assert!(Instant::now() < deadline, "the server did not start");
    }
    assert!(listening, "the server did not say where it listens");

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("wait");
    assert!(status.success(), "exit status {status:?}, log: {rest:?}");
    assert!(rest.iter().any(|l| l.contains("Switchboard stopped")), "{rest:?}");
}

#[tokio::test]
async fn the_owners_password_and_api_keys_are_set_from_the_command_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/sb.db?mode=rwc", dir.path().display());
    let set = |password: &str| {
        let mut child = switchboard()
            .args(["owner", "set-password"])
            .env("DATABASE_URL", &url)
            .env_remove("SWITCHBOARD_OWNER_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("write");
        child.wait_with_output().expect("output")
    };
    let out = set("too short");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("12 characters"));
    let out = set("a long enough password");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pool = sqlx::SqlitePool::connect(&url).await.expect("db");
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM owner")
        .fetch_one(&pool)
        .await
        .expect("owner");
    assert!(server::auth::password::verify("a long enough password", &hash));

    let out = switchboard()
        .args(["api-key", "create", "--name", "Zapier"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(out.status.success());
    let key = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(key.starts_with("sbk_") && key.len() == 47, "{key}");
    let listed = switchboard()
        .args(["api-key", "list"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(text.contains("Zapier") && !text.contains(&key), "{text}");
    let id = text.split_whitespace().next().expect("id").to_owned();
    let revoked = switchboard()
        .args(["api-key", "revoke", &id])
        .env("DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(revoked.status.success());
    let bad = switchboard()
        .args(["api-key", "revoke", "key_nope"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("key_nope"));
}
