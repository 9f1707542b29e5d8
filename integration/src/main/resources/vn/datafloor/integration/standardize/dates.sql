-- Dates written by hand or exported by many systems.
--
-- Shapes (after folding: lower case, no marks, a trailing time of day dropped):
--   yyyy-M-d, yyyy/M/d, yyyy.M.d    year first: never day/month ambiguous
--   yyyyMMdd
--   d/M/yyyy, d-M-yyyy, d.M.yyyy    day/month order from the ord parameter
--   d/M/yy (and - .)               century: the latest year that is not in the future
--   ngày 5 tháng 3 năm 1990         Vietnamese words, explicit order (marks optional)
--
-- Why it is built this way: regexp_replace rewrites every shape into ISO text and DuckDB's
-- strptime (which rejects 31/02) parses it, so a column costs a few RE2 passes and no per-format
-- retries. DuckDB copies a macro argument wherever it is used and does not share the copies
-- inside CASE branches, so expensive intermediates are combined arithmetically, never in CASE
-- (a CASE-based version was 40x slower on a million rows).

-- Lower case without marks (no đ in dates, so strip_accents suffices), drops a time of day, and rewrites the two shapes whose order is explicit
-- (yyyyMMdd and the Vietnamese words) as yyyy-M-d, leaving three shapes for the main rewrite:
-- RE2 replacements can only name groups \1 to \9.
CREATE OR REPLACE MACRO std__date_text(s) AS
    regexp_replace(
        regexp_replace(lower(strip_accents(trim(s))), '(t|\s+)\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?$', ''),
        '^(?:ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*,?\s*nam\s*(\d{4})|(\d{4})(\d{2})(\d{2}))$',
        '\3\4-\2\5-\1\6');

-- Groups: 1-3 yyyy-M-d | 4-6 a/b/yyyy | 7-9 a/b/yy; anything else matches the last alternative and
-- rewrites to nothing parseable. The rewrite is "yyyy-M-d|--" for four-digit years and "--|yy-M-d"
-- for two-digit ones, so the two parse with different formats and can be told apart.
CREATE OR REPLACE MACRO std__date_rewrite(f, template) AS
    regexp_replace(f,
        '^(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{2})|.*)$',
        template);

-- The preferred reading reads every shape; the swapped one only a/b/y shapes, with a and b exchanged.
CREATE OR REPLACE MACRO std__date_preferred(f, ord) AS
    CASE WHEN upper(ord) LIKE 'MDY%'
        THEN std__date_rewrite(f, '\1\6-\2\4-\3\5|\9-\7-\8')
        ELSE std__date_rewrite(f, '\1\6-\2\5-\3\4|\9-\8-\7')
    END;

CREATE OR REPLACE MACRO std__date_swapped(f, ord) AS
    CASE
        WHEN upper(ord) LIKE '%_ONLY' THEN NULL
        WHEN upper(ord) LIKE 'MDY%' THEN std__date_rewrite(f, '\6-\5-\4|\9-\8-\7')
        ELSE std__date_rewrite(f, '\6-\4-\5|\9-\7-\8')
    END;

-- strptime's %y reads 00-68 as 20xx; a two-digit year in the future is moved back a century.
CREATE OR REPLACE MACRO std__date_parse(iso) AS
    (try_strptime(iso, ['%Y-%m-%d|--', '--|%y-%m-%d'])
        - to_years(100 * (iso LIKE '--|%' AND try_strptime(iso, '--|%y-%m-%d')::DATE > current_date)::INTEGER))::DATE;

-- Combines the two readings without CASE (see the top of this file).
CREATE OR REPLACE MACRO std__date_decide(pref, other, iso, s) AS {
    'value': coalesce(pref, other),
    'status': ['invalid', 'valid', 'reordered', 'ambiguous',
               'invalid', 'century_guessed', 'reordered', 'ambiguous',
               'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing'][
        1 + (pref IS NOT NULL)::INTEGER
          + 2 * (other IS NOT NULL AND other IS DISTINCT FROM pref)::INTEGER
          + 4 * coalesce(iso LIKE '--|%', false)::INTEGER
          + 8 * (coalesce(trim(s), '') = '')::INTEGER]};

-- ord: 'DMY' (default) or 'MDY' when the order is only the source's habit: a date impossible in that
-- order is read the other way (status reordered), one possible both ways is flagged ambiguous and
-- carries the preferred reading. 'DMY_ONLY' or 'MDY_ONLY' when the source's format is known.
-- Returns {value DATE, status}: valid | ambiguous | reordered | century_guessed | invalid | missing.
CREATE OR REPLACE MACRO std_date(s, ord := 'DMY') AS
    std__date_decide(
        std__date_parse(std__date_preferred(std__date_text(s), ord)),
        std__date_parse(std__date_swapped(std__date_text(s), ord)),
        std__date_preferred(std__date_text(s), ord),
        s);

-- Partial dates: registers and bank files often know only the year ("1985", "năm 1985") or the
-- month ("3/1985", "tháng 3 năm 1985", "1985-03"), and some write the unknown parts as zeros
-- ("00/00/1985", "00/03/1985", "19850000"). std__date_text has already folded the text and turned
-- yyyyMMdd into yyyy-MM-dd. Each helper rewrites its shapes to ISO text, anything else to nothing.
CREATE OR REPLACE MACRO std__partial_month(f) AS
    regexp_replace(f,
        '^(?:(?:thang\s*)?(\d{1,2})\s*(?:[-/.]|,?\s*nam)\s*(\d{4})|0{1,2}[-/.](\d{1,2})[-/.](\d{4})|(\d{4})[-/.](\d{1,2})(?:[-/.]0{1,2})?|.*)$',
        '\2\4\5-\1\3\6-1');

CREATE OR REPLACE MACRO std__partial_year(f) AS
    regexp_replace(f,
        '^(?:(?:nam\s*)?(\d{4})|0{1,2}[-/.]0{1,2}[-/.](\d{4})|(\d{4})[-/.]0{1,2}[-/.]0{1,2}|.*)$',
        '\1\2\3');

-- One text, ordered like ISO so that a prefix is a coarser date: 'yyyy-MM-dd', 'yyyy-MM' or 'yyyy'.
CREATE OR REPLACE MACRO std__partial_value(full_date, f) AS
    coalesce(strftime(full_date, '%Y-%m-%d'),
             strftime(try_strptime(std__partial_month(f), '%Y-%m-%d'), '%Y-%m'),
             nullif(std__partial_year(f), ''));

CREATE OR REPLACE MACRO std__partial_result(v, full_status, s) AS {
    'value': v,
    'precision': ['day', 'month', 'year'][(10 - length(v)) // 3 + 1],
    'status': CASE
        WHEN length(v) = 10 THEN full_status
        WHEN v IS NOT NULL THEN 'partial'
        WHEN coalesce(trim(s), '') = '' THEN 'missing'
        ELSE 'invalid' END};

-- A date that may be known only to the year or the month. Returns {value VARCHAR, precision, status}:
-- value 'yyyy-MM-dd' (precision day, status as std_date's), 'yyyy-MM' (month) or 'yyyy' (year), both
-- with status partial; invalid and missing as std_date. Linkage compares such values with the level
-- date_partial (the known parts agree).
CREATE OR REPLACE MACRO std_partial_date(s, ord := 'DMY') AS
    std__partial_result(
        std__partial_value(std_date(s, ord).value, std__date_text(s)),
        std_date(s, ord).status,
        s);
