-- Check-digit codes. Each returns {value, status}; status valid | bad_check_digit | bad_length |
-- bad_format | missing. Spaces, dots and hyphens people type inside codes are ignored.

-- Tax code (mã số thuế): 10 digits, or 13 for a branch or dependent unit written "NNNNNNNNNN-NNN".
-- The 10th digit checks the first nine: 10 - (sum of digit x weight mod 11) with weights
-- 31 29 23 19 17 13 7 5 3; a remainder of 0 would need check digit 10, so such numbers are never issued.
-- Output: "NNNNNNNNNN" or "NNNNNNNNNN-NNN".
-- Since 2025-07-01 individuals use their 12-digit personal identification number as tax code:
-- status personal_id (validate it with std_cccd).
CREATE OR REPLACE MACRO std__tax_digits(s) AS
    regexp_replace(trim(s), '[\s\p{Z}.\-]+', '', 'g');

CREATE OR REPLACE MACRO std__mod11_check(d) AS
    10 - ((31 * d[1]::INTEGER + 29 * d[2]::INTEGER + 23 * d[3]::INTEGER + 19 * d[4]::INTEGER
         + 17 * d[5]::INTEGER + 13 * d[6]::INTEGER + 7 * d[7]::INTEGER + 5 * d[8]::INTEGER
         + 3 * d[9]::INTEGER) % 11);

CREATE OR REPLACE MACRO std__tax_status(d) AS
    CASE
        WHEN d IS NULL OR d = '' THEN 'missing'
        WHEN NOT regexp_full_match(d, '[0-9]+') THEN 'bad_format'
        WHEN length(d) = 12 THEN 'personal_id'
        WHEN length(d) NOT IN (10, 13) THEN 'bad_length'
        WHEN std__mod11_check(d) <> d[10]::INTEGER THEN 'bad_check_digit'
        ELSE 'valid'
    END;

CREATE OR REPLACE MACRO std_tax_code(s) AS {
    'value': CASE
        WHEN regexp_full_match(std__tax_digits(s), '[0-9]{10}|[0-9]{12}') THEN std__tax_digits(s)
        WHEN regexp_full_match(std__tax_digits(s), '[0-9]{13}') THEN std__tax_digits(s)[1:10] || '-' || std__tax_digits(s)[11:]
    END,
    'status': std__tax_status(std__tax_digits(s))};

-- GTIN-8, -12 (UPC-A), -13 (EAN-13) or -14: the last digit checks the others with weights 3, 1, 3, …
-- counted from the right. Left-padding with zeros to 14 digits keeps the weights in place, so every
-- length uses one formula. Output: the 14-digit form (GS1's storage form), so a UPC-A and the same
-- EAN-13 with a leading zero compare equal.
CREATE OR REPLACE MACRO std__gtin_check(g) AS
    (10 - (3 * (g[1]::INTEGER + g[3]::INTEGER + g[5]::INTEGER + g[7]::INTEGER + g[9]::INTEGER
              + g[11]::INTEGER + g[13]::INTEGER)
         + g[2]::INTEGER + g[4]::INTEGER + g[6]::INTEGER + g[8]::INTEGER + g[10]::INTEGER
         + g[12]::INTEGER) % 10) % 10;

CREATE OR REPLACE MACRO std__gtin_status(d) AS
    CASE
        WHEN d IS NULL OR d = '' THEN 'missing'
        WHEN NOT regexp_full_match(d, '[0-9]+') THEN 'bad_format'
        WHEN length(d) NOT IN (8, 12, 13, 14) THEN 'bad_length'
        WHEN std__gtin_check(lpad(d, 14, '0')) <> d[-1:]::INTEGER THEN 'bad_check_digit'
        ELSE 'valid'
    END;

CREATE OR REPLACE MACRO std_gtin(s) AS {
    'value': CASE WHEN regexp_full_match(std__tax_digits(s), '[0-9]{8}|[0-9]{12,14}')
        THEN lpad(std__tax_digits(s), 14, '0') END,
    'status': std__gtin_status(std__tax_digits(s))};
