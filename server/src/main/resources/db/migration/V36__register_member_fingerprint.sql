-- A digest of each member's linking attributes as the run that last wrote it saw them, so that a run
-- writes only the members that are new, moved to another entity, or changed, and recomputes only the
-- entities they touch: at 10 million records a run that rewrote every row took longer than the linkage.
-- Rows written before this column have none, and count as changed once.
alter table register_member add column fingerprint varchar(32);

-- The run whose changes the register's tables hold, written in the same transaction as them. A run reuses
-- the register in the lake for the entities it does not touch only when that version was published by this
-- run: one that saved and then failed before publishing leaves the two apart, and the next run recomputes all.
create table register_state (
    id     integer     primary key,
    run_id varchar(40) not null
);
