-- Store staff who sign in to the store screen (issue 14, docs/store-server.md): owners see
-- every store and manage accounts; supervisors see the stores they are given. Passwords are
-- scrypt hashes; sessions are kept by the hash of their cookie; sign-in failures are counted
-- here, so every server instance throttles alike; every change an account makes is logged.

CREATE TABLE users (
  name          text   PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  role          text   NOT NULL CHECK (role IN ('owner', 'supervisor')),
  password_hash text   NOT NULL,
  created_at    bigint NOT NULL,
  created_by    text   NOT NULL,
  disabled_at   bigint
);

CREATE TABLE user_stores (
  user_name text NOT NULL REFERENCES users (name),
  store_id  text NOT NULL REFERENCES stores (id),
  PRIMARY KEY (user_name, store_id)
);

CREATE TABLE sessions (
  id_hash      text   PRIMARY KEY,
  user_name    text   NOT NULL REFERENCES users (name),
  created_at   bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  expires_at   bigint NOT NULL,
  address      text
);

CREATE INDEX sessions_user ON sessions (user_name);

CREATE TABLE signin_failures (
  key          text    PRIMARY KEY,
  failures     integer NOT NULL,
  locked_until bigint  NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
  id     bigserial PRIMARY KEY,
  at     bigint    NOT NULL,
  actor  text      NOT NULL,
  action text      NOT NULL,
  detail jsonb
);
