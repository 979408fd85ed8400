//! A two-revision history whose second revision rebuilds `items`.

migrate_dsl::migration! {
    /// `items` with an index, then a forced rebuild of it.
    pub static ITEMS_REBUILD;
    revision "0001" {
        create table items { id integer primary key, name text not null, qty integer not null }
        create index items_name on items (name);
    }
    revision "0002" {
        batch alter table items recreate = always { alter column qty drop not null; }
    }
}
