//! The scope of a statistic: the whole platform, an area of the venue
//! network, one venue, a course, a category or a club.

use std::collections::{HashMap, HashSet};

use crate::bundle::Bundle;
use crate::id::{ClubId, CourseId, VenueId};
use crate::model::codes::{FIELD_NOT_APPLICABLE, REQUIRED_FOR_KIND};
use crate::model::{Category, Course, Session, Taxonomy, Venue, VenueTier};
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};
use crate::season::ScopeKind;

use super::codes;

/// The scope of a statistic.
///
/// Written in JSON with a `kind`: `{"kind": "platform"}`,
/// `{"kind": "district", "venue_id": "…"}`, `{"kind": "street", "venue_id":
/// "…"}`, `{"kind": "venue", "venue_id": "…"}`, `{"kind": "course",
/// "course_id": "…"}`, `{"kind": "category", "category": "health"}` or
/// `{"kind": "club", "club_id": "…"}`.
///
/// The platform, district and street scopes are *area* scopes: a learner
/// belongs to them by home venue (`home_venue_id` in the area), and a
/// district or street covers its venue and every venue below it. The venue,
/// course, category and club scopes count learners by enrolment or
/// attendance instead. `docs/statistics.md` has the full rules.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every learner and venue of the bundle.
    Platform,
    /// A district-tier venue and its venue subtree.
    District {
        /// The district venue.
        venue_id: VenueId,
    },
    /// A street-tier venue and its venue subtree.
    Street {
        /// The street venue.
        venue_id: VenueId,
    },
    /// One venue of any tier, without the venues below it.
    Venue {
        /// The venue.
        venue_id: VenueId,
    },
    /// One course.
    Course {
        /// The course.
        course_id: CourseId,
    },
    /// The courses of a category and of its subcategories.
    Category {
        /// The category.
        category: Category,
    },
    /// One club.
    Club {
        /// The club.
        club_id: ClubId,
    },
}

impl Scope {
    /// Returns the kind of the scope, as its JSON form writes it.
    fn kind(&self) -> ScopeKind {
        match self {
            Self::Platform => ScopeKind::Platform,
            Self::District { .. } => ScopeKind::District,
            Self::Street { .. } => ScopeKind::Street,
            Self::Venue { .. } => ScopeKind::Venue,
            Self::Course { .. } => ScopeKind::Course,
            Self::Category { .. } => ScopeKind::Category,
            Self::Club { .. } => ScopeKind::Club,
        }
    }
}

/// Returns the field that names what a scope of `kind` covers, if it
/// needs one.
fn needed_field(kind: ScopeKind) -> Option<&'static str> {
    match kind {
        ScopeKind::Platform => None,
        ScopeKind::District | ScopeKind::Street | ScopeKind::Venue => Some("venue_id"),
        ScopeKind::Course => Some("course_id"),
        ScopeKind::Category => Some("category"),
        ScopeKind::Club => Some("club_id"),
    }
}

/// The JSON form of a scope: a `kind` and the one field it needs. It is
/// read as a record is, so the kind and the id are trimmed as CSV cells
/// are, and each problem has its code, path and value.
impl Record for Scope {
    const KIND: &'static str = "scope";

    const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::required("kind"),
        FieldSpec::optional("venue_id"),
        FieldSpec::optional("course_id"),
        FieldSpec::optional("category"),
        FieldSpec::optional("club_id"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let kind = reader.required::<ScopeKind>("kind");
        let venue_id = reader.optional::<VenueId>("venue_id");
        let course_id = reader.optional::<CourseId>("course_id");
        let category = reader.optional::<Category>("category");
        let club_id = reader.optional::<ClubId>("club_id");
        let kind = kind?;

        let needed = needed_field(kind);
        let described = format!("a {kind} scope");
        for field in ["venue_id", "course_id", "category", "club_id"] {
            if reader.has(field) && Some(field) != needed {
                let problem = Problem::new(FIELD_NOT_APPLICABLE, reader.path().join(field))
                    .with("field", field)
                    .with("kind", described.as_str());
                reader.report(problem);
            }
        }
        if let Some(field) = needed
            && !reader.has(field)
        {
            let problem = Problem::new(REQUIRED_FOR_KIND, reader.path().join(field))
                .with("field", field)
                .with("kind", described.as_str());
            reader.report(problem);
        }
        if reader.failed() {
            return None;
        }

        match kind {
            ScopeKind::Platform => Some(Self::Platform),
            ScopeKind::District => venue_id.map(|venue_id| Self::District { venue_id }),
            ScopeKind::Street => venue_id.map(|venue_id| Self::Street { venue_id }),
            ScopeKind::Venue => venue_id.map(|venue_id| Self::Venue { venue_id }),
            ScopeKind::Course => course_id.map(|course_id| Self::Course { course_id }),
            ScopeKind::Category => category.map(|category| Self::Category { category }),
            ScopeKind::Club => club_id.map(|club_id| Self::Club { club_id }),
        }
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        writer.put("kind", &self.kind());
        match self {
            Self::Platform => {}
            Self::District { venue_id } | Self::Street { venue_id } | Self::Venue { venue_id } => {
                writer.put("venue_id", venue_id);
            }
            Self::Course { course_id } => writer.put("course_id", course_id),
            Self::Category { category } => writer.put("category", category),
            Self::Club { club_id } => writer.put("club_id", club_id),
        }
    }
}

