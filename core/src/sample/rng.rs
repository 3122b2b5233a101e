//! A small portable pseudo-random number generator.
//!
//! SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", OOPSLA 2014): a 64-bit state advanced by a fixed odd
//! constant and a bijective output mix. It uses only wrapping integer
//! arithmetic, so a seed gives the same numbers on every platform and every
//! version of Rust. The generator never touches floating point: every
//! choice is made on integers, which keeps generated bundles identical byte
//! for byte.

/// The golden-ratio increment of SplitMix64.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// Mixes 64 bits into 64 bits (the SplitMix64 output function, a
/// bijection).
pub(super) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hashes a label to 64 bits (FNV-1a), to name independent streams.
pub(super) const fn label_hash(label: &str) -> u64 {
    let bytes = label.as_bytes();
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut index = 0;
    while index < bytes.len() {
        hash ^= bytes[index] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        index += 1;
    }
    hash
}

/// A SplitMix64 generator.
#[derive(Clone, Debug)]
pub(super) struct Rng {
    state: u64,
}

impl Rng {
    /// The generator of stream `label`, item `index`, under `seed`. Streams
    /// are independent of each other, so one part of the sample can be
    /// generated (or generated again) without running the others first.
    pub fn stream(seed: u64, label: &str, index: u64) -> Self {
        let state = mix64(seed ^ mix64(label_hash(label) ^ mix64(index.wrapping_add(GAMMA))));
        Self { state }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix64(self.state)
    }

    /// A number in `0..bound` (0 when `bound` is 0), by Lemire's
    /// multiply-and-shift reduction.
    pub fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = high.abs_diff(low).saturating_add(1);
        low.wrapping_add(self.below(span) as i64)
    }

    /// An index into a list of `length` items (0 for an empty list).
    pub fn index(&mut self, length: usize) -> usize {
        self.below(length as u64) as usize
    }

    /// True with probability `per_10k` / 10,000.
    pub fn chance(&mut self, per_10k: u32) -> bool {
        self.below(10_000) < u64::from(per_10k)
    }

    /// Picks an item of `items` (`None` when empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.index(items.len()))
    }

    /// Picks an index by integer weights (0 when every weight is 0).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|weight| u64::from(*weight)).sum();
        let mut target = self.below(total);
        for (index, weight) in weights.iter().enumerate() {
            let weight = u64::from(*weight);
            if target < weight {
                return index;
            }
            target -= weight;
        }
        0
    }

    /// 128 random bits as a version-4 UUID.
    pub fn uuid(&mut self) -> uuid::Uuid {
        let high = self.next_u64();
        let low = self.next_u64();
        uuid_from(high, low)
    }
}

/// Sets the version (4) and variant (RFC 4122) bits of 128 bits.
pub(super) fn uuid_from(high: u64, low: u64) -> uuid::Uuid {
    let high = (high & !0xf000) | 0x4000;
    let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    uuid::Uuid::from_u64_pair(high, low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // The first outputs of SplitMix64 seeded with 0, as given by the
        // reference C implementation (prng.di.unimi.it/splitmix64.c).
        let mut rng = Rng { state: 0 };
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(rng.next_u64(), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn streams_differ_and_repeat() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(7, "a", 0).next_u64()).collect();
        assert!(a.windows(2).all(|pair| pair[0] == pair[1]));
        assert_ne!(
            Rng::stream(7, "a", 0).next_u64(),
            Rng::stream(7, "a", 1).next_u64()
        );
        assert_ne!(
            Rng::stream(7, "a", 0).next_u64(),
            Rng::stream(7, "b", 0).next_u64()
        );
        assert_ne!(
            Rng::stream(7, "a", 0).next_u64(),
            Rng::stream(8, "a", 0).next_u64()
        );
    }

    #[test]
    fn below_and_between_stay_in_range() {
        let mut rng = Rng::stream(1, "range", 0);
        for _ in 0..10_000 {
            assert!(rng.below(7) < 7);
            let value = rng.between(-3, 3);
            assert!((-3..=3).contains(&value));
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.between(5, 5), 5);
    }

    #[test]
    fn weighted_never_picks_zero_weight() {
        let mut rng = Rng::stream(1, "weights", 0);
        for _ in 0..1000 {
            assert_ne!(rng.weighted(&[3, 0, 5]), 1);
        }
    }

    #[test]
    fn uuids_are_version_4() {
        let id = Rng::stream(1, "uuid", 0).uuid();
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
    }
}
