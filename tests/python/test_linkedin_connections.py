"""LinkedIn's Connections.csv as Lane B partner candidates (`--from linkedin`).

The fixture is written as LinkedIn's "Download your data" export writes the file: a
notes preamble, then First Name, Last Name, URL, Email Address, Company, Position,
Connected On, emails mostly blank.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest

# Reading LinkedIn's file is the loader's work: once, in the embedded run.
pytestmark = pytest.mark.once

CONNECTIONS = Path(__file__).parents[1] / "fixtures" / "linkedin" / "Connections.csv"


def partners(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select firm_name, primary_contact_name, linkedin_url, email, source, status::text"
            " from partners.fractional_cfo_master order by 2"
        ).fetchall()


def test_only_the_cfo_connections_load_and_again_insert_nothing(loader, migrated_db: str) -> None:
    code, out, err = loader(
        "ingest", "lane-b", "partners", str(CONNECTIONS), "--from", "linkedin", "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert (report["rows_read"], report["inserted"], report["rejected"]) == (6, 3, 0)
    assert any("3 connection(s) whose position mentions none" in w for w in report["warnings"])
    assert partners(migrated_db) == [
        ("Ledgerline CFO Partners", "Dana Whitfield", "https://www.linkedin.com/in/dana-whitfield",
         None, "linkedin", "prospect"),
        ("Priya Nair", "Priya Nair", "https://www.linkedin.com/in/priya-nair", None, "linkedin",
         "prospect"),  # no company: the person is the firm
        ("Northwind Advisory", "Sam Ortiz", "https://www.linkedin.com/in/sam-ortiz",
         "sam@northwind.example", "linkedin", "prospect"),
    ]  # fmt: skip
    again = json.loads(
        loader("ingest", "lane-b", "partners", str(CONNECTIONS), "--from", "linkedin", "--json")[1]
    )
    assert (again["inserted"], again["updated"], again["duplicates"]) == (0, 0, 3)


def test_a_known_partner_is_matched_by_linkedin_url_and_keywords_can_be_given(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            "insert into partners.fractional_cfo_master (firm_name, primary_contact_name,"
            " linkedin_url, source, status) values ('Reyes and Company', 'Tom Reyes',"
            " 'https://www.linkedin.com/in/tom-reyes', 'Referral', 'engaged')"
        )
    code, out, _ = loader("ingest", "lane-b", "partners", str(CONNECTIONS), "--from", "linkedin",
                          "--position-keyword", "founder", "--only-keywords",
                          "--json")  # fmt: skip
    report = json.loads(out)
    assert code == 0 and (report["inserted"], report["updated"]) == (0, 1)
    [tom] = [p for p in partners(migrated_db) if p[1] == "Tom Reyes"]
    assert tom[0] == "Reyes & Co" and tom[5] == "engaged"  # the file's firm; status kept
    assert len(partners(migrated_db)) == 1


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda text: text.split("\n\n", 1)[1], "does not start with LinkedIn's notes"),
        (
            lambda text: text.replace(
                "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
                "Prénom,Nom,URL,Adresse e-mail,Entreprise,Poste,Date de connexion",
            ),
            "are not LinkedIn's English ones",
        ),
    ],
)
def test_a_file_that_is_not_linkedins_as_written_is_one_line_and_exit_1(
    loader, migrated_db: str, tmp_path: Path, edit, says: str
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(edit(CONNECTIONS.read_text(encoding="utf-8")), encoding="utf-8")
    code, _, err = loader("ingest", "lane-b", "partners", str(path), "--from", "linkedin")
    assert code == 1 and says in err and len(err.strip().splitlines()) == 1, err
    assert partners(migrated_db) == []


def test_position_keywords_go_with_linkedin_only(loader, tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    shutil.copy(CONNECTIONS, path)
    code, _, err = loader("ingest", "lane-b", "partners", str(path), "--position-keyword", "cfo")
    assert code == 2 and "--position-keyword goes with --from linkedin" in err


def test_positions_are_matched_as_people_write_them(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    # The seed's keywords plus one given: word order, brackets, hyphens, FD for finance
    # director and "Chief Financial Officer" for CFO all match; a finance role no keyword
    # names is a near miss, listed.
    text = CONNECTIONS.read_text(encoding="utf-8")
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    notes = text[: text.index(header) + len(header)]
    rows = [
        ("Anna", "de Vries", "Part-time Finance Director"), ("Jo", "Hill", "CFO (interim)"),
        ("Ravi", "Shah", "Fractional FD"), ("Lena", "Berg", "Portfolio CFO"),
        ("Omar", "Aziz", "Chief Financial Officer, on-demand"), ("Kim", "Park", "CFO"),
        ("Tess", "Lowe", "Board advisor"), ("Ed", "Marsh", "Head of Sales"),
    ]  # fmt: skip
    lines = [f"{first},{last},https://www.linkedin.com/in/{first.lower()},,,{position!r},"
             "01 Nov 2026" for first, last, position in rows]  # fmt: skip
    path = tmp_path / "Connections.csv"
    path.write_text(notes + "\n".join(line.replace("'", '"') for line in lines) + "\n")
    code, out, err = loader("ingest", "lane-b", "partners", str(path), "--from", "linkedin",
                            "--position-keyword", "board advisor", "--json")  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    loaded = sorted(p[1] for p in partners(migrated_db))
    assert loaded == ["Anna de Vries", "Jo Hill", "Lena Berg", "Omar Aziz", "Ravi Shah",
                      "Tess Lowe"]  # fmt: skip
    [near] = [w for w in report["warnings"] if w.startswith("near misses")]
    assert "'CFO'" in near and "Head of Sales" not in near
    code, _, err = loader("ingest", "lane-b", "partners", str(path), "--from", "linkedin",
                          "--only-keywords")  # fmt: skip
    assert code == 2 and "--only-keywords needs at least one --position-keyword" in err
