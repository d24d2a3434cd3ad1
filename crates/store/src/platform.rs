//! Platform tables: users (role and data scope), sessions, login log, operation log.

use digecon_core::{Actor, Role};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::write::ChangeKind;
use crate::{now, parse_stored, Result, Store};

/// A user as stored. The password hash is a PHC string (argon2); hashing happens in the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub region_code: Option<String>,
    pub department_code: Option<String>,
    pub password_hash: String,
    pub active: bool,
    pub created_at: String,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            username: self.username.clone(),
            role: self.role,
            region_code: self.region_code.clone(),
            department_code: self.department_code.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(serde::Serialize, utoipa::ToSchema))]
pub struct LoginRecord {
    pub username: String,
    pub ip: String,
    pub success: bool,
    pub message: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(serde::Serialize, utoipa::ToSchema))]
pub struct OperationRecord {
    pub username: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub ip: String,
    pub at: String,
}

const USER_COLUMNS: &str =
    "username, display_name, role, region_code, department_code, password_hash, active, created_at";

fn user_from_row(r: &AnyRow) -> Result<User> {
    let role: String = r.try_get(2)?;
    Ok(User {
        username: r.try_get(0)?,
        display_name: r.try_get(1)?,
        role: parse_stored("users.role", &role)?,
        region_code: r.try_get(3)?,
        department_code: r.try_get(4)?,
        password_hash: r.try_get(5)?,
        active: r.try_get::<i64, _>(6)? != 0,
        created_at: r.try_get(7)?,
    })
}

impl Store {
    /// Adds a user; an existing username is an error (the caller decides about replacing).
    pub async fn add_user(&self, u: &User) -> Result<()> {
        sqlx::query(
            "INSERT INTO users (username, display_name, role, region_code, department_code, password_hash, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(u.region_code.as_deref())
        .bind(u.department_code.as_deref())
        .bind(&u.password_hash)
        .bind(i64::from(u.active))
        .bind(now())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn user(&self, username: &str) -> Result<Option<User>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"));
        let row = sqlx::query(sql).bind(username).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users ORDER BY username"));
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter().map(user_from_row).collect()
    }

    pub async fn set_password_hash(&self, username: &str, hash: &str) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let r = sqlx::query("UPDATE users SET password_hash = $2 WHERE username = $1")
            .bind(username)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
        tx.touch(ChangeKind::Auth, &format!("user:{username}"));
        tx.commit().await?;
        Ok(r.rows_affected() == 1)
    }

    pub async fn set_user_active(&self, username: &str, active: bool) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        tx.touch(ChangeKind::Auth, &format!("user:{username}"));
        let r = sqlx::query("UPDATE users SET active = $2 WHERE username = $1")
            .bind(username)
            .bind(i64::from(active))
            .execute(&mut *tx)
            .await?;
        if !active {
            // A disabled account loses its sessions at once.
            sqlx::query("DELETE FROM sessions WHERE username = $1").bind(username).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(r.rows_affected() == 1)
    }

    pub async fn create_session(&self, token_hash: &str, username: &str, csrf: &str, expires_at: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, username, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(username)
        .bind(csrf)
        .bind(now())
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The session's user, CSRF token and expiry, if the session exists, has not expired and its
    /// user is active.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(User, String, String)>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.username = s.username
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
            USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        ));
        let row = sqlx::query(sql).bind(token_hash).bind(now()).fetch_optional(&self.pool).await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some((user_from_row(&r)?, r.try_get(8)?, r.try_get(9)?))),
        }
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
        tx.touch(ChangeKind::Auth, &format!("session:{token_hash}"));
        tx.commit().await?;
        Ok(())
    }

    pub async fn log_login(&self, username: &str, ip: &str, success: bool, message: &str) -> Result<()> {
        sqlx::query("INSERT INTO login_log (username, ip, success, message, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(username)
            .bind(ip)
            .bind(i64::from(success))
            .bind(message)
            .bind(now())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Newest first.
    pub async fn login_log(&self, limit: i64) -> Result<Vec<LoginRecord>> {
        let rows = sqlx::query("SELECT username, ip, success, message, at FROM login_log ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(LoginRecord {
                    username: r.try_get(0)?,
                    ip: r.try_get(1)?,
                    success: r.try_get::<i64, _>(2)? != 0,
                    message: r.try_get(3)?,
                    at: r.try_get(4)?,
                })
            })
            .collect()
    }

    pub async fn log_operation(&self, username: &str, method: &str, path: &str, status: u16, ip: &str) -> Result<()> {
        sqlx::query("INSERT INTO operation_log (username, method, path, status, ip, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(username)
            .bind(method)
            .bind(path)
            .bind(i64::from(status))
            .bind(ip)
            .bind(now())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Writes several operation-log rows in one transaction (`at` is set to now when empty).
    pub async fn log_operations(&self, rows: &[OperationRecord]) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        for r in rows {
            sqlx::query("INSERT INTO operation_log (username, method, path, status, ip, at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&r.username)
                .bind(&r.method)
                .bind(&r.path)
                .bind(i64::from(r.status))
                .bind(&r.ip)
                .bind(if r.at.is_empty() { &at } else { &r.at })
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Newest first.
    pub async fn operation_log(&self, limit: i64) -> Result<Vec<OperationRecord>> {
        let rows = sqlx::query("SELECT username, method, path, status, ip, at FROM operation_log ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(OperationRecord {
                    username: r.try_get(0)?,
                    method: r.try_get(1)?,
                    path: r.try_get(2)?,
                    status: r.try_get::<i64, _>(3)? as u16,
                    ip: r.try_get(4)?,
                    at: r.try_get(5)?,
                })
            })
            .collect()
    }
}
