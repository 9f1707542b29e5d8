-- Counters of changes that processes keep derived state of (docs/deployment.md): a write moves its counter in
-- its own transaction; a process with API replicas beside it reads the counter before trusting what it kept.
create table change_counter (
    name   varchar(64) primary key,
    generation bigint    not null
);
insert into change_counter(name, generation) values ('consent', 0);
