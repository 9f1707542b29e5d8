-- Phone numbers to E.164 (+84…). Mobile numbers have 10 national digits since the 2018 renumbering,
-- which moved the 11-digit 01xx prefixes to 3-digit ones; landlines have 11, 02 + area code.
-- Returns {value, status, kind}: value in E.164 or NULL; status valid | invalid | missing,
-- kind mobile | landline | NULL. Foreign numbers (+ and another country code) are invalid here.

-- National form with the leading 0: "+84 9…", "84 9…", "0084 9…" and a 9-digit number whose
-- leading zero a spreadsheet dropped all become "09…". Separators and brackets are ignored, and so
-- is the "(0)" of "+84 (0) 912…".
CREATE OR REPLACE MACRO std__phone_national(s) AS
    regexp_replace(regexp_replace(s, '\(0\)|[^0-9+]', '', 'g'),
        '^(?:\+84|0084|84|0)?([1-9][0-9]{8,9})$', '0\1');

-- 2018 renumbering of 11-digit mobile numbers (Ministry of Information and Communications).
CREATE OR REPLACE MACRO std__phone_renumbered(n) AS
    coalesce(CASE WHEN length(n) = 11 THEN '0' || (MAP {
        '0162': '32', '0163': '33', '0164': '34', '0165': '35', '0166': '36', '0167': '37', '0168': '38', '0169': '39',
        '0120': '70', '0121': '79', '0122': '77', '0126': '76', '0128': '78',
        '0123': '83', '0124': '84', '0125': '85', '0127': '81', '0129': '82',
        '0186': '56', '0188': '58', '0199': '59'})[n[1:4]] || n[5:] END, n);

-- Mobile prefixes in use (03x, 05x, 07x, 08x, 09x blocks as allocated) or a landline 02 + 9 digits:
-- the kind comes from which alternative matched, without testing the number twice.
CREATE OR REPLACE MACRO std__phone_classified(n) AS
    regexp_extract(n, '^0(?:((?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-9])[0-9]{7})|(2[0-9]{9}))$', ['mobile', 'landline']);

CREATE OR REPLACE MACRO std__phone_result(c, s) AS {
    'value': '+84' || nullif(c.mobile || c.landline, ''),
    'status': ['invalid', 'valid', 'missing', 'missing'][
        1 + coalesce(c.mobile || c.landline <> '', false)::INTEGER + 2 * (coalesce(trim(s), '') = '')::INTEGER],
    'kind': [NULL, 'mobile', 'landline'][1 + coalesce(c.mobile <> '', false)::INTEGER + 2 * coalesce(c.landline <> '', false)::INTEGER]};

CREATE OR REPLACE MACRO std_phone(s) AS
    std__phone_result(std__phone_classified(std__phone_renumbered(std__phone_national(s))), s);
