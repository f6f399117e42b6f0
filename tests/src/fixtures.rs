//! Test data made through the REST API with the admin token: throw-away users with just the
//! rights 2FA needs. They take no licence seat (no app access), and failed logins against them
//! never suspend the admin.

use crate::server::Server;
use serde_json::{json, Value};

pub struct TestUser {
    pub id: String,
    pub email: String,
    pub password: String,
}

async fn admin(server: &Server, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let mut req = reqwest::Client::new().request(method.clone(), format!("{}{path}", server.url)).bearer_auth(&server.admin_token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    assert!(status.is_success(), "{method} {path} answered {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A policy without app access that may read and update users, which enabling 2FA needs.
pub async fn tfa_policy(server: &Server) -> String {
    let policy = admin(
        server,
        reqwest::Method::POST,
        "/policies",
        Some(json!({"name": format!("tfa-{}", crate::random_hex(4)), "app_access": false, "admin_access": false})),
    )
    .await;
    let id = policy["data"]["id"].as_str().expect("policy id").to_owned();
    let perms: Vec<Value> = ["read", "update"]
        .iter()
        .map(|a| json!({"policy": id, "collection": "directus_users", "action": a, "fields": ["*"]}))
        .collect();
    admin(server, reqwest::Method::POST, "/permissions", Some(Value::Array(perms))).await;
    id
}

pub async fn create_user(server: &Server) -> TestUser {
    let policy = tfa_policy(server).await;
    let email = format!("u-{}@example.com", crate::random_hex(6));
    let password = format!("Pw-{}", crate::random_hex(8));
    let user = admin(
        server,
        reqwest::Method::POST,
        "/users",
        Some(json!({"email": email, "password": password, "status": "active", "policies": [{"policy": policy}]})),
    )
    .await;
    TestUser { id: user["data"]["id"].as_str().expect("user id").to_owned(), email, password }
}

pub async fn delete_user(server: &Server, user: &TestUser) {
    admin(server, reqwest::Method::DELETE, &format!("/users/{}", user.id), None).await;
}

/// A raw login, to hand the CLI an access token.
pub async fn access_token(server: &Server, user: &TestUser) -> String {
    let resp = reqwest::Client::new()
        .post(format!("{}/auth/login", server.url))
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .expect("login request");
    let body: Value = resp.json().await.expect("login reply");
    body["data"]["access_token"].as_str().unwrap_or_else(|| panic!("no access token in {body}")).to_owned()
}

/// Waits (up to 20 s) for a captured mail to `to` and returns the `token` of its link.
pub async fn mail_token(server: &Server, to: &str) -> String {
    for _ in 0..80 {
        if let Ok(entries) = std::fs::read_dir(&server.mail_dir) {
            for entry in entries.flatten() {
                let raw = std::fs::read_to_string(entry.path()).unwrap_or_default();
                // Quoted-printable: join soft line breaks, decode `=3D`.
                let text = raw.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
                if !text.lines().any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to)) {
                    continue;
                }
                if let Some(start) = text.find("token=") {
                    let token: String = text[start + 6..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
                    if !token.is_empty() {
                        return token;
                    }
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("no mail with a token reached {to} in {}", server.mail_dir.display());
}
