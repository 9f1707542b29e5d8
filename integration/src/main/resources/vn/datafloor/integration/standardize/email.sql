-- E-mail addresses: trimmed, "mailto:" and angle brackets removed, domain lower-cased (domains are
-- case-insensitive; the local part is kept as written because the standard lets it be case-sensitive).
-- Valid means: one @, a dot-atom local part of at most 64 characters, a domain of ASCII labels with a
-- letter-only top-level label. Internationalised addresses are reported invalid.
-- Returns {value, status}: status valid | invalid | missing; value is NULL unless valid.
CREATE OR REPLACE MACRO std__email_clean(s) AS
    regexp_replace(trim(s), '^(?:mailto:)?<?\s*([^<>\s]*)\s*>?$', '\1', 'i');

CREATE OR REPLACE MACRO std__email_parts(e) AS
    regexp_extract(e,
        '^([A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+)*)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$',
        ['local', 'domain']);

CREATE OR REPLACE MACRO std__email_result(p, s) AS {
    'value': nullif(CASE WHEN length(p.local) <= 64 THEN p.local END || '@' || lower(p.domain), '@'),
    'status': ['invalid', 'valid', 'missing', 'missing'][
        1 + coalesce(p.local <> '' AND length(p.local) <= 64, false)::INTEGER
          + 2 * (coalesce(trim(s), '') = '')::INTEGER]};

CREATE OR REPLACE MACRO std_email(s) AS std__email_result(std__email_parts(std__email_clean(s)), s);
