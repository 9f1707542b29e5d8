-- Who saw a subject is looked up by the subject, but an access names its subjects in random order:
-- kept in one index, each access rewrote a page of it per subject, inside the commit every buyer's
-- request waits for. Now an access writes its subjects twice, both in appending order (the rows with
-- their salts, and a pending row per subject), and a background step moves the pending rows into the
-- index by subject in bulk, each page once per step. Lookups read the index and the pending rows.
-- Keyed by the access first, so rows are appended in order; no identity column, because an embedded
-- database commits a sequence's cache on its own every few dozen values, a whole store write each.
create table access_subject_pending (
    access_id   bigint       not null,
    subject_id  varchar(64)  not null,
    primary key (access_id, subject_id)
);

create table access_subject_index (
    subject_id  varchar(64)  not null,
    access_id   bigint       not null,
    primary key (subject_id, access_id)
);

insert into access_subject_index(subject_id, access_id)
    select distinct subject_id, access_id from access_subject;

drop index access_subject_by_subject;

-- Each access takes an id, and its metering another: a larger cache of ids commits the sequence less often (ids lost by a crash
-- leave a gap, which nothing relies on).
alter table access_event alter column id set cache 1000;
alter table exchange_usage alter column id set cache 1000;