crate::record_serde!(Scope);

impl Scope {
    /// Returns whether learners belong to the scope by home venue: the
    /// platform, district and street scopes.
    pub fn is_area(&self) -> bool {
        matches!(
            self,
            Self::Platform | Self::District { .. } | Self::Street { .. }
        )
    }
}

/// A scope checked against a bundle, with what deciding membership needs.
#[derive(Debug)]
pub(super) enum Resolved<'a> {
    Platform,
    /// A district or street: its venue and the venues of its subtree.
    Area {
        venue: &'a Venue,
        subtree: HashSet<VenueId>,
    },
    Venue(&'a Venue),
    Course(CourseId),
    Category {
        category: Category,
        taxonomy: Taxonomy,
    },
    Club(ClubId),
}

impl<'a> Resolved<'a> {
    /// Checks `scope` against the bundle and returns it resolved, or the
    /// problems under `path`. `children` lists the venues below each venue,
    /// as [`venue_children`] returns them for the bundle's venues.
    pub fn new(
        scope: &Scope,
        bundle: &'a Bundle,
        venues: &HashMap<VenueId, &'a Venue>,
        children: &HashMap<VenueId, Vec<VenueId>>,
        path: &Path,
    ) -> Result<Self, Problems> {
        let not_found = |field: &'static str, kind: &'static str, value: String| {
            Problems::from(
                Problem::new(codes::SCOPE_NOT_FOUND, path.join(field))
                    .with("kind", kind)
                    .with("value", value),
            )
        };
        match scope {
            Scope::Platform => Ok(Self::Platform),
            Scope::District { venue_id } | Scope::Street { venue_id } => {
                let (tier, kind) = match scope {
                    Scope::District { .. } => (VenueTier::District, "district"),
                    _ => (VenueTier::Street, "street"),
                };
                let Some(venue) = venues.get(venue_id).copied() else {
                    return Err(not_found("venue_id", "venue", venue_id.to_string()));
                };
                if venue.tier != tier {
                    return Err(
                        Problem::new(codes::SCOPE_TIER_MISMATCH, path.join("venue_id"))
                            .with("value", venue_id.to_string())
                            .with("tier", venue.tier.as_str())
                            .with("kind", kind)
                            .into(),
                    );
                }
                Ok(Self::Area {
                    venue,
                    subtree: subtree(venue.id, children),
                })
            }
            Scope::Venue { venue_id } => venues
                .get(venue_id)
                .map(|venue| Self::Venue(venue))
                .ok_or_else(|| not_found("venue_id", "venue", venue_id.to_string())),
            Scope::Course { course_id } => {
                if bundle.courses.iter().any(|course| course.id == *course_id) {
                    Ok(Self::Course(*course_id))
                } else {
                    Err(not_found("course_id", "course", course_id.to_string()))
                }
            }
            Scope::Category { category } => {
                let taxonomy = bundle.taxonomy();
                if taxonomy.contains(category) {
                    Ok(Self::Category {
                        category: category.clone(),
                        taxonomy,
                    })
                } else {
                    Err(not_found("category", "category", category.to_string()))
                }
            }
            Scope::Club { club_id } => {
                if bundle.clubs.iter().any(|club| club.id == *club_id) {
                    Ok(Self::Club(*club_id))
                } else {
                    Err(not_found("club_id", "club", club_id.to_string()))
                }
            }
        }
    }

    /// Returns whether learners belong by home venue.
    pub fn is_area(&self) -> bool {
        matches!(self, Self::Platform | Self::Area { .. })
    }

