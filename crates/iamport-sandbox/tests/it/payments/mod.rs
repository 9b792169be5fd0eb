//! Payment lookups (REFERENCE §3).

mod listing;
mod lookup;
mod prepare;
