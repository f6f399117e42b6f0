//! Users, roles, permissions, presets and authentication (with the mail flows) against a real
//! Directus 12.4.1. Test users get no app access, so they take no licence seat.

use directus_client::{Client, ErrorCode, Query};
use directus_e2e::fixtures;
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};
use std::process::Command;

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

fn email() -> String {
    format!("u-{}@example.com", directus_e2e::random_hex(5))
}

fn cli(s: &Server, args: &[&str]) -> std::process::Output {
    directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, args)
}

fn q() -> Query {
    Query::default()
}

#[tokio::test]
async fn roles_crud_and_batch() {
    let s = server();
    let c = admin(s);
    let r = c.roles();
    let editors: Value = r.create(&json!({ "name": "Editors", "icon": "edit" })).decode().await.unwrap();
    let id = editors["id"].as_str().unwrap().to_owned();
    let more: Vec<Value> = r.create_many(&[json!({ "name": "R1" }), json!({ "name": "R2" })]).decode().await.unwrap();
    let keys: Vec<&str> = more.iter().filter_map(|m| m["id"].as_str()).collect();
    assert_eq!(r.get(&id, &q()).decode::<Value>().await.unwrap()["name"], "Editors");
    let names: Vec<Value> = r.list(&q().filter(json!({ "name": { "_in": ["R1", "R2"] } }))).decode().await.unwrap();
    assert_eq!(names.len(), 2);
    assert_eq!(r.update(&id, &json!({ "description": "edits" })).decode::<Value>().await.unwrap()["description"], "edits");
    let changed: Vec<Value> = r.update_many(&keys, &json!({ "icon": "star" })).decode().await.unwrap();
    assert!(changed.iter().all(|x| x["icon"] == "star"));
    let via_cli = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["roles", "get", "--id", &id]);
    assert!(via_cli.status.success(), "{}", String::from_utf8_lossy(&via_cli.stderr));
    r.delete_many(&keys).await.unwrap();
    r.delete(&id).await.unwrap();
    for k in keys.iter().copied().chain([id.as_str()]) {
        assert_eq!(r.get(k, &q()).decode::<Value>().await.expect_err("deleted role").code(), Some(&ErrorCode::Forbidden));
    }
}

