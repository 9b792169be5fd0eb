//! Panmusic POS domain: orders, the SQLite store, the sync engine.
