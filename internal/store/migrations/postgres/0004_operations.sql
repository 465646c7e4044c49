-- Accord store, postgres dialect, version 4: operations, policy decisions and the consent workflow
-- (internal/ops, internal/policy). Every write goes through Store.Apply, so each version of a
-- record has its ledger entry (record types "operation", "policy_decision", "consent_request",
-- "consent_decision"). Bodies are the records' JSON (what the ledger hashes). Times are Unix
-- milliseconds, UTC.

CREATE TABLE operations (
	id         TEXT PRIMARY KEY CHECK (id <> ''),
	type       TEXT NOT NULL,
	start_ms   BIGINT NOT NULL,
	end_ms     BIGINT NOT NULL CHECK (end_ms > start_ms),
	body       TEXT NOT NULL,
	updated_ms BIGINT NOT NULL
);
CREATE INDEX operations_end ON operations(end_ms);

-- Each decision of the policy engine on an operation, with the policy version it was made under.
CREATE TABLE policy_decisions (
	id             TEXT PRIMARY KEY CHECK (id <> ''),
	operation_id   TEXT NOT NULL REFERENCES operations(id),
	decision       TEXT NOT NULL CHECK (decision IN ('allow', 'needs_consent', 'deny')),
	policy_version TEXT NOT NULL,
	body           TEXT NOT NULL,
	decided_ms     BIGINT NOT NULL
);
CREATE INDEX policy_decisions_operation ON policy_decisions(operation_id, decided_ms);

CREATE TABLE consent_requests (
	id           TEXT PRIMARY KEY CHECK (id <> ''),
	operation_id TEXT NOT NULL REFERENCES operations(id),
	state        TEXT NOT NULL,
	authority    TEXT NOT NULL,
	role         TEXT NOT NULL,
	body         TEXT NOT NULL,
	requested_ms BIGINT NOT NULL
);
CREATE INDEX consent_requests_operation ON consent_requests(operation_id);
CREATE INDEX consent_requests_state ON consent_requests(state, authority);

-- The answer to a request (one per request); a revocation updates it.
CREATE TABLE consent_decisions (
	request_id TEXT PRIMARY KEY REFERENCES consent_requests(id),
	granted    INTEGER NOT NULL CHECK (granted IN (0, 1)),
	expires_ms BIGINT,
	revoked_ms BIGINT,
	body       TEXT NOT NULL,
	updated_ms BIGINT NOT NULL
);