#[tokio::test]
async fn permissions_crud_and_batch() {
    let s = server();
    let c = admin(s);
    let policy = fixtures::tfa_policy(s).await;
    let p = c.permissions();
    // The Core licence refuses filters and field lists: fields ["*"] only.
    let one: Value = p.create(&json!({ "policy": policy, "collection": "directus_files", "action": "read", "fields": ["*"] })).decode().await.unwrap();
    let id = one["id"].as_i64().unwrap();
    let more: Vec<Value> = p
        .create_many(&[
            json!({ "policy": policy, "collection": "directus_folders", "action": "read", "fields": ["*"] }),
            json!({ "policy": policy, "collection": "directus_folders", "action": "create", "fields": ["*"] }),
        ])
        .decode().await
        .unwrap();
    let keys: Vec<i64> = more.iter().filter_map(|m| m["id"].as_i64()).collect();
    assert_eq!(p.get(id, &q()).decode::<Value>().await.unwrap()["collection"], "directus_files");
    let of_policy = |extra: Value| q().filter(json!({ "policy": { "_eq": policy } }).as_object().cloned().map(|mut m| { m.extend(extra.as_object().cloned().unwrap_or_default()); Value::Object(m) }).unwrap());
    let listed: Vec<Value> = p.list(&of_policy(json!({}))).decode().await.unwrap();
    assert_eq!(listed.len(), 5, "read and update of directus_users from the fixture, and these three: {listed:?}");
    let updated: Value = p.update(id, &json!({ "action": "read", "fields": ["*"], "collection": "directus_files" })).decode().await.unwrap();
    assert_eq!(updated["id"], id);
    let batch: Vec<Value> = p.update_many(&keys, &json!({ "fields": ["*"] })).decode().await.unwrap();
    // The reply lists the built-in app permissions too; ours are among them.
    for k in &keys {
        assert!(batch.iter().any(|b| b["id"] == *k), "{k} missing from {batch:?}");
    }
    let out = cli(s, &["permissions", "get", "--id", &id.to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap()["collection"], "directus_files");
    p.delete(id).await.unwrap();
    p.delete_many(&keys).await.unwrap();
    // A deleted id reads back as a built-in system row; "gone" means gone from the policy's list.
    let left: Vec<Value> = p.list(&of_policy(json!({ "collection": { "_in": ["directus_files", "directus_folders"] } }))).decode().await.unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn presets_crud_and_batch() {
    let s = server();
    let c = admin(s);
    let p = c.presets();
    let one: Value = p.create(&json!({ "bookmark": "Mine", "collection": "directus_users", "layout": "tabular" })).decode().await.unwrap();
    let id = one["id"].as_i64().unwrap();
    let more: Vec<Value> = p
        .create_many(&[json!({ "bookmark": "A", "collection": "directus_files" }), json!({ "bookmark": "B", "collection": "directus_files" })])
        .decode().await
        .unwrap();
    let keys: Vec<i64> = more.iter().filter_map(|m| m["id"].as_i64()).collect();
    assert_eq!(p.get(id, &q()).decode::<Value>().await.unwrap()["bookmark"], "Mine");
    let listed: Vec<Value> = p.list(&q().filter(json!({ "collection": { "_eq": "directus_files" } }))).decode().await.unwrap();
    assert!(listed.len() >= 2);
    assert_eq!(p.update(id, &json!({ "bookmark": "Mine (renamed)" })).decode::<Value>().await.unwrap()["bookmark"], "Mine (renamed)");
    let batch: Vec<Value> = p.update_many(&keys, &json!({ "layout": "cards" })).decode().await.unwrap();
    assert!(batch.iter().all(|b| b["layout"] == "cards"));
    // The CLI deletes one by key; the client deletes the other in a batch.
    let out = cli(s, &["presets", "delete", "--id", &keys[0].to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    p.delete_many(&keys[1..]).await.unwrap();
    p.delete(id).await.unwrap();
    for k in keys.iter().copied().chain([id]) {
        assert_eq!(p.get(k, &q()).decode::<Value>().await.expect_err("deleted preset").code(), Some(&ErrorCode::Forbidden));
    }
}

#[tokio::test]
async fn users_crud_me_and_batch() {
    let s = server();
    let c = admin(s);
    let u = c.users();
    let one: Value = u.create(&json!({ "email": email(), "password": "Pw-12345678", "first_name": "One" })).decode().await.unwrap();
    let id = one["id"].as_str().unwrap().to_owned();
    assert_eq!(one["password"], "**********", "the server never returns passwords");
    let more: Vec<Value> = u.create_many(&[json!({ "email": email() }), json!({ "email": email() })]).decode().await.unwrap();
    let keys: Vec<&str> = more.iter().filter_map(|m| m["id"].as_str()).collect();
    assert_eq!(u.get(&id, &q()).decode::<Value>().await.unwrap()["first_name"], "One");
    let me: Value = u.me(&q().fields(vec!["email"])).decode().await.unwrap();
    assert_eq!(me["email"], s.admin_email.as_str());
    let listed: Vec<Value> = u.list(&q().search("example.com")).decode().await.unwrap();
    assert!(listed.len() >= 4);
    assert_eq!(u.update(&id, &json!({ "last_name": "Updated" })).decode::<Value>().await.unwrap()["last_name"], "Updated");
    let batch: Vec<Value> = u.update_many(&keys, &json!({ "title": "batch" })).decode().await.unwrap();
    assert!(batch.iter().all(|b| b["title"] == "batch"));
    let me_changed: Value = u.update_me(&json!({ "location": "CI" })).decode().await.unwrap();
    assert_eq!(me_changed["location"], "CI");
    let me_cli = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["users", "me", "--fields", "location"]);
    assert_eq!(serde_json::from_slice::<Value>(&me_cli.stdout).unwrap()["location"], "CI");
    u.delete(&id).await.unwrap();
    u.delete_many(&keys).await.unwrap();
    for k in keys.iter().copied().chain([id.as_str()]) {
        assert_eq!(u.get(k, &q()).decode::<Value>().await.expect_err("deleted user").code(), Some(&ErrorCode::Forbidden));
    }
}

#[tokio::test]
async fn invite_then_accept_by_mail() {
    let s = server();
    let c = admin(s);
    let role: Value = c.roles().create(&json!({ "name": format!("Invited {}", directus_e2e::random_hex(3)) })).decode().await.unwrap();
    let role_id = role["id"].as_str().unwrap();
    let address = email();
    c.users().invite(&[address.as_str()], role_id, &Default::default()).await.unwrap();
    let invited: Vec<Value> = c.users().list(&q().filter(json!({ "email": { "_eq": address } }))).decode().await.unwrap();
    assert_eq!(invited[0]["status"], "invited");

    let token = fixtures::mail_token(s, &address).await;
    let anon = Client::new(&s.url).unwrap();
    anon.users().accept_invite(token.as_str(), "Accepted-123").await.unwrap();
    let active: Vec<Value> = c.users().list(&q().filter(json!({ "email": { "_eq": address } }))).decode().await.unwrap();
    assert_eq!(active[0]["status"], "active");
    anon.login(&address, "Accepted-123").await.expect("the invited user logs in with the new password");
    c.users().delete(active[0]["id"].as_str().unwrap()).await.unwrap();
    c.roles().delete(role_id).await.unwrap();
}

#[tokio::test]
async fn auth_login_refresh_logout_and_password_reset_by_mail() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let anon = Client::new(&s.url).unwrap();
    let a = anon.auth();
    let tokens = a.login(&user.email, user.password.as_str(), &directus_client::auth::LoginOptions::default().mode("json")).await.unwrap();
    assert!(tokens.expires > 0);
    let refresh = tokens.refresh_token.clone().expect("json mode returns the refresh token");
    assert!(!format!("{tokens:?}").contains(refresh.expose()), "tokens are redacted in Debug");
    // The reply starts a session (`session: start`): the client is logged in, as with `Client::login`.
    let stored = anon.session_tokens().await.expect("the login reply logged the client in");
    assert_eq!(stored.refresh_token, refresh);
    let again = a.refresh(refresh.expose(), &directus_client::auth::RefreshOptions::default().mode("json")).await.unwrap();
    let spent = a.refresh(refresh.expose(), &Default::default()).await.expect_err("a refresh token works once");
    assert_eq!(spent.code(), Some(&ErrorCode::InvalidCredentials));
    let current = again.refresh_token.expect("new refresh token");
    a.logout(&directus_client::auth::LogoutOptions::default().refresh_token(current.clone()).mode("json")).await.unwrap();
    assert!(anon.session_tokens().await.is_none(), "logging out the client's own session forgets it");
    assert!(a.refresh(current.expose(), &Default::default()).await.is_err(), "the session is over");

    let providers: Vec<Value> = a.list_providers().decode().await.unwrap();
    assert!(providers.is_empty(), "the Core licence has no SSO: {providers:?}");
    let err = a.start_sso("github", &Default::default()).await.expect_err("SSO is off under the Core licence");
    assert_eq!(err.code(), Some(&ErrorCode::RouteNotFound));
    assert!(err.hint().is_some_and(|h| h.contains("SSO is not enabled")), "{err}");

    // Password reset: the token comes from the captured mail.
    a.request_reset(&user.email, &Default::default()).await.unwrap();
    let token = fixtures::mail_token(s, &user.email).await;
    a.reset_password(token.as_str(), "Changed-98765").await.unwrap();
    anon.login(&user.email, "Changed-98765").await.expect("login with the new password");
    let reused = a.reset_password(token.as_str(), "Again-98765").await.expect_err("reset tokens work once");
    assert_eq!(reused.code(), Some(&ErrorCode::Forbidden));

    // The CLI logs in with the password on stdin and prints tokens.
    let mut child = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["auth", "login", "--email", &user.email, "--password-stdin", "--mode", "json"])
        .env("DIRECTUS_URL", &s.url)
        // The login is stored in a profile: not the user's own.
        .env("DIRECTUS_CONFIG_DIR", directus_e2e::temp_dir("access-profile"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"Changed-98765").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(printed["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    fixtures::delete_user(s, &user).await;
}
