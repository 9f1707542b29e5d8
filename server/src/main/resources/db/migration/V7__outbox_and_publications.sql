-- Ledger entries prepared in the same transaction as the rows they speak of. A row here is written
-- with its commitments and with the change it records; once that commits, the entry is appended to
-- the ledger (which carries the row's id) and the row is replaced by its audit_event index row. A
-- rolled-back transaction leaves neither row nor entry; a crash after the commit leaves the row,
-- which the next start appends, or recognises by its id when the entry was already durable.
create table audit_outbox (
    id                 varchar(36)     primary key,
    entry              varchar(100000) not null,
    event_type         varchar(50)     not null,
    occurred_at        timestamp with time zone not null,
    actor_user_id      bigint,
    org_id             bigint,
    outcome            varchar(20)     not null,
    summary            varchar(500)    not null,
    ledger_size_before bigint          not null,
    claimed_at         timestamp with time zone
);

-- Every dataset version the publishing service has recorded: written in the transaction that
-- prepares its DATASET_PUBLISHED entry and its event. A version in the lake without a row here was
-- renamed into place by a process that died before recording it; the next start records it.
create table dataset_publication (
    dataset      varchar(100) not null,
    version      integer      not null,
    org_id       bigint       not null,
    via          varchar(20)  not null,
    published_at timestamp with time zone not null,
    primary key (dataset, version)
);

-- Spring Modulith's event publication registry (its v2 layout): an event published in a transaction
-- is stored with it, marked complete once each transactional listener has handled it, and
-- republished at the next start when a crash or a failure came first.
create table event_publication (
    id                     uuid          not null primary key,
    listener_id            varchar(512)  not null,
    event_type             varchar(512)  not null,
    serialized_event       varchar(100000) not null,
    publication_date       timestamp with time zone not null,
    completion_date        timestamp with time zone,
    status                 varchar(20),
    completion_attempts    integer,
    last_resubmission_date timestamp with time zone
);
create index event_publication_by_completion_date on event_publication(completion_date);
