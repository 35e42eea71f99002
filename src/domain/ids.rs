//! Where every random id comes from: account ids, principal ids, resource group ids.
//!
//! Unseeded, an id is as random as the system makes it. Seeded (`DWCTL_SEED`, read once
//! in `config`), ids are reproducible, as jj pins its randomness for tests: the same seed
//! and the same sequence of commands give the same ids. Each process's stream is derived
//! from the seed *and* the catalog's state (the audit chain's newest sequence number and
//! hash, read inside the write transaction), so two successive processes with the same
//! seed still get different ids; callers keep their collision checks all the same.

use sha2::{Digest, Sha256};

/// The digits of an id: 16, never starting with 0.
const ID_RANGE: std::ops::Range<u64> = 1_000_000_000_000_000..10_000_000_000_000_000;

/// One process's (one transaction's) source of ids.
#[derive(Debug, Clone)]
pub struct Ids(Source);

#[derive(Debug, Clone)]
enum Source {
    System(fastrand::Rng),
    /// The n-th id is SHA-256(key, n): stable across platforms and crate versions.
    Seeded {
        key: [u8; 32],
        next: u64,
    },
}

impl Ids {
    /// Ids from the system's randomness.
    pub fn random() -> Ids {
        Ids(Source::System(fastrand::Rng::new()))
    }

    /// Ids for a transaction on a catalog whose audit chain ends at `seq` with `hash`
    /// (`0` and anything for a catalog being created): random without a seed, the seed's
    /// stream for that state with one.
    pub fn new(seed: Option<u64>, seq: i64, hash: &str) -> Ids {
        let Some(seed) = seed else {
            return Ids::random();
        };
        let mut h = Sha256::new();
        h.update(b"dwctl ids\0");
        h.update(seed.to_be_bytes());
        h.update(seq.to_be_bytes());
        h.update(hash.as_bytes());
        Ids(Source::Seeded {
            key: h.finalize().into(),
            next: 0,
        })
    }

    /// Ids for the transaction that creates a catalog (and for its account id).
    pub fn for_new_catalog(seed: Option<u64>) -> Ids {
        Ids::new(seed, 0, "")
    }

    /// A fresh 16-digit id (the callers check it is not taken).
    pub fn digits(&mut self) -> String {
        let n = match &mut self.0 {
            Source::System(rng) => rng.u64(ID_RANGE),
            Source::Seeded { key, next } => {
                let mut h = Sha256::new();
                h.update(*key);
                h.update(next.to_be_bytes());
                *next += 1;
                let d = h.finalize();
                let mut b = [0u8; 8];
                b.copy_from_slice(&d[..8]);
                // The modulo's bias (2^64 is not a multiple of 9e15) is 1 in 2000: no matter.
                ID_RANGE.start + u64::from_be_bytes(b) % (ID_RANGE.end - ID_RANGE.start)
            }
        };
        n.to_string()
    }
}

impl Ids {
    /// `n` letters and digits (an AccessKey id's tail), from the same stream as `digits`.
    pub fn alphanumeric(&mut self, n: usize) -> String {
        let mut out = String::with_capacity(n);
        while out.len() < n {
            let mut v: u64 = self.digits().parse().unwrap_or_default();
            for _ in 0..8 {
                if out.len() == n {
                    break;
                }
                out.push(ALPHANUMERIC[(v % 62) as usize] as char);
                v /= 62;
            }
        }
        out
    }
}

const ALPHANUMERIC: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A secret of `n` letters and digits from the operating system's randomness, never
/// from the seed (`DWCTL_SEED` pins ids for tests; a secret must stay unguessable).
pub fn secret(n: usize) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open("/dev/urandom")?;
    let mut out = String::with_capacity(n);
    let mut buf = [0u8; 64];
    while out.len() < n {
        f.read_exact(&mut buf)?;
        // 248 = 4 * 62: bytes above it are dropped, so that every character is as likely.
        for b in buf.iter().filter(|b| **b < 248) {
            if out.len() == n {
                break;
            }
            out.push(ALPHANUMERIC[(*b % 62) as usize] as char);
        }
    }
    Ok(out)
}

/// Parse a seed (`DWCTL_SEED`): a whole number from 0 to 2^64-1, digits only.
pub fn parse_seed(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(ids: &mut Ids, n: usize) -> Vec<String> {
        (0..n).map(|_| ids.digits()).collect()
    }

    #[test]
    fn ids_have_sixteen_digits() {
        for mut ids in [Ids::random(), Ids::new(Some(7), 3, "ab")] {
            for id in take(&mut ids, 200) {
                assert_eq!(id.len(), 16, "{id}");
                assert!(!id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }

    #[test]
    fn a_seed_and_a_state_give_one_stream() {
        let a = take(&mut Ids::new(Some(42), 5, "h"), 10);
        assert_eq!(a, take(&mut Ids::new(Some(42), 5, "h"), 10));
        // Within a stream, no repeats.
        let mut sorted = a.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), a.len());
        // Another seed, another sequence number, another hash: another stream.
        for other in [
            Ids::new(Some(43), 5, "h"),
            Ids::new(Some(42), 6, "h"),
            Ids::new(Some(42), 5, "i"),
        ] {
            let b = take(&mut other.clone(), 10);
            assert!(a.iter().all(|id| !b.contains(id)), "{a:?} {b:?}");
        }
        // Pinned: a change to the derivation changes every snapshot that shows an id.
        assert_eq!(Ids::new(Some(1), 0, "").digits(), PINNED);
    }

    const PINNED: &str = "8597747091603400";

    #[test]
    fn unseeded_ids_differ() {
        let a = take(&mut Ids::new(None, 5, "h"), 4);
        let b = take(&mut Ids::new(None, 5, "h"), 4);
        assert_ne!(a, b);
    }

    #[test]
    fn seeds_are_plain_numbers() {
        assert_eq!(parse_seed("0"), Some(0));
        assert_eq!(parse_seed("18446744073709551615"), Some(u64::MAX));
        for bad in [
            "",
            "-1",
            "+1",
            " 1",
            "1 ",
            "0x10",
            "1e3",
            "18446744073709551616",
            "abc",
        ] {
            assert_eq!(parse_seed(bad), None, "{bad}");
        }
    }
}
