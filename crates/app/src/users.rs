//! User accounts: the checks a new account must pass (role and data scope stated, names and
//! passwords as the platform requires) and the password hashes, for the API and `digecon user add`.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use base64::Engine;
use digecon_core::{Department, RegionLevel, RegionTree, Role};
use digecon_store::{Store, User};

use crate::error::{AppError, Invalid, Result};

/// A user to add, as an administrator states it.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "openapi", derive(serde::Deserialize, utoipa::ToSchema))]
pub struct NewUser {
    pub username: String,
    pub display_name: Option<String>,
    /// admin | province_office | department | city | county | viewer
    pub role: String,
    pub region_code: Option<String>,
    pub department_code: Option<String>,
    pub password: String,
}

/// An argon2id PHC string.
pub fn hash_password(password: &str) -> std::result::Result<String, String> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A URL-safe random token of `bytes` bytes from the OS generator.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random generator is available");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Checks a new user's fields, all at once.
pub fn validate(tree: &RegionTree, departments: &[Department], u: &NewUser) -> std::result::Result<Role, Vec<Invalid>> {
    let mut v: Vec<Invalid> = Vec::new();
    let mut check = |ok: bool, field: &str, message: String| {
        if !ok {
            v.push(Invalid::new(field, message));
        }
    };
    let ok_name = !u.username.is_empty() && u.username.len() <= 64 && u.username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    check(ok_name, "username", "1–64 个字母、数字或 ._- / 1–64 letters, digits or ._-".into());
    let role = u.role.parse::<Role>();
    check(role.is_ok(), "role", "应为 admin、province_office、department、city、county、viewer 之一 / one of admin, province_office, department, city, county, viewer".into());
    check(u.password.chars().count() >= 10, "password", "至少 10 个字符 / at least 10 characters".into());
    if let Some((pos, c)) = u.display_name.as_deref().and_then(digecon_core::text::find_control) {
        check(false, "display_name", digecon_core::text::control_message(pos, c));
    }
    if let Some(r) = &u.region_code {
        check(tree.contains(r), "region_code", format!("未知的地区代码 / unknown region code `{r}`"));
    }
    if let Some(d) = &u.department_code {
        check(departments.iter().any(|x| &x.code == d), "department_code", format!("未知的单位 / unknown department `{d}`"));
    }
    if let Ok(role) = &role {
        // Each role's scope must be stated: a filer without a region would see nothing, or worse.
        let level = u.region_code.as_deref().and_then(|r| tree.level(r));
        match role {
            Role::City => check(level == Some(RegionLevel::City), "region_code", "市级用户需要设区市代码 / a city user needs a city region".into()),
            Role::County => check(
                matches!(level, Some(RegionLevel::County | RegionLevel::Zone)),
                "region_code",
                "县级用户需要县（市、区）代码 / a county user needs a county or zone region".into(),
            ),
            Role::Department => check(u.department_code.is_some(), "department_code", "部门用户需要单位代码 / a department user needs a department".into()),
            Role::Viewer => check(u.region_code.is_some(), "region_code", "查看用户需要地区范围 / a viewer needs a region scope".into()),
            Role::Admin | Role::ProvinceOffice => {}
        }
    }
    match (v.is_empty(), role) {
        (true, Ok(r)) => Ok(r),
        _ => Err(v),
    }
}

/// The actor of account `username`, which must exist and be active (`digecon … --as USER`).
pub async fn actor_of(store: &Store, username: &str) -> Result<digecon_core::Actor> {
    let user = store
        .user(username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("未知的用户 / unknown user `{username}` (see `digecon user list`)")))?;
    if !user.active {
        return Err(AppError::Forbidden(format!("用户已停用 / user `{username}` is deactivated")));
    }
    Ok(user.actor())
}

/// Who a write is recorded as: the acting account, else `by` (the CLI acting as an administrator).
pub fn author(actor: Option<&digecon_core::Actor>, by: &str) -> String {
    actor.map_or_else(|| by.to_string(), |a| a.username.clone())
}

/// Adds `u` after [`validate`]; an existing username is a conflict. The password is hashed on a
/// blocking thread (argon2 is slow by design).
pub async fn add(store: &Store, u: &NewUser) -> Result<User> {
    let regions = store.regions().await?;
    let tree = RegionTree::new(&regions);
    let departments = store.departments().await?;
    let role = validate(&tree, &departments, u).map_err(AppError::Invalid)?;
    if store.user(&u.username).await?.is_some() {
        return Err(AppError::Conflict(format!("用户已存在 / user `{}` already exists", u.username)));
    }
    let password = u.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Conflict(format!("hashing failed: {e}")))?
        .map_err(|e| AppError::Conflict(format!("hashing failed: {e}")))?;
    let user = User {
        username: u.username.clone(),
        display_name: u.display_name.clone().unwrap_or_else(|| u.username.clone()),
        role,
        region_code: u.region_code.clone(),
        department_code: u.department_code.clone(),
        password_hash: hash,
        active: true,
        created_at: String::new(),
    };
    store.add_user(&user).await?;
    store.user(&u.username).await?.ok_or_else(|| AppError::NotFound(format!("user `{}`", u.username)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("s3cret").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("s3creT", &h));
        assert!(!verify_password("s3cret", "not a hash"));
    }
}
