-- Vietnamese personal names. Canonical form: NFC, Đ (U+0110) never Ð (U+00D0), Title Case per word,
-- single spaces, and the traditional tone placement in open syllables oa/oe/uy ("Hòa", "Khỏe",
-- "Thủy"), the placement used by most civil registers and by keyboard software's default.

-- The words of a name, lower case, NFC, Ð read as Đ; anything that is not a letter, combining mark
-- or apostrophe (digits, punctuation, hyphens, odd spaces) separates words.
CREATE OR REPLACE MACRO std__name_words(s) AS
    string_split(trim(regexp_replace(
        lower(translate(nfc_normalize(s), 'Ðð', 'Đđ')),
        '[^\p{L}\p{M}'']+', ' ', 'g')), ' ');

-- Moves a tone mark from the second to the first vowel of a word-final oa/oe/uy ("hoà" -> "hòa").
-- Only word-final: with a final consonant or glide both conventions agree ("hoàng", "ngoài").
-- "qu" is one consonant, so "quý" keeps its mark on y. Applied to the whole lower-case name at once:
-- one regular expression per tone mark is cheaper than a list operation per word.
CREATE OR REPLACE MACRO std__tone_traditional_text(t) AS
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(t,
        'oà( |$)', 'òa\1', 'g'), 'oá( |$)', 'óa\1', 'g'), 'oả( |$)', 'ỏa\1', 'g'), 'oã( |$)', 'õa\1', 'g'), 'oạ( |$)', 'ọa\1', 'g'),
        'oè( |$)', 'òe\1', 'g'), 'oé( |$)', 'óe\1', 'g'), 'oẻ( |$)', 'ỏe\1', 'g'), 'oẽ( |$)', 'õe\1', 'g'), 'oẹ( |$)', 'ọe\1', 'g'),
        '(^|[^q])uỳ( |$)', '\1ùy\2', 'g'), '(^|[^q])uý( |$)', '\1úy\2', 'g'), '(^|[^q])uỷ( |$)', '\1ủy\2', 'g'),
        '(^|[^q])uỹ( |$)', '\1ũy\2', 'g'), '(^|[^q])uỵ( |$)', '\1ụy\2', 'g');

CREATE OR REPLACE MACRO std_person_name(s) AS
    nullif(array_to_string(list_transform(string_split(std__tone_traditional_text(array_to_string(std__name_words(s), ' ')), ' '),
        w -> upper(w[1]) || w[2:]), ' '), '');

-- Matching key: same words, folded (no marks, đ -> d), so "Nguyễn Thị Hoà", "NGUYEN THI HOA" and
-- "Nguyễn Thị Hòa" share one key.
CREATE OR REPLACE MACRO std_name_key(s) AS
    nullif(trim(regexp_replace(
        lower(strip_accents(translate(nfc_normalize(s), 'ĐđÐð', 'DdDd'))),
        '[^a-z'']+', ' ', 'g')), '');

-- Surname = first word, given name = last word, middle = the words between (may be several or
-- none). A one-word name is taken as a given name. Compound surnames (Tôn Nữ, Âu Dương) are not
-- recognised: their second word lands in middle.
CREATE OR REPLACE MACRO std_name_parts(s) AS
    list_transform([string_split(std_person_name(s), ' ')], w -> {
        'surname': CASE WHEN len(w) > 1 THEN w[1] END,
        'middle': nullif(array_to_string(w[2:-2], ' '), ''),
        'given': w[-1]})[1];
