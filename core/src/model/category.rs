use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::field::{FieldValue, Invalid};
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::codes;

/// A course category: a snake_case key from a [`Taxonomy`], such as `tai_chi`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Category(String);

impl Category {
    /// The longest key accepted, in bytes.
    pub const MAX_LEN: usize = 64;

    /// Makes a category from a key of lowercase ASCII letters, digits and
    /// underscores that starts with a letter; `None` otherwise.
    pub fn new(key: &str) -> Option<Self> {
        let mut bytes = key.bytes();
        let starts_with_letter = bytes.next().is_some_and(|byte| byte.is_ascii_lowercase());
        let rest_ok =
            bytes.all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_');
        (starts_with_letter && rest_ok && key.len() <= Self::MAX_LEN).then(|| Self(key.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Category({})", self.0)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FieldValue for Category {
    fn from_text(text: &str) -> Result<Self, Invalid> {
        Self::new(text).ok_or_else(|| Invalid::new(codes::INVALID_CATEGORY_KEY))
    }

    fn to_text(&self) -> String {
        self.0.clone()
    }
}

/// A category definition: its key, its names, and the broader category it
/// belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryDef {
    /// The key used in courses and rules.
    pub key: Category,
    /// The English name.
    pub name_en: String,
    /// The Chinese name.
    pub name_zh: String,
    /// The broader category, if any (for example `arts` for `calligraphy`).
    pub parent: Option<Category>,
}

impl Record for CategoryDef {
    const KIND: &'static str = "category";
    const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::required("key"),
        FieldSpec::required("name_en"),
        FieldSpec::required("name_zh"),
        FieldSpec::optional("parent"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let key = reader.required("key");
        let name_en = reader.required("name_en");
        let name_zh = reader.required("name_zh");
        let parent = reader.optional("parent");
        if reader.failed() {
            return None;
        }
        Some(Self {
            key: key?,
            name_en: name_en?,
            name_zh: name_zh?,
            parent,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        writer.put("key", &self.key);
        writer.put("name_en", &self.name_en);
        writer.put("name_zh", &self.name_zh);
        writer.put_opt("parent", &self.parent);
    }
}

/// The built-in categories: key, English name, Chinese name, parent key.
///
/// They cover the courses and activities of community schools, senior
/// universities and cultural halls: arts, health and movement, digital
/// skills, home life, vocational training with certificates, talks and
/// lectures, children's classes and reading.
const BUILT_IN: &[(&str, &str, &str, Option<&str>)] = &[
    ("arts", "Arts", "文化艺术", None),
    (
        "traditional_painting",
        "Traditional Chinese painting",
        "国画",
        Some("arts"),
    ),
    ("calligraphy", "Calligraphy", "书法", Some("arts")),
    ("photography", "Photography", "摄影", Some("arts")),
    ("dance", "Dance", "舞蹈", Some("arts")),
    ("choir", "Choir", "合唱", Some("arts")),
    ("music", "Music", "音乐", Some("arts")),
    ("opera", "Chinese opera", "戏曲", Some("arts")),
    (
        "handicraft",
        "Handicraft and sewing",
        "手工与缝纫",
        Some("arts"),
    ),
    ("health", "Health and movement", "健康养生", None),
    ("tai_chi", "Tai chi", "太极拳", Some("health")),
    ("qigong", "Qigong", "气功", Some("health")),
    ("fitness", "Fitness and sports", "健身运动", Some("health")),
    ("health_talk", "Health talk", "健康讲座", Some("health")),
    ("digital", "Digital skills", "数字技能", None),
    (
        "smartphone_skills",
        "Smartphone skills",
        "智能手机应用",
        Some("digital"),
    ),
    (
        "computer_skills",
        "Computer skills",
        "电脑应用",
        Some("digital"),
    ),
    ("home_life", "Home life", "家庭生活", None),
    (
        "home_gardening",
        "Home gardening",
        "家庭园艺",
        Some("home_life"),
    ),
    ("cooking", "Cooking", "烹饪", Some("home_life")),
    (
        "parenting",
        "Parenting and family education",
        "家庭教育",
        Some("home_life"),
    ),
    ("vocational", "Vocational training", "职业技能培训", None),
    (
        "childcare_worker",
        "Childcare worker",
        "育婴员",
        Some("vocational"),
    ),
    ("beautician", "Beautician", "美容师", Some("vocational")),
    (
        "elderly_care_worker",
        "Elderly care worker",
        "养老护理员",
        Some("vocational"),
    ),
    ("lectures", "Talks and lectures", "讲座", None),
    ("policy_talk", "Policy talk", "政策宣讲", Some("lectures")),
    (
        "moral_lecture",
        "Moral and civic lecture",
        "道德讲堂",
        Some("lectures"),
    ),
    (
        "science_lecture",
        "Popular science lecture",
        "科普讲座",
        Some("lectures"),
    ),
    (
        "history_culture",
        "History and local culture",
        "历史与乡土文化",
        Some("lectures"),
    ),
    (
        "children_holiday",
        "Children's holiday class",
        "青少年假期班",
        None,
    ),
    ("reading", "Reading", "阅读", None),
    ("languages", "Languages", "语言学习", None),
    ("volunteering", "Volunteer service", "志愿服务", None),
    ("club_activity", "Club activity", "社团活动", None),
    ("other", "Other", "其他", None),
];

/// The set of known categories: the built-in ones plus any a user defines.
///
/// # Example
///
/// ```
/// use xuetong::model::{Category, Taxonomy};
///
/// let taxonomy = Taxonomy::built_in();
/// let tai_chi = Category::new("tai_chi").unwrap();
/// assert!(taxonomy.contains(&tai_chi));
/// assert_eq!(taxonomy.get(&tai_chi).unwrap().name_zh, "太极拳");
/// assert_eq!(taxonomy.root_of(&tai_chi).unwrap().as_str(), "health");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Taxonomy {
    categories: BTreeMap<Category, CategoryDef>,
}

impl Taxonomy {
    /// The built-in categories.
    pub fn built_in() -> Self {
        let mut categories = BTreeMap::new();
        for &(key, en, zh, parent) in BUILT_IN {
            let Some(key) = Category::new(key) else {
                continue;
            };
            let definition = CategoryDef {
                key: key.clone(),
                name_en: en.to_owned(),
                name_zh: zh.to_owned(),
                parent: parent.and_then(Category::new),
            };
            categories.insert(key, definition);
        }
        Self { categories }
    }

    /// Checks whether `category` is one of the built-in categories. Cheaper
    /// than [`Taxonomy::built_in`] followed by [`Taxonomy::contains`],
    /// because it builds no taxonomy.
    pub fn is_built_in(category: &Category) -> bool {
        BUILT_IN.iter().any(|&(key, ..)| key == category.as_str())
    }

    /// The built-in categories extended by `definitions`; a definition with a
    /// built-in key replaces the built-in one.
    ///
    /// # Errors
    ///
    /// Returns `unknown_category` for a parent that is neither built in nor
    /// defined, with the path `[index, "parent"]` of the definition.
    pub fn extended(definitions: &[CategoryDef]) -> Result<Self, Problems> {
        let mut taxonomy = Self::built_in();
        for definition in definitions {
            taxonomy
                .categories
                .insert(definition.key.clone(), definition.clone());
        }
        let mut problems = Problems::new();
        for (index, definition) in definitions.iter().enumerate() {
            if let Some(parent) = &definition.parent
                && !taxonomy.contains(parent)
            {
                problems.push(
                    Problem::new(
                        codes::UNKNOWN_CATEGORY,
                        Path::root().join(index).join("parent"),
                    )
                    .with("field", "parent")
                    .with("value", parent.as_str()),
                );
            }
        }
        problems.into_result(taxonomy)
    }

    /// Whether `category` is known.
    pub fn contains(&self, category: &Category) -> bool {
        self.categories.contains_key(category)
    }

    /// The definition of `category`.
    pub fn get(&self, category: &Category) -> Option<&CategoryDef> {
        self.categories.get(category)
    }

    /// The top-level category that `category` belongs to (itself when it has
    /// no parent). Stops after 16 steps in case the definitions form a cycle.
    pub fn root_of<'a>(&'a self, category: &'a Category) -> Option<&'a Category> {
        let mut current = self.categories.get(category)?;
        for _ in 0..16 {
            match current
                .parent
                .as_ref()
                .and_then(|parent| self.categories.get(parent))
            {
                Some(parent) => current = parent,
                None => return Some(&current.key),
            }
        }
        Some(&current.key)
    }

    /// Every definition, ordered by key.
    pub fn iter(&self) -> impl Iterator<Item = &CategoryDef> {
        self.categories.values()
    }
}

impl Default for Taxonomy {
    fn default() -> Self {
        Self::built_in()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_keys_are_snake_case() {
        assert!(Category::new("tai_chi").is_some());
        assert!(Category::new("level2_class").is_some());
        assert!(Category::new("Tai Chi").is_none());
        assert!(Category::new("_x").is_none());
        assert!(Category::new("").is_none());
        assert!(Category::new("太极").is_none());
    }

    #[test]
    fn is_built_in_agrees_with_built_in() {
        let taxonomy = Taxonomy::built_in();
        for &(key, ..) in BUILT_IN {
            let category = Category::new(key).unwrap();
            assert!(Taxonomy::is_built_in(&category), "{key}");
            assert!(taxonomy.contains(&category), "{key}");
        }
        let pottery = Category::new("pottery").unwrap();
        assert!(!Taxonomy::is_built_in(&pottery));
        assert!(!taxonomy.contains(&pottery));
    }

    #[test]
    fn built_in_holds_the_named_courses() {
        let taxonomy = Taxonomy::built_in();
        for key in [
            "traditional_painting",
            "tai_chi",
            "smartphone_skills",
            "calligraphy",
            "photography",
            "dance",
            "home_gardening",
            "choir",
        ] {
            assert!(taxonomy.contains(&Category::new(key).unwrap()), "{key}");
        }
        for definition in taxonomy.iter() {
            if let Some(parent) = &definition.parent {
                assert!(taxonomy.contains(parent), "{parent}");
            }
        }
    }

    #[test]
    fn extension_adds_and_checks_parents() {
        let pottery = CategoryDef {
            key: Category::new("pottery").unwrap(),
            name_en: "Pottery".into(),
            name_zh: "陶艺".into(),
            parent: Category::new("arts"),
        };
        let taxonomy = Taxonomy::extended(std::slice::from_ref(&pottery)).unwrap();
        assert!(taxonomy.contains(&pottery.key));
        let orphan = CategoryDef {
            parent: Category::new("no_such_parent"),
            ..pottery
        };
        let problems = Taxonomy::extended(&[orphan]).unwrap_err();
        assert_eq!(problems.0[0].code, codes::UNKNOWN_CATEGORY);
    }
}
