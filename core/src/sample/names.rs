//! Names of people and places. Every name is made up from common parts;
//! none belongs to a real person.

use super::rng::Rng;

/// Common Chinese family names, most frequent first.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "萧", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏", "吕", "丁",
    "任", "沈",
];

/// Characters of given names.
const GIVEN: &[&str] = &[
    "秀", "英", "华", "建", "国", "明", "丽", "芳", "军", "伟", "敏", "静", "强", "磊", "洋", "勇",
    "艳", "杰", "娟", "涛", "超", "霞", "平", "刚", "桂", "兰", "玉", "珍", "凤", "梅", "海", "红",
    "文", "燕", "萍", "荣", "林", "春", "金", "德", "志", "福", "庆", "卫", "东", "晓", "嘉", "宇",
    "欣", "怡", "浩", "然", "子", "涵", "雨", "轩", "琳", "博", "思", "睿",
];

/// Names that must survive CSV round trips unchanged: apostrophes, accents,
/// hyphens, commas and spaces.
const INTERNATIONAL: &[&str] = &[
    "Seán O'Brien-Ní Dhuibhir",
    "Zoë D'Arcy",
    "Nguyễn Thị Hoa",
    "Anne-Marie Lefèvre",
    "Kim, Min-jun",
    "José Álvarez",
    "Ørjan Bråten",
    "Ahmad bin Yusof",
];

/// A learner's or instructor's display name: mostly Chinese, about 1 in 500
/// from [`INTERNATIONAL`].
pub(super) fn person(rng: &mut Rng) -> String {
    if rng.chance(20) {
        return (*rng.pick(INTERNATIONAL).unwrap_or(&"Li Na")).to_owned();
    }
    let mut name = String::with_capacity(9);
    name.push_str(rng.pick(SURNAMES).unwrap_or(&"王"));
    name.push_str(rng.pick(GIVEN).unwrap_or(&"华"));
    if rng.chance(7_000) {
        name.push_str(rng.pick(GIVEN).unwrap_or(&"华"));
    }
    name
}

/// The seven streets of the first district, with English names, and
/// approximate centres (degrees) of the area they cover.
pub(super) const STREETS: &[(&str, &str, f64, f64)] = &[
    ("下沙街道", "Xiasha", 30.3100, 120.3400),
    ("白杨街道", "Baiyang", 30.3150, 120.3900),
    ("河庄街道", "Hezhuang", 30.2900, 120.4700),
    ("义蓬街道", "Yipeng", 30.3050, 120.5200),
    ("新湾街道", "Xinwan", 30.2850, 120.5750),
    ("临江街道", "Linjiang", 30.2700, 120.6200),
    ("前进街道", "Qianjin", 30.2550, 120.6600),
];

/// First characters of village and community names.
const PLACE_FIRST: &[&str] = &[
    "东", "西", "南", "北", "新", "江", "湖", "桥", "塘", "沙", "河", "海", "云", "青", "金", "银",
    "和", "兴", "福", "安", "长", "永", "春", "丰",
];

/// Second characters of village and community names.
const PLACE_SECOND: &[&str] = &[
    "湾", "港", "园", "苑", "庄", "塘", "岸", "景", "城", "家", "桥", "林", "浦", "坊", "溪", "田",
];

/// A village or community name such as 江湾, without its suffix.
pub(super) fn place(rng: &mut Rng) -> String {
    let mut name = String::with_capacity(6);
    name.push_str(rng.pick(PLACE_FIRST).unwrap_or(&"东"));
    name.push_str(rng.pick(PLACE_SECOND).unwrap_or(&"湾"));
    name
}

/// Chinese numerals for district names beyond the first.
pub(super) const DISTRICT_NUMBERS: &[&str] =
    &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
