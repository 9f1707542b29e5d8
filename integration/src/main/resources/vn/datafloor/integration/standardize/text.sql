-- Text folding shared by names and addresses. A fold is a matching key, never a value to show:
-- lower case, no tone or vowel marks, Đ/đ (and the look-alike Ð/ð, U+00D0/U+00F0) as d,
-- whitespace (including no-break spaces) collapsed and trimmed.
CREATE OR REPLACE MACRO std_fold(s) AS
    nullif(trim(regexp_replace(
        lower(strip_accents(translate(nfc_normalize(s), 'ĐđÐð', 'DdDd'))),
        '[\s\p{Z}]+', ' ', 'g')), '');
