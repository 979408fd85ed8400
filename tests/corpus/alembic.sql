-- Alembic / SQLAlchemy 2: upper-case types, table-level PRIMARY KEY,
-- CONSTRAINT ck_… / uq_… / fk_…, BOOLEAN DEFAULT '1', tab-indented.
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE foo (
	foo_id INTEGER NOT NULL, 
	bar VARCHAR(512) NOT NULL, 
	PRIMARY KEY (foo_id)
);
CREATE TABLE account (
	id INTEGER NOT NULL, 
	name VARCHAR(512) NOT NULL, 
	active BOOLEAN DEFAULT '1' NOT NULL, 
	created TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL, 
	kind VARCHAR(7), 
	balance NUMERIC(12, 2), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_account_name UNIQUE (name), 
	CONSTRAINT ck_account_kind CHECK (kind IN ('person', 'company'))
);
CREATE INDEX ix_account_created ON account (created);
CREATE TABLE membership (
	account_id INTEGER NOT NULL, 
	group_name VARCHAR(64) NOT NULL, 
	role VARCHAR(20), 
	PRIMARY KEY (account_id, group_name), 
	CONSTRAINT fk_membership_account_id_account FOREIGN KEY(account_id) REFERENCES account (id) ON DELETE CASCADE
);
INSERT INTO alembic_version VALUES ('3f2a9c1b7d10');
INSERT INTO foo VALUES (1, 'one'), (2, 'two'), (7, 'seven');
INSERT INTO account (id, name, kind, balance) VALUES (1, 'Acme', 'company', 100.5), (4, 'Ann', 'person', 0);
INSERT INTO membership VALUES (1, 'admins', 'owner'), (4, 'users', NULL);
