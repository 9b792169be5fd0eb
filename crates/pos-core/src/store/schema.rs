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
    M::up(include_str!("../../migrations/0009_cash_receipts.sql")),
    M::up(include_str!("../../migrations/0010_charge_superseded.sql")),
    M::up(include_str!("../../migrations/0011_order_custom_data.sql")),
    M::up(include_str!("../../migrations/0012_mismatch_returned.sql")),
    M::up(include_str!(
        "../../migrations/0013_orders_sales_by_group.sql"
    )),
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

    #[test]
    fn an_older_book_is_backed_up_before_it_is_migrated() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let db = dir.path().join(crate::store::DB_FILE);
        let older = SCHEMA_VERSION - 1;
        {
            let mut conn = Connection::open(&db).unwrap_or_else(|e| panic!("open: {e}"));
            MIGRATIONS
                .to_version(&mut conn, older as usize)
                .unwrap_or_else(|e| panic!("an older schema: {e}"));
            conn.execute(
                "INSERT INTO orders (merchant_uid, plan_id, kind, amount, state, pay_method, created_at, updated_at) \
                 VALUES ('order_old', 'pass_1m', 'one_time', 9900, 'created', 'card', 0, 0)",
                [],
            )
            .unwrap_or_else(|e| panic!("an order of the older build: {e}"));
        }
        let store =
            crate::Store::open(dir.path()).unwrap_or_else(|e| panic!("the older book opens: {e}"));
        assert_eq!(
            store.schema_version().ok(),
            Some(SCHEMA_VERSION),
            "the book is migrated"
        );
        let kept = crate::backup::list(&dir.path().join(crate::backup::BACKUP_DIR))
            .unwrap_or_else(|e| panic!("list: {e}"));
        assert_eq!(kept.len(), 1, "one backup was made before the migration");
        assert_eq!(
            kept[0].reason,
            crate::backup::BackupReason::BeforeMigration,
            "named for the migration"
        );
        assert_eq!(
            kept[0].schema_version, older,
            "the backup holds the book as it was, unmigrated"
        );
        assert_eq!(kept[0].order_count, 1, "with its order");
        drop(store);
        crate::Store::open(dir.path()).unwrap_or_else(|e| panic!("reopen: {e}"));
        let again =
            crate::backup::list(&dir.path().join(crate::backup::BACKUP_DIR)).unwrap_or_default();
        assert_eq!(
            again.len(),
            1,
            "a book already at this version is not backed up on open"
        );
    }
}
