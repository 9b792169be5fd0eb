//! End-to-end tests of Panmusic POS live in `tests/e2e/` (one test binary); this library is empty.
