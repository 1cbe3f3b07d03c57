-- What a worker reported about a generation (the AI Horde's gen_metadata): a JSON list of
-- {type, value, ref?}, validated by the submit (at most 20 entries, known types and values, ref at
-- most 256 characters). NULL when the worker reported nothing.
ALTER TABLE jobs ADD COLUMN gen_metadata jsonb;
