//! Directus server versions, and the routes an operation has in each version range.

use std::fmt;
use std::str::FromStr;

/// A Directus release, `major.minor.patch`. Pre-release and build suffixes are ignored, since
/// routes never change between a release candidate and its release in the ranges the spec records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self { major, minor, patch }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Why a version string did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseVersionError(pub String);

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a version; expected MAJOR.MINOR.PATCH such as 12.4.1", self.0)
    }
}

impl std::error::Error for ParseVersionError {}

impl FromStr for Version {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let core = s.trim().split(['-', '+']).next().unwrap_or_default();
        let mut parts = core.split('.').map(|p| p.parse::<u32>());
        let err = || ParseVersionError(s.to_owned());
        let major = parts.next().and_then(Result::ok).ok_or_else(err)?;
        let minor = parts.next().map(|p| p.map_err(|_| err())).transpose()?.unwrap_or(0);
        let patch = parts.next().map(|p| p.map_err(|_| err())).transpose()?.unwrap_or(0);
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(Self::new(major, minor, patch))
    }
}

/// One path an operation is served at, for the versions `since <= v < until`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    pub path: &'static str,
    pub since: Option<Version>,
    pub until: Option<Version>,
}

impl Route {
    /// A route for every version.
    pub const fn new(path: &'static str) -> Self {
        Self { path, since: None, until: None }
    }

    pub fn serves(&self, v: Version) -> bool {
        self.since.is_none_or(|s| v >= s) && self.until.is_none_or(|u| v < u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let v: Version = "10.10.4".parse().unwrap();
        assert_eq!(v, Version::new(10, 10, 4));
        assert!(v < "10.11".parse().unwrap());
        assert_eq!("9.0.0-rc.99".parse::<Version>().unwrap(), Version::new(9, 0, 0));
        assert!("x.1".parse::<Version>().is_err());
        assert!("1.2.3.4".parse::<Version>().is_err());
    }

    #[test]
    fn route_ranges_are_half_open() {
        let r = Route { path: "/x", since: Some(Version::new(10, 7, 0)), until: Some(Version::new(11, 0, 0)) };
        assert!(!r.serves(Version::new(10, 6, 9)));
        assert!(r.serves(Version::new(10, 7, 0)));
        assert!(!r.serves(Version::new(11, 0, 0)));
    }
}
