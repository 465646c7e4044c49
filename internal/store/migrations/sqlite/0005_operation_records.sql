-- Accord store, sqlite dialect, version 5: the markings of operations, the states each operation
-- is released to, liaison-meeting reports and reminders, and outcomes (internal/ops). Every write
-- goes through Store.Apply with its ledger entry. Times are Unix milliseconds, UTC.

-- Markings, like every record: the originating agency and its state, the TLP level (REL TO is
-- the audience below), who proposed the operation and when.
ALTER TABLE operations ADD COLUMN originator TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN originator_state TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN tlp TEXT NOT NULL DEFAULT 'AMBER';
ALTER TABLE operations ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN created_ms BIGINT NOT NULL DEFAULT 0;

-- The states an operation is released to: the originator's, the participants', the host
-- states of its place and every state a consent is asked of. A user reads an operation only
-- when the user's state is listed here (or the user's agency originated it).
CREATE TABLE operation_audience (
	operation_id TEXT NOT NULL REFERENCES operations(id),
	state        TEXT NOT NULL CHECK (length(state) = 3),
	PRIMARY KEY (operation_id, state)
);
CREATE INDEX operation_audience_state ON operation_audience(state, operation_id);

-- The written report of a liaison meeting (one per meeting).
CREATE TABLE liaison_reports (
	operation_id TEXT PRIMARY KEY REFERENCES operations(id),
	body         TEXT NOT NULL,
	submitted_ms BIGINT NOT NULL
);

-- The reminder sent when a liaison meeting's report became due (one per meeting).
CREATE TABLE liaison_reminders (
	operation_id TEXT PRIMARY KEY REFERENCES operations(id),
	body         TEXT NOT NULL,
	reminded_ms  BIGINT NOT NULL
);

-- The outcome of an executed operation (one per operation); force_exceeded flags force used
-- above the authorised ceiling.
CREATE TABLE operation_outcomes (
	operation_id   TEXT PRIMARY KEY REFERENCES operations(id),
	body           TEXT NOT NULL,
	force_exceeded INTEGER NOT NULL CHECK (force_exceeded IN (0, 1)),
	recorded_ms    BIGINT NOT NULL
);
