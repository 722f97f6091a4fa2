-- A project's vertical (its client's industry) is one of a fixed list of names (`Vertical` in
-- src/vertical.rs) instead of free text. The column stays TEXT. Earlier free text is turned into a
-- name the way `Vertical::parse_word` reads it: lower case, runs of spaces, hyphens, slashes, `&`
-- and `+` as one `_`, other punctuation dropped, then a name, a label or an alias; anything else
-- becomes 'other' and empty text NULL. Where the text changes, the text as it was is kept in the
-- project's `extra` notes (`$legacy`.vertical), as the legacy import keeps a record's original
-- form, so the legacy export writes it back while the project keeps that vertical.
-- (The code also reads any text that is left over as 'other'.)

CREATE TEMP TABLE vertical_map AS
SELECT id,
       vertical AS original,
       trim(
           replace(replace(replace(replace(
               replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                   lower(trim(vertical)),
                   ' ', '_'), '-', '_'), '/', '_'), '&', '_'), '+', '_'),
                   '(', ''), ')', ''), '.', ''), ',', ''), '''', ''),
               '__', '_'), '__', '_'), '__', '_'), '__', '_'),
           '_') AS word
FROM projects
WHERE vertical IS NOT NULL;

UPDATE vertical_map
SET word = CASE
    WHEN word = '' THEN NULL
    WHEN word IN ('home_decor', 'home', 'home_garden', 'home_and_garden', 'furniture', 'interior',
                  'interiors') THEN 'home_decor'
    WHEN word IN ('fashion', 'apparel', 'clothing') THEN 'fashion'
    WHEN word IN ('beauty', 'cosmetics', 'skincare') THEN 'beauty'
    WHEN word IN ('food', 'food_drink', 'food_and_drink', 'restaurants', 'grocery') THEN 'food'
    WHEN word IN ('travel', 'hospitality', 'tourism', 'outdoor') THEN 'travel'
    WHEN word IN ('saas', 'software_saas', 'software', 'b2b_saas', 'tech') THEN 'saas'
    WHEN word IN ('finance', 'financial_services', 'banking', 'insurance', 'fintech') THEN 'finance'
    WHEN word IN ('health', 'healthcare', 'wellness', 'fitness') THEN 'health'
    WHEN word IN ('education', 'edtech', 'learning') THEN 'education'
    WHEN word IN ('automotive', 'auto', 'cars') THEN 'automotive'
    WHEN word IN ('retail', 'retail_e_commerce', 'ecommerce', 'e_commerce', 'shop', 'shopping') THEN 'retail'
    WHEN word IN ('gaming', 'games', 'video_games') THEN 'gaming'
    ELSE 'other'
END;

UPDATE projects
SET extra = CASE
        WHEN json_valid(extra) AND json_type(extra) = 'object'
            THEN json_insert(extra, '$."$legacy".vertical',
                             (SELECT original FROM vertical_map m WHERE m.id = projects.id))
        ELSE extra
    END,
    vertical = (SELECT word FROM vertical_map m WHERE m.id = projects.id)
WHERE id IN (SELECT id FROM vertical_map WHERE word IS NOT original);

DROP TABLE vertical_map;
