-- Export links of the delivery channels: the token is kept only as its SHA-256; a link serves one download
-- before it expires.
create table access_export (
    token_hash   varchar(64)  primary key,
    contract_id  bigint       not null references exchange_contract(id),
    org_id       bigint       not null references organisation(id),
    file         varchar(100) not null,
    format       varchar(10)  not null,
    rows_count   bigint       not null,
    bytes        bigint       not null,
    sha256       varchar(64)  not null,
    created_at   timestamp with time zone not null,
    expires_at   timestamp with time zone not null,
    used_at      timestamp with time zone,
    file_deleted boolean      default false not null
);
create index access_export_contract on access_export(contract_id);

-- The sandbox's privacy budget per agreement, in millionths of ε, spent by compare-and-set.
create table access_sandbox_budget (
    contract_id bigint primary key references exchange_contract(id),
    total_micro bigint not null,
    spent_micro bigint not null,
    updated_at  timestamp with time zone not null
);
