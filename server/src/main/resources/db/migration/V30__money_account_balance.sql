-- An organisation's balance kept on its account row, moved by the same transaction that inserts its
-- postings. Checking a debit then reads one row instead of summing the account's whole history (a sum
-- that grows with every purchase the buyer ever made). The postings stay the truth: the trial balance
-- compares every kept balance with the sum of its postings and names any account where they differ.
-- The platform's own accounts (bank, fees, VAT) are touched by every purchase and never checked against
-- zero; they keep no balance here, so no purchase waits for another on their rows.
alter table money_account add column balance bigint default 0 not null;

update money_account
set balance = (select coalesce(sum(p.amount), 0) from money_posting p where p.account_id = money_account.id)
where org_id is not null;
