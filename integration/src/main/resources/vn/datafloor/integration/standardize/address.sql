-- Building blocks of address matching (see AddressMatching.java); not standardizers on their own.

-- Key of an administrative unit name: folded, punctuation as spaces, leading zeros dropped from
-- numbers ("Phường 01" and "P.1" both end in "1"), so reference names and free text meet.
CREATE OR REPLACE MACRO std__unit_key(s) AS
    nullif(trim(regexp_replace(regexp_replace(
        regexp_replace(std_fold(s), '[^a-z0-9]+', ' ', 'g'), '\b0+([0-9])', '\1', 'g'), ' +', ' ', 'g')), '');

-- One address component: its unit type (from a prefix such as "Phường", "P.", "Q.1", "TP", "Tỉnh")
-- and its name key with the prefix removed. Single-letter prefixes need a space or a digit after
-- them, so "Tân Bình" is not read as "T. ân Bình".
CREATE OR REPLACE MACRO std__unit_parts(k) AS
    regexp_extract(k,
        '^(?:(thanh pho|tinh|quan|huyen|thi xa|thi tran|phuong|xa|dac khu|tp|tx|tt|t|q|h|p|x) +|([qp])([0-9]+$))?(.*)$',
        ['prefix', 'digit_prefix', 'number', 'rest']);

CREATE OR REPLACE MACRO std__unit_type(prefix) AS
    CASE
        WHEN prefix IN ('thanh pho', 'tp') THEN 'city'
        WHEN prefix IN ('tinh', 't') THEN 'province'
        WHEN prefix IN ('quan', 'q', 'huyen', 'h', 'thi xa', 'tx') THEN 'district'
        WHEN prefix IN ('phuong', 'p', 'xa', 'x', 'thi tran', 'tt', 'dac khu') THEN 'commune'
    END;

CREATE OR REPLACE MACRO std__unit_of(p) AS {
    'type': std__unit_type(coalesce(nullif(p.prefix, ''), nullif(p.digit_prefix, ''))),
    'key': nullif(p.number || p.rest, '')};

CREATE OR REPLACE MACRO std__unit(s) AS std__unit_of(std__unit_parts(std__unit_key(s)));
