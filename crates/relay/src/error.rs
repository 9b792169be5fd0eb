//! The one error type of the relay.

/// Result of relay operations.
pub type Result<T, E = RelayError> = std::result::Result<T, E>;

/// Everything the relay itself can fail at. Iamport's own answers are not errors here: they are
/// passed on to the store in Iamport's envelope (see `envelope.rs`).
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The database URL does not parse.
    #[error("데이터베이스 주소를 해석할 수 없습니다 (invalid database URL): {0}")]
    DatabaseUrl(#[source] tokio_postgres::Error),
    /// The connection pool could not be built.
    #[error("데이터베이스 연결 풀을 만들 수 없습니다 (cannot build the pool): {0}")]
    PoolBuild(#[source] deadpool_postgres::BuildError),
    /// No connection could be had from the pool (PostgreSQL down, pool exhausted).
    #[error("데이터베이스에 연결할 수 없습니다 (database unavailable): {0}")]
    Pool(#[source] deadpool_postgres::PoolError),
    /// A query failed.
    #[error("데이터베이스 오류 (database error): {0}")]
    Db(#[source] tokio_postgres::Error),
    /// The database was migrated by a newer relay.
    #[error("데이터베이스 스키마 {found}은(는) 이 릴레이({known})보다 새 버전입니다: 릴레이를 업데이트하세요")]
    SchemaTooNew {
        /// Newest version in the database.
        found: i32,
        /// Newest version this binary knows.
        known: i32,
    },
    /// `stores add` with a name that exists.
    #[error("매장 이름 {0:?}은(는) 이미 있습니다 (store exists)")]
    StoreExists(String),
    /// `stores disable` or `stores policy` of a name that does not exist.
    #[error("매장 {0:?}을(를) 찾을 수 없습니다 (no such store)")]
    NoSuchStore(String),
    /// A store name that is empty or too long.
    #[error("매장 이름은 1~100자여야 합니다 (store name must be 1 to 100 characters)")]
    BadStoreName,
    /// No free uid prefix was found after several random draws.
    #[error("새 매장 접두어를 만들 수 없습니다: 다시 시도하세요 (no free uid prefix)")]
    NoFreePrefix,
    /// The upstream Iamport client could not be configured.
    #[error("Iamport 클라이언트를 만들 수 없습니다 (upstream client): {0}")]
    Upstream(#[source] iamport::Error),
    /// Binding or serving the listen address failed.
    #[error("{addr}에서 요청을 받을 수 없습니다 (cannot listen): {source}")]
    Listen {
        /// The address.
        addr: String,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
    /// `IAMPORT_KEY` or `IAMPORT_SECRET` is missing.
    #[error("환경 변수 {0}이(가) 필요합니다 (the real Iamport key and secret come from the environment, never argv)")]
    MissingEnv(&'static str),
    /// Writing CLI output failed.
    #[error("출력할 수 없습니다 (cannot write output): {0}")]
    Output(#[source] std::io::Error),
}

impl From<tokio_postgres::Error> for RelayError {
    fn from(e: tokio_postgres::Error) -> Self {
        RelayError::Db(e)
    }
}

impl From<deadpool_postgres::PoolError> for RelayError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        RelayError::Pool(e)
    }
}
