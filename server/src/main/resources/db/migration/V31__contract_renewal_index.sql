-- The renewal of subscriptions, every billing interval, looks for finalized contracts whose period has
-- ended. With an index on the state alone it read every finalized contract's row to compare its end: a
-- full pass over the market's whole history, four times an hour. The state stays the index's first
-- column, so the lists by state (requests waiting for their provider) use it as before.
drop index exchange_contract_state;
create index exchange_contract_state_ends on exchange_contract(state, ends_at);
