-- The last time the scheduler started a scheduled workflow: the next run is the first cron time
-- after it. Runs missed while the server was down are made up by one run on start.
ALTER TABLE workflows ADD COLUMN scheduled_at TEXT;
