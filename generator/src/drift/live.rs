//! Asking a running Directus: its OpenAPI document, its version, and whether a route exists.
//! The runtime crate is the HTTP client, so drift sees the server exactly as the generated client does.

use crate::model::Version;
use directus_runtime::{Auth, Client, Error, ErrorCode, Method, Operation, Request, Route};
use serde_json::Value;

pub struct Live {
    rt: tokio::runtime::Runtime,
    client: Client,
}

fn op(id: &'static str, method: Method, path: String) -> &'static Operation {
    // Probes are few and the process is short-lived; leaking gives the runtime its 'static data.
    let routes: &'static [Route] = Box::leak(vec![Route::new(Box::leak(path.into_boxed_str()))].into_boxed_slice());
    Box::leak(Box::new(Operation {
        id,
        method,
        routes,
        auth: Auth::Optional,
        since: None,
        removed_in: None,
        replacement: None,
        hints: &[],
        common_hints: &[],
        // A redirect answers the probe (the route exists); it is never followed.
        redirect: true,
        ..Operation::BASE
    }))
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
        let req = Request::new(op("server.openapi", Method::Get, "/server/specs/oas".into()));
        self.rt
            .block_on(async { self.client.execute(req).await?.json::<Value>().await })
            .map_err(|e| format!("reading the OpenAPI document: {e}"))
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
        let filled = path.to_owned();
        let result = self.rt.block_on(async { self.client.execute(Request::new(op("drift.probe", m, filled))).await.map(|_| ()) });
        match result {
            Ok(()) => Some(true),
            Err(Error::Api { errors, status: 404, .. }) if errors.first().is_some_and(|e| e.code == ErrorCode::RouteNotFound) => Some(false),
            Err(Error::Api { .. }) => Some(true),
            Err(_) => None,
        }
    }
}
