-- Change data capture (docs/cdc.md): which registered sources of kind pg_changes are followed, and how far.
-- The offset itself is not here: it is written into each published version's manifest, with the rows it
-- belongs to, so that no crash can separate them. This row is what the pages show and what a restart resumes.
create table change_following (
    source_id         bigint       not null primary key references data_source(id),
    org_id            bigint       not null references organisation(id),
    state             varchar(16)  not null,
    dataset           varchar(100) not null,
    last_version      integer,
    last_change_at    timestamp with time zone,
    last_published_at timestamp with time zone,
    waiting           bigint       not null default 0,
    waiting_since     timestamp with time zone,
    error             varchar(600),
    updated_at        timestamp with time zone not null
);
