"""The `timeline-api` command: resolve (text and JSON Lines) and ingest."""
from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from timeline_api.cli import main
from timeline_api.store.models import Article, Event


def test_resolve_text():
    text = "It opened on 3 May and closed two days later."
    result = CliRunner().invoke(main, ["resolve", text, "--date", "2023-06-05"])
    assert result.exit_code == 0, result.output
    assert [t["value"] for t in json.loads(result.output)["timexes"]] == ["2023-05-03", "2023-05-05"]


def test_resolve_jsonl_writes_one_line_per_input(tmp_path):
    lines = [
        {"id": "a", "text": "The vote was held yesterday.", "reference_date": "2022-11-09"},
        {"id": "b", "text": "Nothing dated here.", "reference_date": "2022-11-09"},
        {"id": "c", "text": "Trading resumed on 4 January 2021.", "reference_date": "2021-01-10"},
    ]
    infile = tmp_path / "in.jsonl"
    infile.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = CliRunner().invoke(main, ["resolve", "--jsonl", str(infile)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert [t["value"] for t in out[0]["timexes"]] == ["2022-11-08"]
    assert out[1]["timexes"] == []
    assert [t["value"] for t in out[2]["timexes"]] == ["2021-01-04"]


def test_resolve_needs_text_or_jsonl():
    assert CliRunner().invoke(main, ["resolve"]).exit_code == 2


def test_ingest_json_jsonl_and_text_files(tmp_path, database_url):
    (tmp_path / "one.json").write_text(json.dumps(
        {"text": "Floods hit Lagos on 2 July 2022.", "published_at": "2022-07-04", "external_id": "n1"}))
    (tmp_path / "many.jsonl").write_text("\n".join([
        json.dumps({"text": "Markets fell in Tokyo on 1 August 2022.", "published_at": "2022-08-02"}),
        json.dumps({"text": "", "published_at": "2022-08-02"}),  # rejected: empty text
        json.dumps({"text": "Floods hit Lagos on 2 July 2022.", "published_at": "2022-07-04"}),  # existing
    ]))
    (tmp_path / "plain.txt").write_text("A ceasefire began in Gaza on 19 January 2025.")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(tmp_path / "one.json"), str(tmp_path / "many.jsonl"),
                                  str(tmp_path / "plain.txt"), "--published-at", "2025-01-20"],
                           env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "created 3, existing 1, rejected 1" in result.output
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Article)) == 3
        assert conn.scalar(select(func.count()).select_from(Event)) == 3
    engine.dispose()


def test_resolve_timeml_writes_inline_timex3():
    result = CliRunner().invoke(main, ["resolve", "Jailed from 1991 to 1997.", "--date", "2023-06-05", "--timeml"])
    assert result.exit_code == 0, result.output
    assert result.output == ('Jailed from <TIMEX3 tid="t1" type="DATE" value="1991">1991</TIMEX3> to '
                             '<TIMEX3 tid="t2" type="DATE" value="1997">1997</TIMEX3>.\n')


def test_db_reindex_names_rebuilds_the_name_index(database_url, monkeypatch):
    from sqlalchemy import delete

    from timeline_api.store.models import Entity, EntityName

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(Entity.__table__.insert().values(id="ent:orvell-mining", name="Orvell Mining plc",
                                                      name_norm="orvell mining plc", kind="organization",
                                                      curated=False, kind_guessed=False))
        conn.execute(delete(EntityName))  # as after a change to the word lists: stale or missing keys
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["db", "reindex-names"])
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        keys = set(conn.execute(select(EntityName.key, EntityName.form)).all())
    engine.dispose()
    assert {("orvellmining", "key"), ("om", "acronym"), ("orvell", "short")} <= keys


def test_version_is_the_installed_package_version():
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"timeline-api, version {version('timeline-api')}"
