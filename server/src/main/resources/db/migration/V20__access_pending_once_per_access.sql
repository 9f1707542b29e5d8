-- An access's subjects are already written in appending order with their salts (access_subject); a
-- pending row per subject repeated each of them inside the commit every buyer's request waits for,
-- and the index step deleted each again. Now the access alone is pending: the index step reads its
-- subjects from access_subject, and lookups read the pending accesses' subjects there too.
create table access_index_pending (
    access_id  bigint  not null primary key
);

insert into access_index_pending(access_id)
    select distinct access_id from access_subject_pending;

drop table access_subject_pending;
