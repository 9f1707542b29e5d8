-- A negotiation over an offer whose provider approves each buyer waits (REQUESTED or ACCEPTED) with the
-- exchange's contract request it made (contract_id) until the provider decides on the exchange. The agreement
-- or termination is then sent from the protocol base the consumer used (own_base), which a decision made on
-- the web, or the sweep after a restart, has no request of the protocol to read it from.
alter table dsp_negotiation add column own_base varchar(2000);
