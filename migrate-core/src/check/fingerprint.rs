//! The fingerprint of the model after each revision, kept up to date with
//! the objects the revision changed: hashing the whole schema after every
//! revision made checking a history whose schema grows quadratic.

use super::same;
use crate::fingerprint::{object_digest, Fingerprint, ObjectDigest};
use crate::model::Schema;
use crate::render;

/// The fingerprint of a schema and each object's digest, per kind in the
/// schema's order. Starts as the empty schema's.
#[derive(Default)]
pub(super) struct SchemaFingerprint {
    sum: Fingerprint,
    tables: Vec<ObjectDigest>,
    indexes: Vec<ObjectDigest>,
    views: Vec<ObjectDigest>,
    triggers: Vec<ObjectDigest>,
}

impl SchemaFingerprint {
    /// Moves from `before` (the schema this fingerprint is of) to `after`,
    /// rehashing only the objects that are not the same at the same place,
    /// and returns the fingerprint of `after` in hex — equal to
    /// [`render::model_fingerprint`] of it.
    pub(super) fn update(&mut self, before: &Schema, after: &Schema) -> String {
        let sum = &mut self.sum;
        update(
            sum,
            &mut self.tables,
            &before.tables,
            &after.tables,
            |a, b| std::sync::Arc::ptr_eq(a, b) || same::table(a, b),
            |t| {
                // A table made by raw SQL counts by name only (see
                // `render::model_fingerprint`).
                let sql = match t.external {
                    Some(_) => String::new(),
                    None => render::create_table(t, &t.name),
                };
                object_digest(&t.name, &sql)
            },
        );
        update(
            sum,
            &mut self.indexes,
            &before.indexes,
            &after.indexes,
            same::index,
            |i| object_digest(&i.name, &render::create_index(i)),
        );
        update(
            sum,
            &mut self.views,
            &before.views,
            &after.views,
            same::view,
            |v| object_digest(&v.name, &render::create_view(v)),
        );
        update(
            sum,
            &mut self.triggers,
            &before.triggers,
            &after.triggers,
            same::trigger,
            |t| object_digest(&t.name, &render::create_trigger(t)),
        );
        self.sum.hex()
    }
}

/// Pairs the objects of one kind by position: a pair that is the same
/// keeps its digest; otherwise the old object is taken out of the sum and
/// the new one hashed and added. Creating an object (appended) or changing
/// one in place costs one hash; dropping one rehashes those after it.
fn update<T>(
    sum: &mut Fingerprint,
    digests: &mut Vec<ObjectDigest>,
    before: &[T],
    after: &[T],
    same: fn(&T, &T) -> bool,
    digest: impl Fn(&T) -> ObjectDigest,
) {
    debug_assert_eq!(
        digests.len(),
        before.len(),
        "the fingerprint is of `before`"
    );
    let mut next = Vec::with_capacity(after.len());
    let mut old = before.iter().zip(digests.iter());
    let mut new = after.iter();
    loop {
        match (old.next(), new.next()) {
            (None, None) => break,
            (Some((b, d)), Some(a)) if same(b, a) => next.push(*d),
            (b, a) => {
                if let Some((_, d)) = b {
                    sum.remove(d);
                }
                if let Some(a) = a {
                    let d = digest(a);
                    sum.add(&d);
                    next.push(d);
                }
            }
        }
    }
    *digests = next;
}