    /// Returns whether venue `venue` is a place of the scope: any venue for
    /// the platform, the subtree of an area, the venue itself for a venue
    /// scope, and none for the other scopes.
    pub fn is_place(&self, venue: VenueId) -> bool {
        match self {
            Self::Platform => true,
            Self::Area { subtree, .. } => subtree.contains(&venue),
            Self::Venue(own) => own.id == venue,
            _ => false,
        }
    }

    /// Returns whether the scope is a place (platform, area or venue), which
    /// has venues, population figures, clubs and communities.
    pub fn is_place_scope(&self) -> bool {
        matches!(self, Self::Platform | Self::Area { .. } | Self::Venue(_))
    }

    /// Returns the venue whose population figures the scope uses: the
    /// district or street venue, or the venue of a venue scope.
    pub fn population_venue(&self) -> Option<&'a Venue> {
        match self {
            Self::Area { venue, .. } | Self::Venue(venue) => Some(venue),
            _ => None,
        }
    }

    /// Returns whether a session is one of the scope's own activities: held
    /// at one of its places, or owned by its course, a course of its
    /// category, or its club.
    pub fn has_session(
        &self,
        session: &Session,
        course_of: impl Fn(CourseId) -> Option<&'a Course>,
    ) -> bool {
        match self {
            Self::Platform | Self::Area { .. } | Self::Venue(_) => self.is_place(session.venue_id),
            Self::Course(course) => session.course_id() == Some(*course),
            Self::Category { .. } => session
                .course_id()
                .and_then(course_of)
                .is_some_and(|course| self.has_category(&course.category)),
            Self::Club(club) => session.club_id() == Some(*club),
        }
    }

    /// Returns whether `category` is the scope's category or one of its
    /// subcategories; false for scopes that are not a category.
    pub fn has_category(&self, category: &Category) -> bool {
        let Self::Category {
            category: target,
            taxonomy,
        } = self
        else {
            return false;
        };
        let mut current = Some(category);
        // Taxonomies are shallow; the bound guards against a cycle of
        // user-defined parents.
        for _ in 0..16 {
            let Some(key) = current else {
                return false;
            };
            if key == target {
                return true;
            }
            current = taxonomy
                .get(key)
                .and_then(|definition| definition.parent.as_ref());
        }
        false
    }
}

/// Returns the venues directly below each venue of `venues` that has any.
pub(super) fn venue_children(venues: &[Venue]) -> HashMap<VenueId, Vec<VenueId>> {
    let mut children: HashMap<VenueId, Vec<VenueId>> = HashMap::new();
    for venue in venues {
        if let Some(parent) = venue.parent_id {
            children.entry(parent).or_default().push(venue.id);
        }
    }
    children
}

