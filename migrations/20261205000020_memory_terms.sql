-- Each learning keeps its terms as recall matches them (worked out from its summary, other
-- wordings, tags and subject when it is written), so that a recall does not read every
-- candidate's words again. Learnings written before have none and are read from their words.
ALTER TABLE memories ADD COLUMN terms TEXT;
