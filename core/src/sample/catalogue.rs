//! The kinds of course the sample district offers, with the settings that
//! are realistic for each.

/// Who a template is for, which decides its age rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum For {
    /// Senior-university classes: audience `older_residents`, minimum age 50.
    Older,
    /// Adults of working age and older: minimum age 18.
    Adults,
    /// Anyone: no age rule.
    Anyone,
    /// Children: audience `children`, ages 6 to 14.
    Children,
}

/// Where in the three-level network a template is offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Level {
    /// By the district college, at the college or at a teaching point.
    District,
    /// By a street adult school.
    Street,
    /// By a village or community teaching point.
    Village,
}

/// One kind of course.
#[derive(Clone, Copy, Debug)]
pub(super) struct Template {
    /// The category key in the built-in taxonomy.
    pub category: &'static str,
    /// A short code stem for course codes.
    pub code: &'static str,
    /// The English title.
    pub title_en: &'static str,
    /// The Chinese title.
    pub title_zh: &'static str,
    pub audience: For,
    pub levels: &'static [Level],
    /// Relative number of courses of this kind.
    pub share: u32,
    /// Smallest and largest capacity; `None` for open talks without a limit.
    pub capacity: Option<(u32, u32)>,
    /// Whether learners may walk in without enrolling.
    pub walk_in: bool,
    /// Minutes per session.
    pub minutes: u32,
    /// Sessions per week: 1 or 2; 0 for a monthly talk.
    pub per_week: u32,
    /// Credits on completion in hundredths, when credits do not follow from
    /// hours.
    pub credit_value: Option<i64>,
    /// Whether completion needs a passed assessment (certificate courses).
    pub assessment: bool,
    /// Relative popularity, 1 to 4: how often learners pick it.
    pub popularity: u32,
}

const ANY_LEVEL: &[Level] = &[Level::District, Level::Street, Level::Village];
const STREET_OR_VILLAGE: &[Level] = &[Level::Street, Level::Village];
const DISTRICT_OR_STREET: &[Level] = &[Level::District, Level::Street];
const DISTRICT: &[Level] = &[Level::District];
const STREET: &[Level] = &[Level::Street];

