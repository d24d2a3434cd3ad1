-- Data collection: report forms (with their indicators, filers and rules), outlier bounds,
-- filings with their values, events, value changes and comments.
-- Identical to migrations/sqlite/0002_collection.sql except for identity columns.

CREATE TABLE forms (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    frequency TEXT NOT NULL CHECK (frequency IN ('year', 'quarter', 'month')),
    responsible_department TEXT NOT NULL REFERENCES departments (code),
    opens_days BIGINT NOT NULL,
    due_days BIGINT NOT NULL,
    closes_days BIGINT NOT NULL,
    reconstruction BIGINT NOT NULL CHECK (reconstruction IN (0, 1)),
    basis TEXT NOT NULL,
    source_doc TEXT NOT NULL,
    source_quote TEXT NOT NULL,
    position BIGINT NOT NULL
);

-- Who files a form: `level:county`, `region:360702`, `department:360700-miit` (form order).
CREATE TABLE form_filers (
    form_code TEXT NOT NULL REFERENCES forms (code),
    position BIGINT NOT NULL,
    spec TEXT NOT NULL,
    PRIMARY KEY (form_code, position)
);

CREATE TABLE form_indicators (
    form_code TEXT NOT NULL REFERENCES forms (code),
    position BIGINT NOT NULL,
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    decimals BIGINT NOT NULL,
    required BIGINT NOT NULL CHECK (required IN (0, 1)),
    PRIMARY KEY (form_code, indicator_code)
);

CREATE TABLE form_rules (
    form_code TEXT NOT NULL REFERENCES forms (code),
    code TEXT NOT NULL,
    position BIGINT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
    when_expr TEXT NOT NULL,
    expression TEXT NOT NULL,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL,
    basis TEXT NOT NULL,
    PRIMARY KEY (form_code, code)
);

-- Plausible ranges for outlier flags; region_code '*' = every region.
CREATE TABLE outlier_bounds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_code TEXT NOT NULL,
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    lower_bound DOUBLE PRECISION,
    upper_bound DOUBLE PRECISION,
    basis TEXT NOT NULL
);

-- One filing of a form by a filer (region or department) for a period.
CREATE TABLE filings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form_code TEXT NOT NULL REFERENCES forms (code),
    filer_kind TEXT NOT NULL CHECK (filer_kind IN ('region', 'department')),
    filer_code TEXT NOT NULL,
    -- The region the values are observations of (a department's own region).
    region_code TEXT NOT NULL REFERENCES regions (code),
    period TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'city_approved', 'approved', 'returned')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    first_submitted_at TEXT,
    submitted_at TEXT,
    approved_at TEXT,
    UNIQUE (form_code, filer_code, period)
);
CREATE INDEX filings_by_form_period ON filings (form_code, period);

CREATE TABLE filing_values (
    filing_id BIGINT NOT NULL REFERENCES filings (id),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    value DOUBLE PRECISION NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (filing_id, indicator_code)
);

-- Every step of a filing: save, submit, approve, return, reopen (who, when, from → to, why).
CREATE TABLE filing_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    filing_id BIGINT NOT NULL REFERENCES filings (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('save', 'submit', 'approve', 'return', 'reopen')),
    from_state TEXT,
    to_state TEXT NOT NULL,
    comment TEXT NOT NULL
);
CREATE INDEX filing_events_by_filing ON filing_events (filing_id);

-- Every change of a filed value (old NULL = created), tied to the save event that made it.
CREATE TABLE filing_value_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    filing_id BIGINT NOT NULL REFERENCES filings (id),
    event_id BIGINT NOT NULL REFERENCES filing_events (id),
    indicator_code TEXT NOT NULL,
    old_value DOUBLE PRECISION,
    new_value DOUBLE PRECISION NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX filing_value_changes_by_filing ON filing_value_changes (filing_id);

-- Comments on a filing; rule_code non-empty = the explanation of a failed warning rule.
CREATE TABLE filing_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    filing_id BIGINT NOT NULL REFERENCES filings (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    rule_code TEXT NOT NULL,
    text TEXT NOT NULL
);
