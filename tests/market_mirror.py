"""A market-wide EDGAR for tests and benchmarks: daily form indexes (fixed width, laid out
as the real `fixtures/edgar-index/form.20200318.idx`) with a full `.txt` submission behind
every ownership filing, and a latest-filings Atom feed that grows between polls and answers
past its end with EDGAR's real 503 page.

Filings are corpus documents with issuer and owner rewritten, under invented accessions
(placeholders, not real filings). Serve `Market.files` with tests/edgar_server.py and hang
`Market.feed_route` on `EdgarServer.routes[FEED]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from edgar_server import _sub, corpus_templates, document_type

ROOT = Path(__file__).resolve().parent.parent
REAL_INDEX = ROOT / "fixtures" / "edgar-index" / "form.20200318.idx"
PAGE_503 = (ROOT / "fixtures" / "edgar-other" / "getcurrent-past-end-503.html").read_bytes()
FEED = "cgi-bin/browse-edgar"
ET = ZoneInfo("America/New_York")

_HEAD = (
    "Description:           Daily Index of EDGAR Dissemination Feed by Form Type\n"
    "Last Data Received:    {received}\n"
    "Comments:              webmaster@sec.gov\n"
    "Anonymous FTP:         ftp://ftp.sec.gov/edgar/\n"
    " \n \n \n \n"
    "Form Type   Company Name                                                  CIK         "
    "Date Filed  File Name\n" + "-" * 141 + "\n"
)


def index_path(day: date) -> str:
    return (
        f"Archives/edgar/daily-index/{day.year}/QTR{(day.month - 1) // 3 + 1}/form.{day:%Y%m%d}.idx"
    )


def index_line(form: str, company: str, cik: int, day: date, acc: str) -> str:
    name = f"edgar/data/{cik}/{acc}.txt"
    return f"{form:<12}{company:<62}{cik:<12}{day:%Y%m%d}    {name:<52}"


def txt_submission(acc: str, form: str, accepted: datetime, filed: date, xml: bytes) -> bytes:
    """A full submission .txt as EDGAR serves it (SEC-DOCUMENT wrapper, XML inside)."""
    head = (
        f"<SEC-DOCUMENT>{acc}.txt : {filed:%Y%m%d}\n"
        f"<SEC-HEADER>{acc}.hdr.sgml : {filed:%Y%m%d}\n"
        f"<ACCEPTANCE-DATETIME>{accepted:%Y%m%d%H%M%S}\n"
        f"ACCESSION NUMBER:\t\t{acc}\n"
        f"CONFORMED SUBMISSION TYPE:\t{form}\n"
        "PUBLIC DOCUMENT COUNT:\t\t1\n"
        f"FILED AS OF DATE:\t\t{filed:%Y%m%d}\n"
        "</SEC-HEADER>\n<DOCUMENT>\n"
        f"<TYPE>{form}\n<SEQUENCE>1\n<FILENAME>form.xml\n<TEXT>\n<XML>\n"
    )
    return head.encode() + xml.strip() + b"\n</XML>\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"


@dataclass
class MarketFiling:
    accession: str
    form: str
    day: date
    accepted: datetime  # Eastern time
    issuer_cik: int
    issuer_name: str
    ticker: str
    owner_cik: int
    owner_name: str
    xml: bytes

    @property
    def accepted_utc(self) -> str:
        return self.accepted.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    @property
    def txt_path(self) -> str:
        return f"Archives/edgar/data/{self.issuer_cik}/{self.accession}.txt"

    def listings(self) -> list[tuple[int, str, str]]:
        """(cik, name, role) as the index and the feed list it: owner, then issuer."""
        return [
            (self.owner_cik, self.owner_name, "Reporting"),
            (self.issuer_cik, self.issuer_name, "Issuer"),
        ]


_TEMPLATES: dict[str, list[bytes]] = {}


def templates(form: str) -> list[bytes]:
    """Single-owner corpus documents of a form (3, 4 or 5)."""
    if not _TEMPLATES:
        for x in corpus_templates(single_owner=True):
            _TEMPLATES.setdefault(document_type(x)[0], []).append(x)
    return _TEMPLATES[form[0]]


def purchase_xml(shares: str, price: str, title: str = "Chief Executive Officer") -> bytes:
    """A hand-written Form 4 with one open-market purchase (code P): the alerts' subject."""
    return f"""<?xml version="1.0"?>
<ownershipDocument>
<schemaVersion>X0508</schemaVersion><documentType>4</documentType>
<periodOfReport>2020-03-17</periodOfReport>
<issuer><issuerCik>0000000000</issuerCik><issuerName>X</issuerName>
<issuerTradingSymbol>X</issuerTradingSymbol></issuer>
<reportingOwner><reportingOwnerId><rptOwnerCik>0000000000</rptOwnerCik>
<rptOwnerName>X</rptOwnerName></reportingOwnerId>
<reportingOwnerRelationship><isDirector>1</isDirector><isOfficer>1</isOfficer>
<isTenPercentOwner>0</isTenPercentOwner><isOther>0</isOther>
<officerTitle>{title}</officerTitle></reportingOwnerRelationship></reportingOwner>
<nonDerivativeTable><nonDerivativeTransaction>
<securityTitle><value>Common Stock</value></securityTitle>
<transactionDate><value>2020-03-17</value></transactionDate>
<transactionCoding><transactionFormType>4</transactionFormType><transactionCode>P</transactionCode>
<equitySwapInvolved>0</equitySwapInvolved></transactionCoding>
<transactionAmounts><transactionShares><value>{shares}</value></transactionShares>
<transactionPricePerShare><value>{price}</value></transactionPricePerShare>
<transactionAcquiredDisposedCode><value>A</value></transactionAcquiredDisposedCode></transactionAmounts>
<postTransactionAmounts><sharesOwnedFollowingTransaction><value>{Decimal(shares) * 3}</value>
</sharesOwnedFollowingTransaction></postTransactionAmounts>
<ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership></ownershipNature>
</nonDerivativeTransaction></nonDerivativeTable>
<ownerSignature><signatureName>X</signatureName><signatureDate>2020-03-18</signatureDate></ownerSignature>
</ownershipDocument>
""".encode()


