//! The learning index: a composite score that ranks districts, or any set
//! of units, from indicators configured as data.
//!
//! An [`IndexConfig`] names the indicators, each with its direction, its
//! denominator (a population figure and a scale, such as per 1,000
//! residents) and its weight, and picks the normalisation (min-max onto
//! [0, 100], z-score with the sample or population standard deviation,
//! goalposts, distance to a target, or rank), the aggregation (weighted
//! arithmetic, geometric or harmonic mean) and the threshold of available
//! indicators below which a unit gets no score. Units supply the values
//! ([`IndexInput`]): the counts from the platform's statistics, or any other
//! figures, with the population figures the denominators name.
//!
//! [`compute`] scores and ranks the units and explains every step;
//! [`rank_shift`] compares the ranks under two configurations.
//! [`IndexConfig::district_default`] is the default indicator set for
//! ranking districts.

mod compute;
mod config;
mod normalise;
mod number;

pub use compute::{
    IndexInput, IndexResult, IndicatorSummary, MissingValue, RankChange, RankShift, UnitInput,
    UnitScore, compute, rank_shift,
};
pub use config::{
    Aggregation, Denominator, Deviation, Direction, Goalposts, INDEX_FORMAT, IndexConfig,
    IndicatorDef, MAX_DECIMALS, Normalisation,
};
pub use number::{IndexNumber, MAX_MAGNITUDE, MIN_DIVISOR};

/// Codes for learning index configurations and inputs.
pub mod codes {
    crate::define_codes! {
        /// An index configuration that is not as documented.
        INVALID_INDEX_CONFIG = "invalid_index_config",
            en: "invalid learning index configuration: {detail}",
            zh: "学习指数配置无效：{detail}";
        /// Index weights that add up to zero.
        INDEX_WEIGHTS_ZERO = "index_weights_zero",
            en: "the indicator weights add up to zero; give at least one indicator a positive weight",
            zh: "指标权重之和为零；请至少为一个指标设置正权重";
        /// The same unit given twice.
        DUPLICATE_UNIT = "duplicate_unit",
            en: "unit \"{value}\" is given more than once; give each unit once",
            zh: "单元“{value}”重复出现；每个单元只能出现一次";
        /// A value for an indicator that the configuration does not have.
        UNKNOWN_INDICATOR = "unknown_indicator",
            en: "\"{value}\" is not an indicator of the configuration; the indicators are {allowed}",
            zh: "“{value}”不是该配置中的指标；可用指标为 {allowed}";
        /// An indicator that cannot tell the units apart (a notice).
        CONSTANT_INDICATOR = "constant_indicator",
            en: "indicator {indicator} has the same value for every unit that has it, or only one unit has it, so every such unit scores {midpoint} on it",
            zh: "指标 {indicator} 在所有有值的单元中取值相同（或仅一个单元有值），因此这些单元在该指标上均得 {midpoint}";
    }
}
