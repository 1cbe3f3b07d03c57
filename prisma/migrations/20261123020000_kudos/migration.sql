-- The kudos economy: uptime accounting, transfer look-ups, shared keys that can be deleted, and
-- the ledger's own guarantees (append-only, every row signed as its kind says). Kept in step with
-- prisma/schema.prisma.

-- The instant up to which a worker's uptime has been counted; null while it is not being counted
-- (never seen online by the uptime sweep, offline, paused or in maintenance). The sweep adds the
-- time from it to the worker's latest check-in (src/modules/kudos/kudos.sql.ts, accrueUptime).
ALTER TABLE workers ADD COLUMN uptime_at timestamptz(3);

-- TooFastKudosTransfers looks for a transfer the other way round within the last minute.
CREATE INDEX kudos_transfers_pair_idx ON kudos_transfers (source_id, dest_id, created_at);
ALTER TABLE kudos_transfers
  ADD CONSTRAINT kudos_transfers_amount_positive CHECK (amount > 0),
  ADD CONSTRAINT kudos_transfers_not_to_self CHECK (source_id <> dest_id);

-- Deleting a shared key keeps the requests made with it (and their ledger rows, which hold the
-- key's id without a foreign key).
ALTER TABLE requests DROP CONSTRAINT requests_shared_key_id_fkey;
ALTER TABLE requests ADD CONSTRAINT requests_shared_key_id_fkey
  FOREIGN KEY (shared_key_id) REFERENCES shared_keys(id) ON DELETE SET NULL;
-- A key's budget is what is left of it: -1 unlimited, otherwise never below 0.
ALTER TABLE shared_keys ADD CONSTRAINT shared_keys_kudos_range CHECK (kudos >= -1);

-- Every kind moves kudos one way only, so the economy can be audited by kind: rewards and awards
-- bring kudos in, charges and taxes take them out, transfers move them between users.
ALTER TABLE kudos_ledger ADD CONSTRAINT kudos_ledger_sign CHECK (
  CASE kind
    WHEN 'generation_reward' THEN amount > 0
    WHEN 'uptime_reward' THEN amount > 0
    WHEN 'rating_reward' THEN amount > 0
    WHEN 'moderator_award' THEN amount > 0
    WHEN 'transfer_in' THEN amount > 0
    WHEN 'request_charge' THEN amount < 0
    WHEN 'horde_tax' THEN amount < 0
    WHEN 'transfer_out' THEN amount < 0
    ELSE amount <> 0
  END
);

-- Append-only: a ledger row, once written, is never changed or removed.
CREATE FUNCTION kudos_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'kudos_ledger is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER kudos_ledger_append_only BEFORE UPDATE OR DELETE ON kudos_ledger
  FOR EACH ROW EXECUTE FUNCTION kudos_ledger_append_only();
