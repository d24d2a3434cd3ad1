//! In-app notices (站内通知) to a filing unit: a returned or reopened filing (written by the
//! workflow in the action's own transaction) and reminders to file (催报) sent by a reviewer.
//! A notice is addressed to the filer (region or department code), so every account of that unit
//! sees it; reading it once marks it read for the unit, keeping who read it first.

use digecon_collect::Filer;
use digecon_core::Period;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::write::{ChangeKind, WriteTx};
use crate::{Result, Store};

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// 退回: a reviewer returned the filing (the message is the reviewer's comment).
    Returned,
    /// 重新打开: the provincial office reopened it.
    Reopened,
    /// 催报: a reviewer asks the unit to file.
    Remind,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Returned => "returned",
            NoticeKind::Reopened => "reopened",
            NoticeKind::Remind => "remind",
        }
    }
}

/// One notice as stored.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(serde::Serialize, utoipa::ToSchema))]
pub struct Notice {
    pub id: i64,
    /// region | department
    pub filer_kind: String,
    pub filer_code: String,
    /// returned | reopened | remind
    pub kind: String,
    pub form_code: String,
    pub period: String,
    pub message: String,
    pub created_by: String,
    pub created_at: String,
    pub read_at: Option<String>,
    pub read_by: Option<String>,
}

/// A notice to write.
pub struct NewNotice<'a> {
    pub filer: &'a Filer,
    pub kind: NoticeKind,
    pub form_code: &'a str,
    pub period: Period,
    pub message: &'a str,
    pub created_by: &'a str,
    pub created_at: &'a str,
}

const COLUMNS: &str = "id, filer_kind, filer_code, kind, form_code, period, message, created_by, created_at, read_at, read_by";

fn notice(r: &AnyRow) -> Result<Notice> {
    Ok(Notice {
        id: r.try_get(0)?,
        filer_kind: r.try_get(1)?,
        filer_code: r.try_get(2)?,
        kind: r.try_get(3)?,
        form_code: r.try_get(4)?,
        period: r.try_get(5)?,
        message: r.try_get(6)?,
        created_by: r.try_get(7)?,
        created_at: r.try_get(8)?,
        read_at: r.try_get(9)?,
        read_by: r.try_get(10)?,
    })
}

/// Writes a notice inside a transaction (a return writes its notice with the return).
pub(crate) async fn insert_notice_in(tx: &mut WriteTx, n: &NewNotice<'_>) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO notices (filer_kind, filer_code, kind, form_code, period, message, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(n.filer.kind())
    .bind(n.filer.code())
    .bind(n.kind.as_str())
    .bind(n.form_code)
    .bind(n.period.to_string())
    .bind(n.message)
    .bind(n.created_by)
    .bind(n.created_at)
    .fetch_one(&mut **tx)
    .await?;
    tx.touch(ChangeKind::Filing, &format!("{}/{}/{}", n.form_code, n.filer.code(), n.period));
    Ok(row.try_get(0)?)
}

impl Store {
    /// Sends a notice (催报) and returns it as stored.
    pub async fn send_notice(&self, n: &NewNotice<'_>) -> Result<Notice> {
        let mut tx = self.begin_write().await?;
        let id = insert_notice_in(&mut tx, n).await?;
        tx.commit().await?;
        self.notice(id).await?.ok_or_else(|| crate::StoreError::Corrupt(format!("notice {id} written but not found")))
    }

    pub async fn notice(&self, id: i64) -> Result<Option<Notice>> {
        let sql = format!("SELECT {COLUMNS} FROM notices WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(notice).transpose()
    }

    /// The notices of these filers (codes), newest first, at most `limit`.
    pub async fn notices_for(&self, filer_codes: &[String], limit: i64) -> Result<Vec<Notice>> {
        if filer_codes.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=filer_codes.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM notices WHERE filer_code IN ({}) ORDER BY created_at DESC, id DESC LIMIT {limit}",
            marks.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for c in filer_codes {
            q = q.bind(c);
        }
        q.fetch_all(&self.pool).await?.iter().map(notice).collect()
    }

    /// The reminders sent for a form and period (who sent which to whom, when), oldest first.
    pub async fn reminders(&self, form: &str, period: Period) -> Result<Vec<Notice>> {
        let sql = format!("SELECT {COLUMNS} FROM notices WHERE kind = 'remind' AND form_code = $1 AND period = $2 ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(form).bind(period.to_string()).fetch_all(&self.pool).await?;
        rows.iter().map(notice).collect()
    }

    /// Marks a notice read (the first reader and time are kept). `false`: no such notice.
    pub async fn mark_notice_read(&self, id: i64, by: &str, at: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let r = sqlx::query("UPDATE notices SET read_at = COALESCE(read_at, $2), read_by = COALESCE(read_by, $3) WHERE id = $1")
            .bind(id)
            .bind(at)
            .bind(by)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(r.rows_affected() > 0)
    }
}
