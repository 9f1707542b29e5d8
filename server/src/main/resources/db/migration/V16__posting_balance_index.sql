-- An organisation's balance is checked before every debit: the sum of its postings, read from the index
-- alone instead of visiting every posting row.
create index money_posting_account_amount on money_posting(account_id, amount);