/// The templates. The first eight are the courses the district names for
/// older learners (traditional painting, tai chi, smartphone skills,
/// calligraphy, photography, dance, home gardening and choir).
pub(super) const TEMPLATES: &[Template] = &[
    template("traditional_painting", "PAINT", "Traditional Chinese painting", "国画", For::Older, ANY_LEVEL, 8, Some((20, 30)), 120, 1, None, false, 3),
    template("tai_chi", "TAICHI", "Tai chi", "太极拳", For::Older, ANY_LEVEL, 10, Some((25, 40)), 90, 2, None, false, 4),
    template("smartphone_skills", "PHONE", "Smartphone skills: hospital booking, chat groups, photo albums, cinema tickets", "智能手机应用：预约挂号、建群、制作相册、购买电影票", For::Older, STREET_OR_VILLAGE, 10, Some((20, 30)), 90, 1, Some(150), false, 4),
    template("calligraphy", "CALLI", "Calligraphy", "书法", For::Older, ANY_LEVEL, 8, Some((20, 30)), 120, 1, None, false, 3),
    template("photography", "PHOTO", "Photography", "摄影", For::Older, DISTRICT_OR_STREET, 5, Some((20, 30)), 120, 1, None, false, 3),
    template("dance", "DANCE", "Dance", "舞蹈", For::Older, ANY_LEVEL, 8, Some((30, 45)), 90, 2, None, false, 4),
    template("home_gardening", "GARDEN", "Home gardening", "家庭园艺", For::Older, STREET_OR_VILLAGE, 5, Some((20, 30)), 90, 1, None, false, 2),
    template("choir", "CHOIR", "Choir", "合唱", For::Older, ANY_LEVEL, 6, Some((35, 50)), 120, 1, None, false, 3),
    template("music", "MUSIC", "Erhu and folk instruments", "二胡与民乐", For::Older, DISTRICT_OR_STREET, 3, Some((15, 25)), 90, 1, None, false, 2),
    template("opera", "OPERA", "Yue opera singing", "越剧演唱", For::Older, STREET_OR_VILLAGE, 3, Some((20, 30)), 90, 1, None, false, 2),
    template("handicraft", "CRAFT", "Sewing and handicraft", "缝纫与手工", For::Anyone, STREET_OR_VILLAGE, 4, Some((15, 25)), 120, 1, None, false, 2),
    template("qigong", "QIGONG", "Health qigong (Baduanjin)", "健身气功八段锦", For::Older, ANY_LEVEL, 5, Some((30, 45)), 60, 2, None, false, 3),
    template("fitness", "FIT", "Fitness for healthy ageing", "健康老龄健身", For::Adults, STREET_OR_VILLAGE, 4, Some((25, 40)), 60, 2, None, false, 2),
    template("computer_skills", "PC", "Computer skills", "电脑应用", For::Adults, DISTRICT_OR_STREET, 3, Some((20, 30)), 90, 1, Some(200), false, 2),
    template("cooking", "COOK", "Home cooking", "家常烹饪", For::Adults, STREET_OR_VILLAGE, 3, Some((15, 20)), 120, 1, None, false, 2),
    template("parenting", "PARENT", "Parenting and family education", "家庭教育", For::Adults, STREET_OR_VILLAGE, 3, Some((30, 50)), 90, 1, None, false, 1),
    template("languages", "LANG", "Everyday English", "日常英语", For::Adults, DISTRICT_OR_STREET, 3, Some((20, 30)), 90, 1, None, false, 2),
    template("childcare_worker", "CHILDCARE", "Childcare worker certificate course", "育婴员职业技能培训", For::Adults, STREET, 2, Some((30, 40)), 180, 1, Some(300), true, 2),
    template("beautician", "BEAUTY", "Beautician certificate course", "美容师职业技能培训", For::Adults, STREET, 1, Some((20, 30)), 180, 1, Some(300), true, 2),
    template("elderly_care_worker", "CARE", "Elderly care worker certificate course", "养老护理员职业技能培训", For::Adults, DISTRICT_OR_STREET, 1, Some((30, 40)), 180, 1, Some(300), true, 2),
    template("health_talk", "HEALTH", "Health talk", "健康讲座", For::Anyone, ANY_LEVEL, 4, None, 90, 0, None, false, 1),
    template("policy_talk", "POLICY", "Policy talk", "政策宣讲", For::Anyone, DISTRICT_OR_STREET, 2, None, 90, 0, None, false, 1),
    template("moral_lecture", "MORAL", "Moral and civic lecture", "道德讲堂", For::Anyone, STREET_OR_VILLAGE, 2, None, 90, 0, None, false, 1),
    template("science_lecture", "SCIENCE", "Popular science lecture", "科普讲座", For::Anyone, ANY_LEVEL, 2, None, 90, 0, None, false, 1),
    template("history_culture", "CULTURE", "Qiantang history and local culture", "钱塘历史与乡土文化", For::Anyone, DISTRICT, 1, Some((40, 60)), 90, 1, None, false, 1),
    template("reading", "READ", "Reading circle", "读书会", For::Anyone, STREET_OR_VILLAGE, 3, Some((20, 30)), 90, 1, None, false, 2),
    template("children_holiday", "KIDS", "Weekend class for children", "青少年周末班", For::Children, STREET_OR_VILLAGE, 6, Some((20, 30)), 90, 1, None, false, 3),
];

#[expect(clippy::too_many_arguments, reason = "a table row, read in column order")]
const fn template(
    category: &'static str,
    code: &'static str,
    title_en: &'static str,
    title_zh: &'static str,
    audience: For,
    levels: &'static [Level],
    share: u32,
    capacity: Option<(u32, u32)>,
    minutes: u32,
    per_week: u32,
    credit_value: Option<i64>,
    assessment: bool,
    popularity: u32,
) -> Template {
    Template {
        category,
        code,
        title_en,
        title_zh,
        audience,
        levels,
        share,
        capacity,
        walk_in: capacity.is_none(),
        minutes,
        per_week,
        credit_value,
        assessment,
        popularity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Taxonomy};

    #[test]
    fn templates_use_built_in_categories() {
        for template in TEMPLATES {
            let category = Category::new(template.category).unwrap();
            assert!(Taxonomy::is_built_in(&category), "{}", template.category);
            assert!(!template.levels.is_empty(), "{}", template.category);
        }
    }
}
