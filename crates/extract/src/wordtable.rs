//! A hash table from short words to what the dictionary knows of them, laid out so that the
//! scanner can ask the memory for a word's slot several words before it reads it.
//!
//! The dictionary scan is bound by memory latency: each word of the text is one look-up in a
//! table of every word seen so far, which does not fit the CPU's nearest caches. A general
//! hash map hides where a key lives; this one exposes it ([`WordTable::prefetch`]), so the
//! look-ups of a text's words overlap instead of waiting one after another.
//!
//! Keys are words of up to 16 bytes packed into a `u128` (zero-padded; words never contain NUL,
//! so no word packs to 0, which marks an empty slot). Open addressing with linear probing,
//! at most half full; each slot holds its key and value together (one cache line at most).

/// One slot: the key as two halves (so the slot is 8-byte aligned and 24 bytes for an 8-byte
/// value), and its value.
#[derive(Clone, Copy)]
struct Slot<V> {
    key: [u64; 2],
    value: V,
}

/// Packed short word → value.
pub(crate) struct WordTable<V: Copy> {
    slots: Vec<Slot<V>>,
    len: usize,
    /// `64 - log2(slots.len())`: the top bits of the hash pick the slot.
    shift: u32,
    empty: V,
}

const INITIAL_SLOTS: usize = 1 << 12;

impl<V: Copy> WordTable<V> {
    /// An empty table; `empty` fills unused slots (never returned).
    pub(crate) fn new(empty: V) -> WordTable<V> {
        WordTable {
            slots: vec![
                Slot {
                    key: [0, 0],
                    value: empty,
                };
                INITIAL_SLOTS
            ],
            len: 0,
            shift: 64 - INITIAL_SLOTS.trailing_zeros(),
            empty,
        }
    }

    /// Number of keys held.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Forgets every key (the memory is kept).
    pub(crate) fn clear(&mut self) {
        for slot in &mut self.slots {
            slot.key = [0, 0];
            slot.value = self.empty;
        }
        self.len = 0;
    }

    fn home(&self, key: u128) -> usize {
        let halves = split(key);
        let hash = (halves[0]
            ^ halves[1]
                .rotate_left(29)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_mul(0xD6E8_FEB8_6659_FD93);
        (hash >> self.shift) as usize
    }

    /// Asks the CPU to bring the slot where `key` would be into cache; no effect on the table.
    #[inline]
    pub(crate) fn prefetch(&self, key: u128) {
        let slot: *const Slot<V> = &self.slots[self.home(key)];
        prefetch(slot.cast());
    }

    /// The value of `key` (not 0).
    #[inline]
    pub(crate) fn get(&self, key: u128) -> Option<V> {
        if key == 0 {
            return None;
        }
        let wanted = split(key);
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let slot = &self.slots[i];
            if slot.key == wanted {
                return Some(slot.value);
            }
            if slot.key == [0, 0] {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Sets the value of `key` (0 is ignored: it is no word).
    pub(crate) fn insert(&mut self, key: u128, value: V) {
        if key == 0 {
            return;
        }
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let wanted = split(key);
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let slot = &mut self.slots[i];
            if slot.key == wanted {
                slot.value = value;
                return;
            }
            if slot.key == [0, 0] {
                *slot = Slot { key: wanted, value };
                self.len += 1;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![
            Slot {
                key: [0, 0],
                value: self.empty,
            };
            old.len() * 2
        ];
        self.shift -= 1;
        self.len = 0;
        for slot in old {
            if slot.key != [0, 0] {
                self.insert(join(slot.key), slot.value);
            }
        }
    }
}

fn split(key: u128) -> [u64; 2] {
    [key as u64, (key >> 64) as u64]
}

fn join(halves: [u64; 2]) -> u128 {
    halves[0] as u128 | ((halves[1] as u128) << 64)
}

/// A hint to the CPU to load the cache line at `address`; does nothing elsewhere.
#[inline]
pub(crate) fn prefetch(address: *const u8) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch is only a hint: it never faults, whatever the address, and reads
        // or writes nothing the program can see. SSE is part of every x86-64 CPU.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(address.cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn agrees_with_a_hash_map_through_growth_and_clearing() {
        let mut table = WordTable::new(u32::MAX);
        let mut reference = HashMap::new();
        let mut state = 0x1234_5678_9abc_def0u128;
        for round in 0..3 {
            for i in 0..20_000u32 {
                // Keys drawn from a small range repeat, so updates are exercised too.
                state = state
                    .wrapping_mul(0x2545_F491_4F6C_DD1D)
                    .wrapping_add(1442695040888963407);
                let key = (state >> 100) + 1;
                table.insert(key, i);
                reference.insert(key, i);
            }
            assert_eq!(table.len(), reference.len(), "round {round}");
            for (key, value) in &reference {
                assert_eq!(table.get(*key), Some(*value));
            }
            assert_eq!(table.get(u128::MAX), None);
            table.clear();
            reference.clear();
            assert_eq!(table.get((state >> 100) + 1), None);
        }
        table.insert(0, 7);
        assert_eq!(table.len(), 0);
    }
}
