"""The screens as SQL for others: one parameterised statement per screen, for docs/schema.md
(Screens) and Datasette's canned queries. Row screens read their documented view with the
screen's sort; cluster-buys is the rule of clusters.py written as one recursive query
(tests/test_screens.py checks both give the same clusters)."""

from __future__ import annotations

from typing import Any

from .screens import SCREENS

# An empty parameter means "no filter" (Datasette sends '' for a box left empty).
_CANNED_COLUMNS = (
    "filing_date, acceptance_datetime, transaction_date, issuer_ticker, issuer_name, "
    "owner_name, owner_roles, code, code_meaning, shares, price_per_share, value, "
    "shares_owned_following, delta_own_pct, plan_10b5_1, late, filing_url, accession, source"
)
_CANNED_FILTERS = (
    "(coalesce(:since, '') = '' OR transaction_date >= :since)\n"
    "  AND (coalesce(:min_value, '') = '' OR value >= CAST(:min_value AS REAL))\n"
    "  AND (coalesce(:ticker, '') = '' OR issuer_ticker = upper(:ticker))"
)
_CANNED_EXTRA = {
    "latest": "form_table = 'I' AND code IN ('P', 'S') AND ",
}

CLUSTER_SQL = """WITH RECURSIVE
buys AS (  -- open-market purchases of the stock (Table I, P), current rows, real dates
  SELECT r.accession, r.transaction_date AS day, f.issuer_cik, r.shares, r.price_per_share,
         CASE WHEN r.shares IS NOT NULL AND r.price_per_share IS NOT NULL
              THEN round(r.shares * r.price_per_share, 6) ELSE r.total_value END AS value
  FROM ownership_rows r JOIN filings f ON f.accession = r.accession
  WHERE r.code = 'P' AND r.form_table = 'I' AND r.kind = 'transaction'
    AND r.superseded_by IS NULL AND julianday(r.transaction_date) IS NOT NULL
    AND date(r.transaction_date) = r.transaction_date
    AND (coalesce(:since, '') = '' OR r.transaction_date >= :since)
    AND (coalesce(:ticker, '') = '' OR f.issuer_cik IN
         (SELECT cik FROM issuers WHERE ticker = upper(:ticker)))
),
bo AS (SELECT DISTINCT b.issuer_cik, fo.accession, fo.owner_cik, fo.position
       FROM buys b JOIN filing_owners fo ON fo.accession = b.accession),
edge AS (SELECT a.issuer_cik, a.owner_cik AS x, c.owner_cik AS y
         FROM bo a JOIN bo c ON c.accession = a.accession),
reach(issuer_cik, x, y) AS (  -- owners who ever file together are one buyer
  SELECT issuer_cik, x, y FROM edge
  UNION
  SELECT r.issuer_cik, r.x, e.y FROM reach r JOIN edge e ON e.issuer_cik = r.issuer_cik
         AND e.x = r.y
),
grp AS (SELECT issuer_cik, x AS owner_cik, min(y) AS buyer FROM reach GROUP BY issuer_cik, x),
bb AS (SELECT b.*, coalesce((SELECT g.buyer FROM bo JOIN grp g ON g.issuer_cik = bo.issuer_cik
                            AND g.owner_cik = bo.owner_cik WHERE bo.accession = b.accession
                            ORDER BY bo.position LIMIT 1), b.accession) AS buyer
       FROM buys b),
sw AS (  -- 10-day windows (first to last buy at most 9 days apart) with 3+ buyers
  SELECT s.issuer_cik, s.day AS start, max(c.day) AS stop
  FROM (SELECT DISTINCT issuer_cik, day FROM bb) s
  JOIN bb c ON c.issuer_cik = s.issuer_cik AND c.day >= s.day
       AND julianday(c.day) - julianday(s.day) < 10
  GROUP BY s.issuer_cik, s.day
  HAVING count(DISTINCT c.buyer) >= 3
),
isl AS (  -- overlapping windows merge into one cluster
  SELECT sw.*, sum(CASE WHEN EXISTS (SELECT 1 FROM sw p WHERE p.issuer_cik = sw.issuer_cik
                   AND p.start < sw.start AND p.stop >= sw.start) THEN 0 ELSE 1 END)
         OVER (PARTITION BY sw.issuer_cik ORDER BY sw.start) AS k
  FROM sw
),
cl AS (SELECT issuer_cik, min(start) AS first_date, max(stop) AS last_date
       FROM isl GROUP BY issuer_cik, k)
SELECT i.ticker AS issuer_ticker, cl.first_date, cl.last_date, i.name AS issuer_name,
       count(DISTINCT bb.buyer) AS distinct_buyers, count(*) AS rows,
       sum(bb.shares) AS shares, round(sum(bb.value), 2) AS value,
       (SELECT group_concat(name, '; ') FROM (SELECT DISTINCT fo.name FROM filing_owners fo
        JOIN bb x ON x.accession = fo.accession WHERE x.issuer_cik = cl.issuer_cik
        AND x.day BETWEEN cl.first_date AND cl.last_date)) AS insiders,
       max(f.filing_date) AS last_filing_date, cl.issuer_cik
FROM cl
JOIN bb ON bb.issuer_cik = cl.issuer_cik AND bb.day BETWEEN cl.first_date AND cl.last_date
JOIN filings f ON f.accession = bb.accession
LEFT JOIN issuers i ON i.cik = cl.issuer_cik
GROUP BY cl.issuer_cik, cl.first_date, cl.last_date
HAVING coalesce(:min_value, '') = '' OR sum(bb.value) >= CAST(:min_value AS REAL)
ORDER BY cl.last_date DESC, cl.first_date DESC, cl.issuer_cik DESC
"""


def canned_queries() -> dict[str, dict[str, Any]]:
    """Every screen as one SQL statement with :since, :min_value and :ticker."""
    out: dict[str, dict[str, Any]] = {}
    for s in SCREENS.values():
        if s.name == "cluster-buys":
            sql = CLUSTER_SQL
        else:
            sql = (
                f"SELECT {_CANNED_COLUMNS}\nFROM {s.view}\n"
                f"WHERE {_CANNED_EXTRA.get(s.name, '')}{_CANNED_FILTERS}\n"
                f"ORDER BY {s.order}\nLIMIT 500"
            )
        out[s.name] = {
            "title": s.title,
            "sql": sql,
            "params": ["since", "min_value", "ticker"],
        }
    return out
