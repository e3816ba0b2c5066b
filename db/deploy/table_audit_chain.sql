-- Deploy fieldmap:table_audit_chain to pg
-- requires: table_audit_log
-- The tamper-evident part of the audit trail. Audit rows are written in the
-- write path without hashing (a chain computed there would serialise a
-- tenant's writers); seal_audit_chain() then appends each committed row, in
-- order, to its tenant's chain: chain_hash = sha256(previous chain_hash ||
-- row_hash). audit_chain_heads keeps each chain's tip, the sealer's
-- transaction horizon, and the checkpoint left by the retention purge.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.audit_chain (
    tenant_id        uuid NOT NULL REFERENCES fieldmap.tenants (id),
    chain_pos        bigint NOT NULL,
    audit_id         uuid NOT NULL,
    row_hash         bytea NOT NULL,
    personal_digest  bytea NOT NULL,
    chain_hash       bytea NOT NULL,
    sealed_at        timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT audit_chain_pkey PRIMARY KEY (tenant_id, chain_pos),
    CONSTRAINT audit_chain_audit_key UNIQUE (tenant_id, audit_id),
    CONSTRAINT audit_chain_pos_check CHECK (chain_pos >= 1)
);

CREATE TABLE fieldmap.audit_chain_heads (
    tenant_id        uuid PRIMARY KEY REFERENCES fieldmap.tenants (id),
    last_pos         bigint NOT NULL,
    last_hash        bytea NOT NULL,
    horizon          xid8 NOT NULL DEFAULT '0',
    checkpoint_pos   bigint NOT NULL DEFAULT 0,
    checkpoint_hash  bytea NOT NULL,
    sealed_at        timestamptz,

    CONSTRAINT audit_chain_heads_pos_check CHECK (0 <= checkpoint_pos AND checkpoint_pos <= last_pos)
);

COMMENT ON TABLE fieldmap.audit_chain IS
  'fieldmap: per-tenant hash chain over audit_log, appended by seal_audit_chain(). Editing, deleting or reordering audit rows or chain entries breaks it (verify_audit_chain).';
COMMENT ON COLUMN fieldmap.audit_chain.chain_pos IS 'Position in the tenant''s chain, 1, 2, 3, ... without gaps (after the purge checkpoint).';
COMMENT ON COLUMN fieldmap.audit_chain.row_hash IS 'sha256 of the audit row''s non-personal content and its personal_digest.';
COMMENT ON COLUMN fieldmap.audit_chain.personal_digest IS
  'sha256 of the row''s personal data (client address, user agent, a user''s own values), taken at sealing. The row hash covers this digest, not the data, so erasure keeps the chain verifiable.';
COMMENT ON COLUMN fieldmap.audit_chain.chain_hash IS 'sha256(previous chain_hash || row_hash); the first entry chains from the tenant''s genesis hash.';
COMMENT ON TABLE fieldmap.audit_chain_heads IS 'fieldmap: the tip of each tenant''s audit chain, the sealer''s horizon and the purge checkpoint.';
COMMENT ON COLUMN fieldmap.audit_chain_heads.horizon IS
  'Transactions older than this had all finished when the chain was last sealed, so their audit rows are sealed; the next seal looks only at newer ones.';
COMMENT ON COLUMN fieldmap.audit_chain_heads.checkpoint_pos IS 'Chain entries up to here were purged under the retention policy; verification starts after it.';
COMMENT ON COLUMN fieldmap.audit_chain_heads.checkpoint_hash IS 'chain_hash at checkpoint_pos (the genesis hash before any purge).';

GRANT SELECT ON fieldmap.audit_chain, fieldmap.audit_chain_heads TO fieldmap_auditor;

COMMIT;
