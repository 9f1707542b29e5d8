-- Embedded H2 only (PostgreSQL takes no part: its sequences need no such setting, and a per-session cache
-- there would hand out ids out of order across connections).
-- H2 keeps an identity's next value in its own table and, by default, writes it back every 32 values with a
-- commit of its own: with WRITE_DELAY=0 each of those is a synchronous store of the file, taken inside the
-- transaction that asked for the value. The tables every purchase, posting and ledger entry adds rows to
-- reserve a larger block instead. After a crash the unused rest of a block is skipped: ids have gaps, never
-- repeats (invoice numbers come from their own counter and stay gap-free).
alter table money_transaction alter column id set cache 10000;
alter table money_posting alter column id set cache 10000;
alter table exchange_contract alter column id set cache 10000;
alter table exchange_contract_event alter column id set cache 10000;
alter table exchange_invoice alter column id set cache 10000;
alter table exchange_usage alter column id set cache 10000;
