#!/usr/bin/env python3
"""The analytics benchmark's aggregates in DuckDB, for comparison (README: Benchmarks).

Reads the CSV files `bench_analytics --csv DIR` writes (the same 2.2 million rows the server is
timed on), loads them into an in-memory DuckDB database, and times the SQL that computes what each
endpoint computes, over the same 90- and 365-day windows ending on the data's last day: p50, p95
and max, the result fetched into Python. Amounts are converted to US dollars with the same rates.

    python3 scripts/bench_analytics_duckdb.py DIR [--iterations 200]
"""

import argparse
import datetime as dt
import statistics
import sys
import time

import duckdb

# The campaigns' numbers in report currency (USD): the join every query starts from.
DAYS = """
    SELECT m.date, c.id AS campaign_id, c.project_id, c.platform, c.name, c.objective,
           m.spend_micros / r.per_usd AS spend, m.impressions, m.clicks, m.conversions,
           m.conversion_value_micros / r.per_usd AS value
    FROM daily m JOIN campaigns c ON c.id = m.campaign_id JOIN rates r ON r.currency = c.currency
"""

KPIS = """
    sum(spend) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks,
    sum(conversions) AS conversions, sum(value) AS value,
    sum(clicks) / nullif(sum(impressions), 0) AS ctr, sum(spend) / nullif(sum(clicks), 0) AS cpc,
    sum(spend) * 1000 / nullif(sum(impressions), 0) AS cpm,
    sum(conversions) / nullif(sum(clicks), 0) AS cvr, sum(spend) / nullif(sum(conversions), 0) AS cpa,
    sum(value) / nullif(sum(spend), 0) AS roas
"""

# Total and per platform, for the window and the one before it (as the summary answers).
SUMMARY = f"""
    WITH d AS ({DAYS} WHERE m.date BETWEEN $prev AND $to {{project}})
    SELECT platform, date >= $from AS current, {KPIS} FROM d GROUP BY GROUPING SETS ((platform, current), (current))
"""

QUERIES = {
    "summary": SUMMARY.format(project=""),
    "spend-trend (day, by platform)": f"""
        WITH d AS ({DAYS} WHERE m.date BETWEEN $from AND $to)
        SELECT date, platform, sum(spend), sum(conversions), sum(value) FROM d GROUP BY ALL ORDER BY date, platform
    """,
    "spend-trend (week, top 10 campaigns)": f"""
        WITH d AS ({DAYS} WHERE m.date BETWEEN $from AND $to),
             top AS (SELECT campaign_id FROM d GROUP BY campaign_id ORDER BY sum(spend) DESC LIMIT 10)
        SELECT date_trunc('week', date) AS week, campaign_id, sum(spend), sum(conversions), sum(value)
        FROM d WHERE campaign_id IN (SELECT campaign_id FROM top) GROUP BY ALL ORDER BY week, campaign_id
    """,
    "platforms": SUMMARY.format(project=""),
    "campaigns (top 50 by spend)": f"""
        WITH d AS ({DAYS} WHERE m.date BETWEEN $from AND $to)
        SELECT campaign_id, any_value(name), any_value(platform), {KPIS}, count(*) OVER () AS total
        FROM d GROUP BY campaign_id ORDER BY spend DESC LIMIT 50
    """,
    "campaigns (search, by ROAS)": f"""
        WITH d AS ({DAYS} WHERE m.date BETWEEN $from AND $to AND c.name ILIKE '%SHOPPING%')
        SELECT campaign_id, any_value(name), any_value(platform), {KPIS}, count(*) OVER () AS total
        FROM d GROUP BY campaign_id ORDER BY roas DESC NULLS LAST LIMIT 25
    """,
    # Spent to date, the average day by weekday (the campaign's own pattern), and per project.
    "pacing (the window as period)": f"""
        WITH d AS ({DAYS} WHERE m.date BETWEEN $from AND $to),
             per_campaign AS (
                 SELECT campaign_id, any_value(project_id) AS project_id, sum(spend) AS spent,
                        avg(spend) FILTER (WHERE date > $to - INTERVAL 7 DAY) AS last_week
                 FROM d GROUP BY campaign_id),
             weekday AS (
                 SELECT campaign_id, dayofweek(date) AS wd, avg(spend) AS mean FROM d GROUP BY ALL)
        SELECT p.project_id, sum(p.spent), sum(p.last_week),
               (SELECT count(*) FROM weekday) AS weekday_cells
        FROM per_campaign p GROUP BY p.project_id
    """,
    "benchmarks": f"""
        WITH d AS ({DAYS} WHERE m.date BETWEEN $from AND $to),
             per AS (SELECT campaign_id, any_value(platform) AS platform, any_value(objective) AS objective, {KPIS}
                     FROM d GROUP BY campaign_id HAVING sum(impressions) >= 100)
        SELECT platform, objective, count(*),
               quantile_cont(ctr, [0.25, 0.5, 0.75]), quantile_cont(cpc, [0.25, 0.5, 0.75]),
               quantile_cont(cpm, [0.25, 0.5, 0.75]), quantile_cont(cvr, [0.25, 0.5, 0.75]),
               quantile_cont(roas, [0.25, 0.5, 0.75])
        FROM per GROUP BY GROUPING SETS ((platform, objective), (platform))
    """,
    "summary, one project": SUMMARY.format(project="AND c.project_id = 'proj_bench03'"),
}


def percentile(sorted_ms, p):
    i = round((len(sorted_ms) - 1) * p)
    return sorted_ms[min(i, len(sorted_ms) - 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--iterations", type=int, default=200)
    args = ap.parse_args()

    con = duckdb.connect()
    started = time.perf_counter()
    for table in ("projects", "campaigns", "rates"):
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{args.dir}/{table}.csv', header = true)")
    con.execute(
        f"""CREATE TABLE daily AS SELECT * FROM read_csv('{args.dir}/daily.csv', header = true,
            columns = {{'campaign_id': 'VARCHAR', 'date': 'DATE', 'spend_micros': 'BIGINT', 'impressions': 'BIGINT',
                        'clicks': 'BIGINT', 'conversions': 'DOUBLE', 'conversion_value_micros': 'BIGINT'}})"""
    )
    rows = con.execute("SELECT count(*), max(date) FROM daily").fetchone()
    # The server converts at each currency's latest rate here (one rate each since 2000-01-01).
    con.execute(
        "CREATE OR REPLACE TABLE rates AS SELECT currency, arg_max(per_usd, effective_from) AS per_usd FROM rates GROUP BY currency"
    )
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(
        f"duckdb {duckdb.__version__}: loaded {rows[0]} rows in {time.perf_counter() - started:.1f} s "
        f"({threads} threads)"
    )
    last = rows[1]
    print("\n| query | window | p50 ms | p95 ms | max ms |")
    print("|---|---|---:|---:|---:|")
    for days in (90, 365):
        first = last - dt.timedelta(days=days - 1)
        params = {"from": first, "to": last, "prev": first - dt.timedelta(days=days)}
        for name, sql in QUERIES.items():
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            for _ in range(5):
                con.execute(sql, used).fetchall()
            times = []
            for _ in range(args.iterations):
                t = time.perf_counter()
                con.execute(sql, used).fetchall()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(
                f"| {name} | {days} days | {statistics.median(times):.2f} | {percentile(times, 0.95):.2f} | {times[-1]:.2f} |"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
