"""The role rule (insider/roles.py) on titles as filers write them, read by a person."""

from __future__ import annotations

import sqlite3

import pytest

from insider import roles

CEO = [
    "Officer (Chief Executive Officer)",
    "Officer (CEO)",
    "Officer (Pres. & CEO)",
    "Officer (President and CEO)",
    "Officer (Co-CEO)",
    "Officer (Principal Executive Officer)",
    "Director; Officer (Chairman, President & Chief Executive Officer)",
    "Officer (Interim CEO)",
    "Officer (Chief Executive)",
    "Officer (President/CEO)",
    "Other (Co-Chief Executive Officer)",
    "Director; Officer (chief executive officer)",
    "10% Owner; Officer (CEO); Director",  # a joint filing's roles
]
NOT_CEO = [
    "Officer (Chief Executive Officer's assistant)",
    "Officer (Assistant to the CEO)",
    "Officer (Executive Assistant to the President and CEO)",
    "Officer (Deputy CEO)",
    "Officer (Former CEO)",
    "Officer (Ex-CEO)",
    "Officer (CEO-Elect)",
    "Officer (Chief of Staff, Office of the CEO)",
    "Officer (Senior Advisor to the Chief Executive Officer)",
    "Officer (Chief Financial Officer)",
    "Officer (CEOs Council member)",
    "Officer (Executive Vice President)",
    "Director",
    "",
    None,
]
CFO = [
    "Officer (Executive Vice President - CFO)",
    "Officer (Chief Financial Officer)",
    "Officer (EVP, CFO & Treasurer)",
    "Officer (Principal Financial Officer)",
    "Officer (Interim Chief Financial Officer)",
    "Officer (SVP and Chief Finance Officer)",
]
NOT_CFO = [
    "Officer (Deputy Chief Financial Officer)",
    "Officer (Assistant CFO)",
    "Officer (Former Chief Financial Officer)",
    "Officer (Chief Accounting Officer)",
    "Officer (VP Finance)",
]


@pytest.mark.parametrize("text", CEO)
def test_ceo(text):
    assert roles.text_has_role(text, "ceo")


@pytest.mark.parametrize("text", NOT_CEO)
def test_not_ceo(text):
    assert not roles.text_has_role(text, "ceo")


@pytest.mark.parametrize("text", CFO)
def test_cfo(text):
    assert roles.text_has_role(text, "cfo") and not roles.text_has_role(text, "ceo")


@pytest.mark.parametrize("text", NOT_CFO)
def test_not_cfo(text):
    assert not roles.text_has_role(text, "cfo")


def test_president_and_chair_are_not_vice():
    assert roles.text_has_role("Officer (President)", "president")
    assert roles.text_has_role("Officer (Pres. & CEO)", "president")
    assert not roles.text_has_role("Officer (Senior Vice President)", "president")
    assert not roles.text_has_role("Officer (Vice-President, Sales)", "president")
    assert roles.text_has_role("Director; Officer (Chairman of the Board)", "chair")
    assert not roles.text_has_role("Director; Officer (Vice Chairman)", "chair")
    assert roles.text_has_role("Officer (Chief Operating Officer)", "coo")


def test_boxes_come_from_the_form_not_from_titles():
    assert roles.text_has_role("Director; Officer (CEO)", "director")
    assert not roles.text_has_role("Officer (Director of Sales)", "director")
    assert roles.text_has_role("Officer (Director of Sales)", "officer")
    assert roles.text_has_role("Officer", "officer")
    assert roles.text_has_role("Director; 10% Owner", "ten-percent")
    assert not roles.text_has_role("Director", "ten-percent")
    assert roles.text_has_role("Other (Member of 13(d) group)", "other")
    assert not roles.text_has_role("Officer (Other duties)", "other")


def test_sql_and_python_are_one_rule():
    """The view's SQL, run in a real SQLite over a column, agrees with has_role."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (roles TEXT)")
    texts = CEO + NOT_CEO + CFO + NOT_CFO
    con.executemany("INSERT INTO t VALUES (?)", [(x,) for x in texts])
    got = {
        r[0]
        for r in con.execute(f"SELECT roles FROM t WHERE {roles.sql_any(('ceo', 'cfo'), 'roles')}")
    }
    assert got == set(CEO + CFO)


def test_parse_roles():
    assert roles.parse_role_option("CEO, cfo,ceo") == ("ceo", "cfo")
    assert roles.parse_role_option("10%") == ("ten-percent",)
    assert roles.parse_role_option(None) is None
    with pytest.raises(roles.RoleError, match="unknown role 'janitor'"):
        roles.parse_role_option("ceo,janitor")
    with pytest.raises(roles.RoleError):
        roles.parse_role_option(" , ")
    assert roles.parse_roles("ceo,director") == frozenset({"ceo", "director"})
    assert roles.parse_roles(None) == frozenset()
    with pytest.raises(ValueError):
        roles.parse_roles("janitor")
    with pytest.raises(ValueError):  # the watch's test: chairman is no role name (chair is)
        roles.parse_roles("ceo,chairman")


def test_one_owners_fields():
    """The same rule for a caller holding one owner's boxes and title (watch alerts)."""
    assert roles.has_role("ceo", is_officer=True, officer_title="Chairman & C.E.O.")
    assert roles.has_role("cfo", is_officer=True, officer_title="EVP, CFO & Treasurer")
    assert not roles.has_role("cfo", is_officer=True, officer_title="Director of Finance")
    assert not roles.has_role(
        "ceo", is_officer=True, officer_title="Chief Executive Officer's assistant"
    )
    assert roles.has_role("director", is_director=True)
    assert not roles.has_role("director", is_officer=True, officer_title="Director of Sales")
    assert roles.has_role("ceo", officer_title="CEO")  # a title without the officer box
    assert roles.is_ceo("Pres. & Chief Exec. Officer") and not roles.is_cfo(
        "Chief Executive Officer"
    )
