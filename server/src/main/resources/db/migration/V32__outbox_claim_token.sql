-- The relay that claims outbox rows marks them with its own token, so that it can claim a batch in one
-- statement and read back exactly the rows it got (not those another relay holds) in the next one.
alter table audit_outbox add column claimed_by varchar(36);
