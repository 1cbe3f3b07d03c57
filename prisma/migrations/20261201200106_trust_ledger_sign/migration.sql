-- The sign rule of every ledger kind, with the kinds the trust migration added.
ALTER TABLE kudos_ledger DROP CONSTRAINT kudos_ledger_sign;
ALTER TABLE kudos_ledger ADD CONSTRAINT kudos_ledger_sign CHECK (
  CASE kind
    WHEN 'generation_reward' THEN amount > 0
    WHEN 'uptime_reward' THEN amount > 0
    WHEN 'rating_reward' THEN amount > 0
    WHEN 'moderator_award' THEN amount > 0
    WHEN 'transfer_in' THEN amount > 0
    WHEN 'escrow_release' THEN amount > 0
    WHEN 'request_charge' THEN amount < 0
    WHEN 'horde_tax' THEN amount < 0
    WHEN 'transfer_out' THEN amount < 0
    WHEN 'surcharge_burn' THEN amount < 0
    WHEN 'escrow_hold' THEN amount < 0
    ELSE amount <> 0
  END
);
