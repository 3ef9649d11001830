//! Ranking metrics: R-precision at K as used by the skill-extraction benchmarks
//! (hits in the top K / min(K, |gold|)), accuracy at K and mean reciprocal rank.

/// Hits among the first `k` of `ranked` divided by min(k, |gold|).
pub fn rp_at_k<T: PartialEq>(ranked: &[T], gold: &[T], k: usize) -> f64 {
    let denominator = k.min(gold.len());
    if denominator == 0 {
        return 0.0;
    }
    let hits = ranked.iter().take(k).filter(|r| gold.contains(r)).count();
    hits as f64 / denominator as f64
}

/// 1 / rank of the first gold item in `ranked`, 0 when none is there.
pub fn reciprocal_rank<T: PartialEq>(ranked: &[T], gold: &[T]) -> f64 {
    ranked
        .iter()
        .position(|r| gold.contains(r))
        .map_or(0.0, |p| 1.0 / (p + 1) as f64)
}

/// 1 when a gold item is among the first `k`, else 0.
pub fn hit_at_k<T: PartialEq>(ranked: &[T], gold: &[T], k: usize) -> f64 {
    if ranked.iter().take(k).any(|r| gold.contains(r)) {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_follow_their_definitions() {
        let ranked = [3, 1, 7, 9, 2];
        assert_eq!(rp_at_k(&ranked, &[1, 2], 5), 1.0);
        assert_eq!(rp_at_k(&ranked, &[1, 2], 1), 0.0);
        assert_eq!(rp_at_k(&ranked, &[1, 8, 9, 10, 11, 12], 5), 0.4);
        assert_eq!(reciprocal_rank(&ranked, &[7]), 1.0 / 3.0);
        assert_eq!(reciprocal_rank(&ranked, &[42]), 0.0);
        assert_eq!(hit_at_k(&ranked, &[9], 3), 0.0);
        assert_eq!(hit_at_k(&ranked, &[9], 4), 1.0);
    }
}
