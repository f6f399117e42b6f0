//! Asking a running Directus: its OpenAPI document, its version, and whether a route exists.
//! The runtime crate is the HTTP client, so drift sees the server exactly as the generated client does.

use crate::model::Version;
use directus_runtime::{Client, Error, ErrorCode, Method, Request};
use serde_json::Value;

pub struct Live {
    rt: tokio::runtime::Runtime,
    client: Client,
}

impl Live {
    pub fn connect(url: &str, token: Option<&str>) -> Result<Self, String> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("async runtime: {e}"))?;
        let mut builder = Client::builder(url).user_agent(concat!("directus-generator-drift/", env!("CARGO_PKG_VERSION")));
        if let Some(t) = token {
            builder = builder.token(t);
        }
        let client = builder.build().map_err(|e| format!("--url: {e}"))?;
        Ok(Self { rt, client })
    }

    pub fn oas(&self) -> Result<Value, String> {
        self.rt.block_on(self.client.custom(Method::Get, "/server/specs/oas").bare().send()).map_err(|e| format!("reading the OpenAPI document: {e}"))
    }

    pub fn version(&self) -> Result<Version, String> {
        let v = self.rt.block_on(self.client.server_version()).map_err(|e| format!("reading the server version: {e}"))?;
        Ok(Version(v.major, v.minor, v.patch))
    }

    /// Whether the server has the route at this concrete path: anything but 404 ROUTE_NOT_FOUND
    /// says yes. No body is sent and ids name no item, so a probe changes nothing on the server.
    pub fn probe(&self, method: &str, path: &str) -> Option<bool> {
        let m = match method {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PATCH" => Method::Patch,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            _ => Method::Search,
        };
        // The reply's body is not read: its status says enough.
        let result = self.rt.block_on(async { self.client.execute(Request::custom(m, path)).await.map(|_| ()) });
        match result {
            Ok(()) => Some(true),
            // A redirect answers the probe: the route exists.
            Err(Error::Redirect { .. }) => Some(true),
            Err(Error::Api { errors, status: 404, .. }) if errors.first().is_some_and(|e| e.code == ErrorCode::RouteNotFound) => Some(false),
            Err(Error::Api { .. }) => Some(true),
            Err(_) => None,
        }
    }
}
