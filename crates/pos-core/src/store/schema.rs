//! The append-only migrations and the guard against databases from newer builds.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use super::error::{SqlContext, StoreError};

const MIGRATION_STEPS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_schema.sql")),
    M::up(include_str!("../../migrations/0002_seed_plans.sql")),
    M::up(include_str!("../../migrations/0003_subscriptions.sql")),
    M::up(include_str!(
        "../../migrations/0004_orders_state_method_index.sql"
    )),
    M::up(include_str!("../../migrations/0005_integrity.sql")),
    M::up(include_str!("../../migrations/0006_job_claim_started.sql")),
    M::up(include_str!("../../migrations/0007_order_search.sql")),
    M::up(include_str!("../../migrations/0008_orders_by_paid_at.sql")),
];

/// All migrations, oldest first. Append only: never edit or reorder a shipped one.
pub(crate) const MIGRATIONS: Migrations<'static> = Migrations::from_slice(MIGRATION_STEPS);

/// The schema version this build migrates to (and the newest it will open).
pub const SCHEMA_VERSION: u32 = MIGRATION_STEPS.len() as u32;

/// The database's `user_version` (where rusqlite_migration records the applied version).
pub(crate) fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .ctx("read the schema version")?;
    // user_version is a signed 32-bit field; a negative one can only come from a foreign writer.
    Ok(u32::try_from(version).unwrap_or(u32::MAX))
}

/// Refuses a database written by a newer build of the app.
pub(crate) fn refuse_newer(conn: &Connection) -> Result<(), StoreError> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Refuses a database written by a newer build, then applies the missing migrations.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    refuse_newer(conn)?;
    MIGRATIONS
        .to_latest(conn)
        .map_err(|source| StoreError::Migrate { source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(
            MIGRATIONS.validate().is_ok(),
            "every migration must apply cleanly to an empty database"
        );
    }
}
