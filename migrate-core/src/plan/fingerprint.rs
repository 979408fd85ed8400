//! Schema fingerprints: one digest for a whole schema that does not depend
//! on the order of its objects and can be kept up to date object by object.
//!
//! Each object contributes the SHA-256 of its name and SQL; the fingerprint
//! is the sum of those digests modulo 2^256. The runtime computes it from
//! `sqlite_schema`, the checker from its model after every revision — where
//! a sum lets it add and subtract the few objects a revision changed
//! instead of hashing the whole schema again.

use sha2::{Digest, Sha256};

/// One object's contribution: the SHA-256 of its name and SQL.
pub type ObjectDigest = [u8; 32];

/// The digest of the object `name` whose `CREATE` statement is `sql`.
pub fn object_digest(name: &str, sql: &str) -> ObjectDigest {
    let mut hash = Sha256::new();
    hash.update(name.as_bytes());
    hash.update([0]);
    hash.update(sql.as_bytes());
    hash.update([0]);
    hash.finalize().into()
}

/// A sum of object digests modulo 2^256 (four little-endian 64-bit limbs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fingerprint([u64; 4]);

impl Fingerprint {
    /// The fingerprint of the objects given as (name, SQL) pairs.
    pub fn of<'a>(objects: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut sum = Fingerprint::default();
        for (name, sql) in objects {
            sum.add(&object_digest(name, sql));
        }
        sum
    }

    /// Adds an object.
    pub fn add(&mut self, digest: &ObjectDigest) {
        let mut carry = false;
        for (limb, d) in self.0.iter_mut().zip(limbs(digest)) {
            let (s, c1) = limb.overflowing_add(d);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            *limb = s;
            carry = c1 || c2;
        }
    }

    /// Takes away an object added before.
    pub fn remove(&mut self, digest: &ObjectDigest) {
        let mut borrow = false;
        for (limb, d) in self.0.iter_mut().zip(limbs(digest)) {
            let (s, b1) = limb.overflowing_sub(d);
            let (s, b2) = s.overflowing_sub(u64::from(borrow));
            *limb = s;
            borrow = b1 || b2;
        }
    }

    /// The fingerprint as 64 hex digits.
    pub fn hex(&self) -> String {
        let bytes: Vec<u8> = self.0.iter().rev().flat_map(|l| l.to_be_bytes()).collect();
        crate::canonical::hex(&bytes)
    }
}

/// The digest as a number: little-endian limbs of its big-endian bytes.
fn limbs(digest: &ObjectDigest) -> [u64; 4] {
    let mut limbs = [0u64; 4];
    for (limb, bytes) in limbs.iter_mut().zip(digest.rchunks_exact(8)) {
        *limb = bytes.iter().fold(0, |n, &b| (n << 8) | u64::from(b));
    }
    limbs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_does_not_matter_and_removing_undoes_adding() {
        let a = object_digest("a", "CREATE TABLE a (x)");
        let b = object_digest("b", "CREATE TABLE b (y)");
        let ab = Fingerprint::of([("a", "CREATE TABLE a (x)"), ("b", "CREATE TABLE b (y)")]);
        let ba = Fingerprint::of([("b", "CREATE TABLE b (y)"), ("a", "CREATE TABLE a (x)")]);
        assert_eq!(ab, ba);
        let mut only_a = ab;
        only_a.remove(&b);
        assert_eq!(only_a, Fingerprint::of([("a", "CREATE TABLE a (x)")]));
        only_a.remove(&a);
        assert_eq!(only_a, Fingerprint::default());
        assert_ne!(ab, Fingerprint::of([("a", "CREATE TABLE a (x)")]));
    }

    #[test]
    fn carries_and_borrows_cross_limbs() {
        let all_ones = [0xff; 32];
        let mut sum = Fingerprint::default();
        sum.add(&all_ones);
        sum.add(&all_ones);
        // 2 × (2^256 − 1) ≡ 2^256 − 2
        assert_eq!(sum.hex(), format!("{}fe", "f".repeat(62)));
        sum.remove(&all_ones);
        assert_eq!(sum.hex(), "f".repeat(64));
        sum.remove(&all_ones);
        assert_eq!(sum, Fingerprint::default());
    }

    #[test]
    fn name_and_sql_are_kept_apart() {
        assert_ne!(object_digest("ab", "c"), object_digest("a", "bc"));
    }
}
