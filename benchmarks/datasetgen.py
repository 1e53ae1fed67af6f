"""A synthetic quarter of the SEC's Insider Transactions Data Sets, any size, any seed.

    from benchmarks.datasetgen import write_quarter_zip, Q2024Q1
    write_quarter_zip("2024q1_form345.zip", "2024q1", submissions=68_000, seed=1)

Layout as the real ZIPs (eight tab-separated members with the real header names, a
readme and a metadata JSON beside them); values are realistic in kind, not real: CIKs from
pools of issuers and owners, DD-MON-YYYY dates inside the quarter, prices and shares with
2 decimals, a few CSV-quoted values, mixed 0/1/true/false booleans, junk tickers, 4/A
amendments pointing at an original of the same quarter, and `_FN` columns citing that
accession's footnotes (some of which mention a Rule 10b5-1 plan). Row counts scale with
`submissions` in the proportions of 2024q1 (Q2024Q1). Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from insider.datasets import COLUMNS, FIELD_COLUMN, FN_COLUMNS  # noqa: E402

# 2024q1 (docs/market.md): rows per table for 68,000 submissions.
Q2024Q1 = {
    "SUBMISSION": 68_000,
    "REPORTINGOWNER": 72_000,
    "NONDERIV_TRANS": 111_000,
    "NONDERIV_HOLDING": 27_000,
    "DERIV_TRANS": 45_000,
    "DERIV_HOLDING": 13_000,
    "FOOTNOTES": 150_000,
    "OWNER_SIGNATURE": 72_000,
}
_MON = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_CODES_I = "S" * 30 + "P" * 6 + "M" * 14 + "A" * 16 + "F" * 20 + "G" * 5 + "J" * 3 + "C" + "D" * 2
_CODES_II = "M" * 45 + "A" * 35 + "X" * 6 + "C" * 5 + "D" * 4 + "G" + "F" * 2 + "J" * 2
_TITLES_I = ("Common Stock", "Class A Common Stock", "Common Stock, $0.01 par value",
             'Ordinary Shares "ADS"', "Class B Common Stock")  # fmt: skip
_TITLES_II = ("Stock Option (Right to Buy)", "Restricted Stock Units", "Performance Stock Units",
              "Employee Stock Option", "Warrants")  # fmt: skip
_NATURES = ("By Trust", "By Spouse", "By 401(k) Plan", 'By the "Family" LLC', "By GRAT")
_NOTES = (
    "The sales reported were effected pursuant to a Rule 10b5-1 trading plan adopted by the "
    "reporting person on {d}.",
    "The price reported is a weighted average price. These shares were sold in multiple "
    "transactions at prices ranging from ${lo} to ${hi}, inclusive.",
    "Represents restricted stock units that vest in four equal annual installments.",
    "Shares withheld by the issuer to satisfy tax withholding obligations upon vesting.",
    "Each restricted stock unit represents a contingent right to receive one share.",
    "The reporting person disclaims beneficial ownership except to the extent of his "
    "pecuniary interest therein.",
    "Held by a trust for the benefit of the reporting person's children.",
)
_BOOLS = ("0", "1", "false", "true", "")
_TICKERS_JUNK = ("NONE", "N/A", "-", "(SIRI)", "")


def _dmy(d: date) -> str:
    return f"{d.day:02d}-{_MON[d.month - 1]}-{d.year}"


def _quarter_days(quarter: str) -> tuple[date, int]:
    y, q = int(quarter[:4]), int(quarter[5])
    start = date(y, 3 * (q - 1) + 1, 1)
    end = date(y + (q == 4), (3 * q) % 12 + 1, 1)
    return start, (end - start).days


def _spread(rng: random.Random, n: int, buckets: int, at_least_one: bool = False) -> list[int]:
    counts = [1 if at_least_one else 0] * buckets
    for _ in range(n - (buckets if at_least_one else 0)):
        counts[rng.randrange(buckets)] += 1
    return counts


def _money(rng: random.Random, lo: float, hi: float) -> str:
    return f"{rng.uniform(lo, hi):.2f}"


def write_quarter_zip(
    path: str | Path,
    quarter: str = "2024q1",
    submissions: int = 68_000,
    seed: int = 0,
    *,
    cik_base: int = 1_000_000,
    accession_prefix: str | None = None,
) -> dict[str, int]:
    """Write a quarter ZIP at `path`; return rows per member. Several quarters with
    different `seed`/`quarter` have distinct accessions (the year and seed are in them)."""
    rng = random.Random(seed)
    scale = submissions / Q2024Q1["SUBMISSION"]
    n = {m: max(0, round(v * scale)) for m, v in Q2024Q1.items()}
    n["SUBMISSION"] = submissions
    start, days = _quarter_days(quarter)
    yy = int(quarter[2:4])
    n_issuers = max(1, submissions // 11)
    n_owners = max(1, submissions * 3 // 5)
    prefix = accession_prefix or f"{9_000_000_000 + seed * 1000 + int(quarter[5]):010d}"
    subs = []
    for i in range(submissions):
        acc = f"{prefix}-{yy:02d}-{i:06d}"
        issuer = cik_base + rng.randrange(n_issuers)
        filed = start + timedelta(days=rng.randrange(days))
        period = filed - timedelta(days=rng.choice((1, 2, 2, 2, 3, 5, 30)))
        form = rng.choices(("4", "3", "5", "4/A", "3/A"), (85, 8, 3, 3, 1))[0]
        subs.append([acc, issuer, filed, period, form])
    # Amendments point at an earlier original of the same issuer and period when there is
    # one (made so here), else they stay unlinked as real orphans do.
    originals = {}
    for s in subs:
        if not s[4].endswith("/A"):
            originals.setdefault(s[1], s)
    owners_of = _spread(rng, n["REPORTINGOWNER"], submissions, at_least_one=True)
    owner_ciks: list[list[int]] = []
    for i in range(submissions):
        owner_ciks.append([cik_base * 2 + rng.randrange(n_owners) for _ in range(owners_of[i])])
    notes_of = _spread(rng, n["FOOTNOTES"], submissions)
    out = {m: 0 for m in COLUMNS}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("FORM_345_readme.htm", "<html>synthetic quarter (benchmarks)</html>")
        zf.writestr("FORM_345_metadata.json", '{"tables": []}')

        def member(name: str, header: tuple[str, ...]):
            f = io.TextIOWrapper(zf.open(f"{name}.tsv", "w"), encoding="utf-8", newline="")
            w = csv.writer(f, delimiter="\t", lineterminator="\n")
            w.writerow(header)
            return f, w

        # SUBMISSION (real vintage header: FORM3_HOLDING_REPORTED, AFF10B5ONE at the end)
        header = tuple(
            "FORM3_HOLDING_REPORTED" if c == "FORM3_HOLDINGS_REPORTED" else c
            for c in COLUMNS["SUBMISSION"]
        )
        f, w = member("SUBMISSION", header)
        for s in subs:
            acc, issuer, filed, period, form = s
            orig = originals.get(issuer)
            dos = _dmy(orig[2]) if form.endswith("/A") and orig else ""
            if form.endswith("/A") and orig:
                s[3] = period = orig[3]
            ticker = rng.choice(_TICKERS_JUNK) if rng.random() < 0.02 else f"T{issuer % 100000:05d}"
            remarks = "Exhibit 24 - Power of Attorney" if rng.random() < 0.1 else ""
            w.writerow((acc, _dmy(filed), _dmy(period), dos, "0" if form[0] == "3" else "",
                        rng.choice(_BOOLS), "", "", form, f"{issuer:010d}",
                        f"ISSUER {issuer} INC", ticker, remarks,
                        rng.choice(("0", "1", "")) if filed.year >= 2023 else ""))  # fmt: skip
        out["SUBMISSION"] = len(subs)
        f.close()
        # REPORTINGOWNER
        f, w = member("REPORTINGOWNER", COLUMNS["REPORTINGOWNER"] + ("RPTOWNER_STATE_DESC",
                                                                     "FILE_NUMBER"))  # fmt: skip
        for s, ciks in zip(subs, owner_ciks, strict=True):
            for cik in ciks:
                rel = rng.choice(("Director", "Officer", "Director,Officer", "TenPercentOwner",
                                  "officer", "Other", "Director,TenPercentOwner"))  # fmt: skip
                title = "Chief Financial Officer" if "fficer" in rel else ""
                w.writerow((s[0], f"{cik:010d}", f"OWNER {cik} J", rel, title,
                            "See Remarks" if rel == "Other" else "", f"{cik % 900} MAIN ST",
                            "", "SPRINGFIELD", "IL", "62701", "ILLINOIS", ""))  # fmt: skip
                out["REPORTINGOWNER"] += 1
        f.close()
        # the four row tables
        for name in ("NONDERIV_TRANS", "NONDERIV_HOLDING", "DERIV_TRANS", "DERIV_HOLDING"):
            deriv = name.startswith("DERIV")
            trans = name.endswith("TRANS")
            header = _header(name)
            pick = [COLUMNS[name].index(c) for c in header]
            # real header names of this vintage (docs/market.md)
            real = tuple(
                "EXCERCISE_DATE" if c == "EXERCISE_DATE" and trans else
                "EXCERCISE_DATE_FN" if c == "EXERCISE_DATE_FN" and trans else c
                for c in header
            )  # fmt: skip
            f, w = member(name, real)
            rows_of = _spread(rng, n[name], submissions)
            sk = 1_000_000 * (1 + list(COLUMNS).index(name))
            for i, s in enumerate(subs):
                for _ in range(rows_of[i]):
                    sk += 1
                    row = _data_row(rng, s, sk, deriv, trans, notes_of[i])
                    w.writerow([row[k] for k in pick])
                    out[name] += 1
            f.close()
        # FOOTNOTES
        f, w = member("FOOTNOTES", COLUMNS["FOOTNOTES"])
        for i, s in enumerate(subs):
            for k in range(1, notes_of[i] + 1):
                text = rng.choice(_NOTES).format(
                    d=_dmy(s[2] - timedelta(days=200)), lo=_money(rng, 10, 50),
                    hi=_money(rng, 50, 60))  # fmt: skip
                w.writerow((s[0], f"F{k}", text))
                out["FOOTNOTES"] += 1
        f.close()
        # OWNER_SIGNATURE
        f, w = member("OWNER_SIGNATURE", COLUMNS["OWNER_SIGNATURE"])
        for s, ciks in zip(subs, owner_ciks, strict=True):
            for cik in dict.fromkeys(ciks):
                w.writerow((s[0], f"/s/ Attorney-in-fact for OWNER {cik} J", _dmy(s[2])))
                out["OWNER_SIGNATURE"] += 1
        f.close()
    return out


# Value columns of each table (the SEC's readme); each has its _FN sibling, except
# TRANS_CODE (its footnote is EQUITY_SWAP_INVOLVED_FN).
_TABLE_COLUMNS = {
    "NONDERIV_TRANS": (
        "SECURITY_TITLE TRANS_DATE DEEMED_EXECUTION_DATE TRANS_FORM_TYPE TRANS_CODE "
        "EQUITY_SWAP_INVOLVED TRANS_TIMELINESS TRANS_SHARES TRANS_PRICEPERSHARE "
        "TRANS_ACQUIRED_DISP_CD SHRS_OWND_FOLWNG_TRANS VALU_OWND_FOLWNG_TRANS "
        "DIRECT_INDIRECT_OWNERSHIP NATURE_OF_OWNERSHIP"
    ),
    "NONDERIV_HOLDING": (
        "SECURITY_TITLE TRANS_FORM_TYPE SHRS_OWND_FOLWNG_TRANS VALU_OWND_FOLWNG_TRANS "
        "DIRECT_INDIRECT_OWNERSHIP NATURE_OF_OWNERSHIP"
    ),
    "DERIV_TRANS": " ".join(FIELD_COLUMN.values()),
    "DERIV_HOLDING": (
        "SECURITY_TITLE CONV_EXERCISE_PRICE TRANS_FORM_TYPE EXERCISE_DATE EXPIRATION_DATE "
        "UNDLYNG_SEC_TITLE UNDLYNG_SEC_SHARES UNDLYNG_SEC_VALUE SHRS_OWND_FOLWNG_TRANS "
        "VALU_OWND_FOLWNG_TRANS DIRECT_INDIRECT_OWNERSHIP NATURE_OF_OWNERSHIP"
    ),
}


def _header(name: str) -> tuple[str, ...]:
    out = ["ACCESSION_NUMBER", f"{name}_SK"]
    for col in _TABLE_COLUMNS[name].split():
        out.append(col)
        if col != "TRANS_CODE":
            out.append("EQUITY_SWAP_INVOLVED_FN" if col == "EQUITY_SWAP_INVOLVED" else f"{col}_FN")
    return tuple(out)


def _data_row(
    rng: random.Random, s: list, sk: int, deriv: bool, trans: bool, notes: int
) -> tuple[str, ...]:
    acc, _issuer, filed, period, form = s
    v = dict.fromkeys(FIELD_COLUMN.values(), "")
    v["SECURITY_TITLE"] = rng.choice(_TITLES_II if deriv else _TITLES_I)
    v["DIRECT_INDIRECT_OWNERSHIP"] = "D" if rng.random() < 0.8 else "I"
    if v["DIRECT_INDIRECT_OWNERSHIP"] == "I":
        v["NATURE_OF_OWNERSHIP"] = rng.choice(_NATURES)
    v["SHRS_OWND_FOLWNG_TRANS"] = f"{rng.randrange(0, 2_000_000)}.0"
    if trans:
        v["TRANS_DATE"] = _dmy(period)
        v["TRANS_FORM_TYPE"] = form[0]
        v["TRANS_CODE"] = rng.choice(_CODES_II if deriv else _CODES_I)
        v["EQUITY_SWAP_INVOLVED"] = rng.choice(("0", "0", "0", "false", "1"))
        v["TRANS_SHARES"] = f"{rng.randrange(1, 50_000)}.0"
        if rng.random() < 0.03:
            v["TRANS_TIMELINESS"] = "L"
        code = v["TRANS_CODE"]
        if code in "SPF" or (deriv and code in "X"):
            v["TRANS_PRICEPERSHARE"] = _money(rng, 1, 500)
        elif code in "MA":
            v["TRANS_PRICEPERSHARE"] = "0.0"
        v["TRANS_ACQUIRED_DISP_CD"] = "D" if code in "SFGD" else "A"
        if rng.random() < 0.05:
            v["DEEMED_EXECUTION_DATE"] = _dmy(period)
    elif rng.random() < 0.3:
        v["TRANS_FORM_TYPE"] = "3"
    if deriv:
        v["CONV_EXERCISE_PRICE"] = _money(rng, 0, 300) if rng.random() < 0.7 else ""
        v["EXERCISE_DATE"] = _dmy(period + timedelta(days=365)) if rng.random() < 0.6 else ""
        v["EXPIRATION_DATE"] = _dmy(period + timedelta(days=3650)) if rng.random() < 0.7 else ""
        v["UNDLYNG_SEC_TITLE"] = "Common Stock"
        v["UNDLYNG_SEC_SHARES"] = f"{rng.randrange(1, 100_000)}.0"
    fn = dict.fromkeys(FN_COLUMNS, "")
    if notes:
        cols = [c for c in FN_COLUMNS if v.get(c[:-3]) or c == "TRANS_SHARES_FN"]
        for col in rng.sample(cols, k=min(len(cols), rng.choice((0, 1, 1, 1, 2, 3)))):
            k = rng.randint(1, notes)
            fn[col] = (
                f"F{k}" if rng.random() < 0.8 or notes < 2 else f"F{k}, F{rng.randint(1, notes)}"
            )
        if v["TRANS_PRICEPERSHARE"] and rng.random() < 0.3:
            fn["TRANS_PRICEPERSHARE_FN"] = "F1"
    return (acc, str(sk), *v.values(), *fn.values())


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--quarter", default="2024q1")
    ap.add_argument("--submissions", type=int, default=68_000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    print(write_quarter_zip(a.path, a.quarter, a.submissions, a.seed))
