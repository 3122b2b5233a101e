//! The checks of a single scan that do not depend on other scans: token,
//! geofence and window. The batch engine and the preview share them.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::field::format_instant;
use crate::model::{GeoPoint, Scan, ScanDirection, ShortText};
use crate::problem::{Code, Params};

use super::codes;
use super::policy::AttendancePolicy;
use super::status::SessionWindows;
use super::token::{SessionSecret, TokenRejection};

/// Why a scan is rejected: a code and the values its message needs.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Rejection {
    pub code: Code,
    pub params: Params,
}

impl Rejection {
    pub fn new(code: Code) -> Self {
        Self {
            code,
            params: Params::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self
    }
}

/// Checks the token of `scan` when a secret is known and the policy
/// requires a token for the scan's method.
pub(super) fn check_token(
    secret: Option<&SessionSecret>,
    scan: &Scan,
    policy: &AttendancePolicy,
) -> Result<(), Rejection> {
    let Some(secret) = secret else {
        return Ok(());
    };
    if !policy.token.is_required_for(scan.method) {
        return Ok(());
    }
    let Some(token) = scan.token.as_ref().map(ShortText::text) else {
        return Err(Rejection::new(codes::MISSING_TOKEN).with("method", scan.method.as_str()));
    };
    match secret.verify(&token, scan.scanned_at, &policy.token) {
        Ok(_) => Ok(()),
        Err(TokenRejection::Invalid) => Err(Rejection::new(codes::INVALID_TOKEN)),
        Err(TokenRejection::StaticNotAllowed) => {
            Err(Rejection::new(codes::STATIC_TOKEN_NOT_ALLOWED))
        }
        Err(TokenRejection::NotYetValid(window)) => Err(Rejection::new(codes::TOKEN_NOT_YET_VALID)
            .with("valid_from", format_instant(&window.starts_at))),
        Err(TokenRejection::Expired(window)) => Err(Rejection::new(codes::EXPIRED_TOKEN)
            .with("valid_until", format_instant(&window.accepted_until))),
    }
}

/// Checks the scan's location against the venue's, when the geofence is on.
/// A venue without a location cannot be checked, and neither can a scan
/// without one unless the policy requires a location.
pub(super) fn check_geofence(
    venue: Option<GeoPoint>,
    location: Option<GeoPoint>,
    policy: &AttendancePolicy,
) -> Result<(), Rejection> {
    let Some(radius) = policy.geofence.radius_metres else {
        return Ok(());
    };
    match (location, venue) {
        (None, _) if policy.geofence.location_required => {
            Err(Rejection::new(codes::MISSING_LOCATION))
        }
        (Some(location), Some(venue)) => {
            let distance = location.distance_metres(venue);
            if distance > f64::from(radius) {
                Err(Rejection::new(codes::OUTSIDE_GEOFENCE)
                    .with("distance_metres", distance.round() as u64)
                    .with("radius_metres", radius))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// Checks that a scan received at `at` lies in the window of its direction:
/// check-ins from the opening to the check-in close, check-outs from the
/// opening to the check-out close, both bounds included.
pub(super) fn check_window(
    windows: &SessionWindows,
    direction: ScanDirection,
    at: DateTime<Utc>,
) -> Result<(), Rejection> {
    let closes_at = match direction {
        ScanDirection::CheckIn => windows.check_in_closes_at,
        ScanDirection::CheckOut => windows.check_out_closes_at,
    };
    if at < windows.check_in_opens_at {
        return Err(Rejection::new(codes::TOO_EARLY)
            .with("scanned_at", format_instant(&at))
            .with("opens_at", format_instant(&windows.check_in_opens_at)));
    }
    if at > closes_at {
        return Err(Rejection::new(codes::TOO_LATE)
            .with("scanned_at", format_instant(&at))
            .with("closes_at", format_instant(&closes_at)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(latitude: f64, longitude: f64) -> Option<GeoPoint> {
        Some(GeoPoint {
            latitude,
            longitude,
        })
    }

    #[test]
    fn geofence_off_by_default() {
        let policy = AttendancePolicy::default();
        assert!(check_geofence(point(30.0, 120.0), point(31.0, 121.0), &policy).is_ok());
    }

    #[test]
    fn geofence_radius_and_missing_location() {
        let mut policy = AttendancePolicy::default();
        policy.geofence.radius_metres = Some(200);
        // 0.001 degrees of latitude is about 111 m.
        assert!(check_geofence(point(30.0, 120.0), point(30.001, 120.0), &policy).is_ok());
        let far = check_geofence(point(30.0, 120.0), point(30.003, 120.0), &policy).unwrap_err();
        assert_eq!(far.code, codes::OUTSIDE_GEOFENCE);
        assert_eq!(far.params["distance_metres"], 334);
        assert!(check_geofence(point(30.0, 120.0), None, &policy).is_ok());
        assert!(check_geofence(None, point(30.003, 120.0), &policy).is_ok());
        policy.geofence.location_required = true;
        let missing = check_geofence(point(30.0, 120.0), None, &policy).unwrap_err();
        assert_eq!(missing.code, codes::MISSING_LOCATION);
    }
}