/// Returns the venue `root` and every venue below it, from the lists of
/// [`venue_children`]. Each venue is visited once, so a loop of parents
/// ends the walk instead of repeating it.
fn subtree(root: VenueId, children: &HashMap<VenueId, Vec<VenueId>>) -> HashSet<VenueId> {
    let mut found = HashSet::from([root]);
    let mut pending = vec![root];
    while let Some(current) = pending.pop() {
        for child in children.get(&current).into_iter().flatten() {
            if found.insert(*child) {
                pending.push(*child);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scope_json_forms() {
        let district: Scope = serde_json::from_value(json!({
            "kind": "district", "venue_id": "10000000-0000-4000-8000-000000000001"
        }))
        .unwrap();
        assert!(matches!(district, Scope::District { .. }));
        assert!(district.is_area());
        let platform: Scope = serde_json::from_value(json!({"kind": "platform"})).unwrap();
        assert_eq!(platform, Scope::Platform);
        let category: Scope =
            serde_json::from_value(json!({"kind": "category", "category": "health"})).unwrap();
        assert!(!category.is_area());
        assert!(
            serde_json::from_value::<Scope>(json!({"kind": "course", "venue_id": "x"})).is_err()
        );
        assert!(serde_json::from_value::<Scope>(json!({"kind": "planet"})).is_err());
        let error = serde_json::from_value::<Scope>(json!("platform")).unwrap_err();
        assert!(error.to_string().contains("an object"), "{error}");
        assert!(
            serde_json::from_value::<Scope>(json!({"kind": "platform", "venue_id": "x"})).is_err()
        );
        let extra =
            json!({"kind": "club", "club_id": "c0000000-0000-4000-8000-000000000001", "x": 1});
        assert!(serde_json::from_value::<Scope>(extra).is_err());
    }

    #[test]
    fn scope_fields_read_as_cells() {
        let codes_at = |value: serde_json::Value| -> Vec<(&'static str, String)> {
            Scope::from_json(&value, &Path::root())
                .unwrap_err()
                .iter()
                .map(|problem| (problem.code.as_str(), problem.path.to_string()))
                .collect()
        };
        let venue = "10000000-0000-4000-8000-000000000001";
        let spaced = json!({"kind": " street\t", "venue_id": format!("\u{3000}{venue} ")});
        assert_eq!(
            Scope::from_json(&spaced, &Path::root()).unwrap(),
            Scope::Street {
                venue_id: venue.parse().unwrap()
            }
        );
        assert_eq!(
            codes_at(json!({"kind": "street", "venue_id": format!("{venue}\u{2028}")})),
            vec![("invalid_uuid", "venue_id".to_owned())]
        );
        assert_eq!(
            codes_at(json!({"kind": "street"})),
            vec![("required_for_kind", "venue_id".to_owned())]
        );
        assert_eq!(
            codes_at(json!({"kind": "platform", "club_id": venue})),
            vec![("field_not_applicable", "club_id".to_owned())]
        );
        assert_eq!(
            codes_at(json!({"kind": "planet"})),
            vec![("invalid_choice", "kind".to_owned())]
        );
    }

    #[test]
    fn scopes_round_trip_through_serde() {
        let venue_id: VenueId = "10000000-0000-4000-8000-000000000001".parse().unwrap();
        let course_id: CourseId = "20000000-0000-4000-8000-000000000002".parse().unwrap();
        let club_id: ClubId = "c0000000-0000-4000-8000-000000000003".parse().unwrap();
        let venue = json!("10000000-0000-4000-8000-000000000001");
        let cases = [
            (Scope::Platform, json!({"kind": "platform"})),
            (
                Scope::District { venue_id },
                json!({"kind": "district", "venue_id": venue}),
            ),
            (
                Scope::Street { venue_id },
                json!({"kind": "street", "venue_id": venue}),
            ),
            (
                Scope::Venue { venue_id },
                json!({"kind": "venue", "venue_id": venue}),
            ),
            (
                Scope::Course { course_id },
                json!({"kind": "course", "course_id": "20000000-0000-4000-8000-000000000002"}),
            ),
            (
                Scope::Category {
                    category: Category::new("health").unwrap(),
                },
                json!({"kind": "category", "category": "health"}),
            ),
            (
                Scope::Club { club_id },
                json!({"kind": "club", "club_id": "c0000000-0000-4000-8000-000000000003"}),
            ),
        ];
        for (scope, written) in cases {
            assert_eq!(serde_json::to_value(&scope).unwrap(), written);
            let text = serde_json::to_string(&scope).unwrap();
            assert_eq!(
                serde_json::from_str::<Scope>(&text).unwrap(),
                scope,
                "{text}"
            );
        }
    }

    #[test]
    fn serde_errors_name_the_field_and_value() {
        let error = serde_json::from_value::<Scope>(json!({"kind": "district", "venue_id": "x"}))
            .unwrap_err()
            .to_string();
        assert!(error.contains("venue_id"), "{error}");
        assert!(error.contains("\"x\""), "{error}");
        let error = serde_json::from_value::<Scope>(json!({"kind": "planet"}))
            .unwrap_err()
            .to_string();
        assert!(error.contains("planet"), "{error}");
        assert!(error.contains("district"), "{error}");
    }

    #[test]
    fn subtree_survives_a_cycle() {
        let id =
            |n: u32| -> VenueId { format!("10000000-0000-4000-8000-{n:012}").parse().unwrap() };
        let venue = |n: u32, parent: Option<u32>| Venue {
            id: id(n),
            source: None,
            name: format!("venue {n}"),
            tier: VenueTier::Community,
            parent_id: parent.map(id),
            time_zone: chrono_tz::Asia::Shanghai,
            location: None,
            seats: None,
            population: None,
            older_population: None,
        };
        let venues = [
            venue(1, Some(3)),
            venue(2, Some(1)),
            venue(3, Some(2)),
            venue(4, None),
        ];
        let found = subtree(id(1), &venue_children(&venues));
        assert_eq!(found.len(), 3);
        assert!(!found.contains(&id(4)));
    }
}
