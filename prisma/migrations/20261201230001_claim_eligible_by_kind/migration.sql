-- The claim's per-request test branches on the worker's kind before it reads the request, so
-- each kind's test is one statement with only its own rule inlined: the image claim is then the
-- statement it was before the engine (measured: one CASE over the three rules in one statement
-- cost an image claim about 0.1 ms of 0.65, bench/README.md). A request of another kind fails
-- its branch's `r.kind =` test.
CREATE OR REPLACE FUNCTION claim_eligible(rid uuid, w workers, owner_trusted boolean, at timestamptz)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF w.kind = 'image' THEN
    RETURN coalesce((SELECT r.kind = 'image' AND NOT r.faulted AND NOT r.cancelled AND NOT r.expired
                            AND r.expires_at > at AND image_eligible(r, w, owner_trusted)
                       FROM requests r WHERE r.id = rid), false);
  ELSIF w.kind = 'text' THEN
    RETURN coalesce((SELECT r.kind = 'text' AND NOT r.faulted AND NOT r.cancelled AND NOT r.expired
                            AND r.expires_at > at AND text_eligible(r, w, owner_trusted)
                       FROM requests r WHERE r.id = rid), false);
  ELSE
    RETURN coalesce((SELECT r.kind = 'alchemy' AND NOT r.faulted AND NOT r.cancelled AND NOT r.expired
                            AND r.expires_at > at AND alchemy_eligible(r, w, owner_trusted)
                       FROM requests r WHERE r.id = rid), false);
  END IF;
END
$$;
