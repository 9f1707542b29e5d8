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
