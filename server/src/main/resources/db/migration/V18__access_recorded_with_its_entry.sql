-- An access and the ledger entry that records it now commit in one transaction: the access row names
-- its entry by the outbox id the entry carries, and the audit index keeps that id beside the entry's
-- index once the relay has appended it. So no access is ever recorded without its entry on the way,
-- and the index of the entry is found by its id instead of being written back by the request.
alter table audit_event add column entry_id varchar(36);
create index audit_event_entry on audit_event(entry_id);
alter table access_event add column audit_entry varchar(36);