@dataclass
class Market:
    files: dict[str, bytes] = field(default_factory=dict)
    filings: list[MarketFiling] = field(default_factory=list)
    feed: list[tuple[MarketFiling, int, str, str]] = field(default_factory=list)  # newest first
    feed_cap: int = 5100
    seq: int = 0
    index_lines: dict[date, list[str]] = field(default_factory=dict)

    # -- filings --------------------------------------------------------------------------
    def make(
        self,
        day: date,
        form: str = "4",
        *,
        accepted: datetime | None = None,
        xml: bytes | None = None,
        issuer: tuple[int, str, str] | None = None,
        owner: tuple[int, str] | None = None,
        accession: str | None = None,
    ) -> MarketFiling:
        self.seq += 1
        k = self.seq
        issuer = issuer or (3000000 + k % 97, f"ISSUER {k % 97} INC", f"I{k % 97}")
        owner = owner or (4000000 + k, f"OWNER NUMBER {k}")
        if xml is None:
            pool = templates(form)
            xml = pool[k % len(pool)]
        xml = _sub("issuerCik", f"{issuer[0]:010d}", xml)
        xml = _sub("issuerName", _esc(issuer[1]), xml)
        xml = _sub("issuerTradingSymbol", issuer[2], xml)
        xml = _sub("rptOwnerCik", f"{owner[0]:010d}", xml, 1)
        xml = _sub("rptOwnerName", _esc(owner[1]), xml, 1)
        xml = _sub("documentType", form, xml, 1)
        acc = accession or f"{5000000000 + k % 1000:010d}-{day.year % 100:02d}-{k:06d}"
        accepted = accepted or datetime(day.year, day.month, day.day, 16, 0, tzinfo=ET) + timedelta(
            seconds=k
        )
        f = MarketFiling(
            acc, form, day, accepted, issuer[0], issuer[1], issuer[2], owner[0], owner[1], xml
        )
        txt = txt_submission(acc, form, accepted, day, xml)
        for cik, _name, _role in f.listings():  # EDGAR serves it under every CIK it names
            self.files[f"Archives/edgar/data/{cik}/{acc}.txt"] = txt
        self.filings.append(f)
        return f

    def list_in_index(self, f: MarketFiling, duplicate: bool = True) -> None:
        lines = self.index_lines.setdefault(f.day, [])
        for cik, name, _role in f.listings()[: 2 if duplicate else 1]:
            lines.append(index_line(f.form, name, cik, f.day, f.accession))

    def other_form(self, day: date, form: str = "424B2") -> None:
        """A non-ownership line (the `4` prefix trap included) with nothing behind it."""
        self.seq += 1
        acc = f"9999999995-{day.year % 100:02d}-{self.seq:06d}"
        self.index_lines.setdefault(day, []).append(index_line(form, "SOME BANK", 831001, day, acc))

    def add_day(self, day: date, n: int, forms: str = "4434445") -> list[MarketFiling]:
        """n filings on `day`, each listed twice (owner and issuer), plus other forms."""
        out = []
        for i in range(n):
            f = self.make(day, forms[i % len(forms)])
            self.list_in_index(f)
            out.append(f)
        for form in ("10-K", "424B2", "40-APP", "SC 13G"):
            self.other_form(day, form)
        self.write_index(day)
        return out

    def write_index(self, day: date) -> None:
        # EDGAR sorts by form type, then company: duplicates end up far apart.
        lines = sorted(self.index_lines.get(day, []))
        body = _HEAD.format(received=f"{day:%b %d, %Y}") + "".join(ln + "\n" for ln in lines)
        self.files[index_path(day)] = body.encode()

    def mirror_real_day(self) -> dict[str, str]:
        """The real form.20200318.idx with a generated .txt behind each ownership filing it
        lists (under the first CIK listed), forms as the index says. Returns accession -> form."""
        data = REAL_INDEX.read_bytes()
        self.files[index_path(date(2020, 3, 18))] = data
        forms: dict[str, str] = {}
        ciks: dict[str, list[tuple[int, str]]] = {}
        for line in data.decode("latin-1").splitlines()[10:]:
            form = line[:12].strip()
            if form not in ("3", "3/A", "4", "4/A", "5", "5/A"):
                continue
            m = re.search(r"edgar/data/(\d+)/(\d{10}-\d{2}-\d{6})\.txt", line)
            assert m, line
            forms.setdefault(m.group(2), form)
            ciks.setdefault(m.group(2), []).append((int(m.group(1)), line[12:74].strip()))
        day = date(2020, 3, 18)
        for acc, form in forms.items():
            listed = ciks[acc]
            issuer, owner = listed[0], listed[-1]
            f = self.make(day, form, issuer=(*issuer, "T"), owner=owner, accession=acc)
            for cik, _name in listed:
                self.files[f"Archives/edgar/data/{cik}/{acc}.txt"] = txt_submission(
                    acc, form, f.accepted, day, f.xml
                )
        return forms

    # -- the feed -------------------------------------------------------------------------
    def publish(self, f: MarketFiling) -> None:
        """Put a filing at the top of the feed, listed under the owner and the issuer."""
        for cik, name, role in reversed(f.listings()):
            self.feed.insert(0, (f, cik, name, role))

    def publish_other(self, form: str = "424B2") -> None:
        self.seq += 1
        acc = f"9999999995-25-{self.seq:06d}"
        fake = MarketFiling(
            acc, form, date(2025, 1, 1), datetime.now(ET), 831001, "CITIGROUP INC", "C", 0, "", b""
        )
        self.feed.insert(0, (fake, 831001, "CITIGROUP INC", "Filer"))

    def feed_route(self, query: str) -> tuple[int, bytes, str]:
        q = {k: v[0] for k, v in parse_qs(query).items()}
        prefix = q.get("type", "")
        start, count = int(q.get("start", "0")), int(q.get("count", "40"))
        if start >= self.feed_cap:
            return 503, PAGE_503, "text/html"
        visible = self.feed[: self.feed_cap]
        matching = [e for e in visible if e[0].form.startswith(prefix)]
        page = matching[start : start + count]
        return 200, atom(page), "application/atom+xml"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def atom(entries: list[tuple[MarketFiling, int, str, str]]) -> bytes:
    out = [
        '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<title>Latest Filings</title>\n<updated>2025-12-12T18:03:57-05:00</updated>\n"
    ]
    for f, cik, name, role in entries:
        acc = f.accession
        out.append(
            f"<entry>\n<title>{_esc(f.form)} - {_esc(name)} ({cik:010d}) ({role})</title>\n"
            f'<link rel="alternate" type="text/html" href="https://www.sec.gov/Archives/edgar/'
            f'data/{cik}/{acc.replace("-", "")}/{acc}-index.htm"/>\n'
            f'<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; {f.day} '
            f"&lt;b&gt;AccNo:&lt;/b&gt; {acc}</summary>\n"
            f"<updated>{f.accepted.isoformat()}</updated>\n"
            f'<category scheme="https://www.sec.gov/" label="form type" term="{_esc(f.form)}"/>\n'
            f"<id>urn:tag:sec.gov,2008:accession-number={acc}</id>\n</entry>\n"
        )
    out.append("</feed>\n")
    return "".join(out).encode("latin-1", "replace")
