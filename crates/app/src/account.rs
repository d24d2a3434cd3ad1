//! A signed-in user's own account: changing one's password. The current password is asked again
//! (a session left open on a shared computer must not be enough to take the account over), and
//! the new one is typed twice and checked here, not only in the browser.

use digecon_store::Store;

use crate::error::{AppError, Invalid, Result};
use crate::users::{hash_password, verify_password};

/// A password change as the user states it.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "openapi", derive(serde::Deserialize, utoipa::ToSchema))]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
    /// The new password typed a second time.
    pub confirm_password: String,
}

/// Checks the fields that need no database, all at once.
pub fn validate(c: &PasswordChange) -> Vec<Invalid> {
    let mut v = Vec::new();
    if c.old_password.is_empty() {
        v.push(Invalid::new("old_password", "必填 / required"));
    }
    // The same rule as for a new account (users::validate).
    if c.new_password.chars().count() < 10 {
        v.push(Invalid::new("new_password", "至少 10 个字符 / at least 10 characters"));
    } else if c.new_password == c.old_password {
        v.push(Invalid::new("new_password", "新密码不能与原密码相同 / the new password must differ from the current one"));
    }
    if c.confirm_password != c.new_password {
        v.push(Invalid::new("confirm_password", "两次输入的新密码不一致 / the two new passwords differ"));
    }
    v
}

/// Changes `username`'s password after [`validate`] and a check of the current one. argon2 runs
/// on a blocking thread (slow by design).
pub async fn change_password(store: &Store, username: &str, c: &PasswordChange) -> Result<()> {
    let invalid = validate(c);
    if !invalid.is_empty() {
        return Err(AppError::Invalid(invalid));
    }
    let user = store.user(username).await?.ok_or_else(|| AppError::NotFound(format!("user `{username}`")))?;
    let (old, new) = (c.old_password.clone(), c.new_password.clone());
    let hash = tokio::task::spawn_blocking(move || {
        if verify_password(&old, &user.password_hash) {
            hash_password(&new).map(Some)
        } else {
            Ok(None)
        }
    })
    .await
    .map_err(|e| AppError::Conflict(format!("hashing failed: {e}")))?
    .map_err(|e| AppError::Conflict(format!("hashing failed: {e}")))?;
    let Some(hash) = hash else {
        return Err(AppError::Invalid(vec![Invalid::new("old_password", "原密码不正确 / the current password is wrong")]));
    };
    store.set_password_hash(username, &hash).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(old: &str, new: &str, confirm: &str) -> PasswordChange {
        PasswordChange { old_password: old.into(), new_password: new.into(), confirm_password: confirm.into() }
    }

    #[test]
    fn the_new_password_is_long_enough_new_and_typed_twice_alike() {
        assert!(validate(&change("old-secret-1", "new-secret-12", "new-secret-12")).is_empty());
        let fields = |c| validate(&c).into_iter().map(|i| i.field).collect::<Vec<_>>();
        assert_eq!(fields(change("", "short", "shorter")), ["old_password", "new_password", "confirm_password"]);
        assert_eq!(fields(change("same-secret-1", "same-secret-1", "same-secret-1")), ["new_password"]);
        assert_eq!(fields(change("old-secret-1", "new-secret-12", "new-secret-13")), ["confirm_password"]);
    }
}
