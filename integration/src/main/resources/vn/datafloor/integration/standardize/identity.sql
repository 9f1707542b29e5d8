-- Sex as 'M' or 'F'. Accepts Vietnamese and English words and letters, with or without marks.
-- Numeric codes are refused (NULL): sources disagree on whether 1 means male or female.
CREATE OR REPLACE MACRO std_sex(s) AS
    CASE std_fold(s)
        WHEN 'nam' THEN 'M' WHEN 'm' THEN 'M' WHEN 'male' THEN 'M' WHEN 'trai' THEN 'M'
        WHEN 'nu' THEN 'F' WHEN 'f' THEN 'F' WHEN 'female' THEN 'F' WHEN 'gai' THEN 'F'
    END;

-- CCCD / personal identification number: 12 digits = province of birth registration (3 digits,
-- "0" + province code), century-and-sex digit, two digits of the birth year, six serial digits.
-- There is no check digit, so the checks are the province code and agreement with DOB and sex.
-- dob (DATE) and sex may be NULL: the check that needs them is then skipped, not failed.
-- {{CCCD_PROVINCES}} is replaced at install time by the codes of both province lists.
CREATE OR REPLACE MACRO std__cccd_status(d, birth_year, sex_code) AS
    CASE
        WHEN d IS NULL THEN 'missing'
        WHEN NOT regexp_full_match(d, '[0-9]+') THEN 'bad_format'
        WHEN length(d) = 9 THEN 'old_cmnd'
        WHEN length(d) <> 12 THEN 'bad_length'
        WHEN NOT list_contains({{CCCD_PROVINCES}}, d[1:3]) THEN 'bad_province'
        -- digit 4 counts centuries from 1900 twice (male, female): its half is the century
        WHEN CAST(d[4] AS INTEGER) > 5 THEN 'dob_mismatch'
        WHEN birth_year IS NOT NULL AND 1900 + 100 * (CAST(d[4] AS INTEGER) // 2) + CAST(d[5:6] AS INTEGER)
                <> birth_year THEN 'dob_mismatch'
        WHEN sex_code IS NOT NULL
                AND (CASE WHEN CAST(d[4] AS INTEGER) % 2 = 0 THEN 'M' ELSE 'F' END) <> sex_code
            THEN 'sex_mismatch'
        ELSE 'valid'
    END;

-- Spaces, dots and hyphens are separators people type; any other character is bad_format.
CREATE OR REPLACE MACRO std__id_digits(s) AS
    nullif(regexp_replace(trim(s), '[\s\p{Z}.\-]+', '', 'g'), '');

-- A macro argument is copied wherever the body names it, and callers often pass an expensive
-- expression as dob (a date standardization): a one-element list and a lambda bind each input once.
CREATE OR REPLACE MACRO std_cccd(s, dob := NULL, sex := NULL) AS
    list_transform([{'d': std__id_digits(s), 'y': year(TRY_CAST(dob AS DATE)), 'x': std_sex(sex)}], r -> {
        'value': CASE WHEN regexp_full_match(r.d, '[0-9]{9}|[0-9]{12}') THEN r.d END,
        'status': std__cccd_status(r.d, r.y, r.x)})[1];
