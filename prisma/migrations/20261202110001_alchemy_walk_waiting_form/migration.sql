-- An alchemy request is a candidate for a worker only while one of its waiting forms is one the
-- worker does. alchemy_eligible compares all of a request's forms with the worker's (r.models), so
-- a request whose forms this worker does were all taken, and whose waiting forms it does not do,
-- counted as one of the 4 eligible requests the claim's walk stops at; its pick then found no job
-- for the worker, and four such requests ahead of one with a form it does made the claim find
-- nothing (a review of the claim, 2026-12-02). The test is here, in the claim's per-request
-- check, where the walk, the owner's branch, the far branch and the hinted claim all read it.
-- Everything else is claim_eligible as 20261201230001_claim_eligible_by_kind made it.
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
                            AND EXISTS (SELECT 1 FROM jobs x WHERE x.request_id = r.id AND x.state = 'waiting'
                                                               AND x.model = ANY (w.models))
                       FROM requests r WHERE r.id = rid), false);
  END IF;
END
$$;
