-- Platform: users with roles and data scope, sessions, login log, operation log.
-- Identical to migrations/sqlite/0004_platform.sql except for identity columns.

CREATE TABLE users (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'province_office', 'department', 'city', 'county', 'viewer')),
    region_code TEXT REFERENCES regions (code),
    department_code TEXT REFERENCES departments (code),
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

-- Only a hash of the session token is stored: a leaked database does not leak sessions.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE login_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    ip TEXT NOT NULL,
    success BIGINT NOT NULL CHECK (success IN (0, 1)),
    message TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE operation_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status BIGINT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL
);
