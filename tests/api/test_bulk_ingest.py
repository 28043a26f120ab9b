"""`timeline-api ingest` over directories and patterns, in a process pool, with markup
stripped, bad records reported by line and skipped, and repeats listed with their reason."""
from __future__ import annotations

import gc
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select

from timeline_api.cli import main
from timeline_api.store.models import Article, EventSource


def _lines(*records) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


@pytest.fixture
def corpus(tmp_path):
    """A small tree of our own articles in every supported format."""
    news = tmp_path / "news" / "2023"
    news.mkdir(parents=True)
    (news / "wire.jsonl").write_text(_lines(
        {"text": "Floods closed the port of Lagos on 2 July 2022.", "published_at": "2022-07-04",
         "url": "https://news.example.org/lagos"},
        "{not json",
        {"text": "", "published_at": "2022-07-04"},
        {"text": "Markets fell in Tokyo on 1 August 2022.", "published_at": "2022-08-02"},
        {"text": "<html><body><p>Rebels seized the airport in Goma on 2 March 2024.</p>"
                 "<p>They looted the terminal.</p><p>Talks began on 9 March 2024.</p></body></html>",
         "published_at": "2024-03-10"},
    ), encoding="utf-8")
    (news / "page.html").write_text(
        "<html><head><title>Bridge opens</title><script>var x = 'on 9 May 1999';</script></head><body>"
        "<p>A new bridge opened in Kirkuk on 14 February 2024.</p></body></html>", encoding="utf-8")
    (news / "doc.tml").write_text(
        '<TimeML><DOCID>d1</DOCID><DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08">01/08/98</TIMEX3></DCT>'
        '<TEXT>Stocks fell sharply in New York <TIMEX3 tid="t1" type="DATE" value="1998-01-07">yesterday'
        '</TIMEX3>.</TEXT></TimeML>', encoding="utf-8")
    (news / "notes.csv").write_text("ignored,by,suffix\n", encoding="utf-8")
    again = tmp_path / "again.json"
    again.write_text(json.dumps([{"text": "Another wording.", "published_at": "2022-07-05",
                                  "url": "https://news.example.org/lagos"}]), encoding="utf-8")
    return tmp_path


def _articles(database_url) -> list:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = list(conn.execute(select(Article)))
    engine.dispose()
    return rows


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_tree_of_articles_in_every_format(corpus, database_url, workers):
    result = CliRunner().invoke(main, ["ingest", str(corpus / "news"), str(corpus / "again.json"),
                                       "--workers", workers, "--published-at", "2024-02-15"],
                                env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "created 5, existing 1, rejected 2" in out
    assert f"rejected: {corpus / 'news' / '2023' / 'wire.jsonl'}:2: not JSON" in out
    assert f"rejected: {corpus / 'news' / '2023' / 'wire.jsonl'}:3: text:" in out
    assert f"existing: {corpus / 'again.json'}#1 is article" in out and "(same url, stored earlier in this run)" in out
    stored = _articles(database_url)
    by_title = {a.title: a for a in stored if a.title}
    assert by_title["Bridge opens"].text == "A new bridge opened in Kirkuk on 14 February 2024."
    assert by_title["d1"].text == "Stocks fell sharply in New York yesterday."
    assert by_title["d1"].published_at.date().isoformat() == "1998-01-08"
    goma = next(a for a in stored if "Goma" in a.text)
    assert "<p>" not in goma.text and goma.text.split("\n\n")[1] == "They looted the terminal."
    engine = create_engine(database_url)
    with engine.connect() as conn:
        for source in conn.execute(select(EventSource.article_id, EventSource.start, EventSource.end,
                                          EventSource.quote)):
            text = next(a.text for a in stored if a.id == source.article_id)
            assert text[source.start:source.end] == source.quote  # offsets index the stripped text
    engine.dispose()


def test_the_same_records_twice_in_one_run_and_again_are_existing(corpus, database_url):
    path = corpus / "twice.jsonl"
    record = {"text": "Teachers in Kirkuk went on strike on 13 February 2024.", "published_at": "2024-02-16"}
    path.write_text(_lines(record, record), encoding="utf-8")
    first = CliRunner().invoke(main, ["ingest", str(path), "--workers", "2"], env={"DATABASE_URL": database_url})
    assert "created 1, existing 1, rejected 0" in first.stdout, first.output
    assert "(same text, stored earlier in this run)" in first.stdout
    second = CliRunner().invoke(main, ["ingest", str(path)], env={"DATABASE_URL": database_url})
    assert "created 0, existing 2, rejected 0" in second.stdout and "(same text)" in second.stdout


def test_patterns_and_names_that_match_nothing(corpus, database_url):
    env = {"DATABASE_URL": database_url}
    matched = CliRunner().invoke(main, ["ingest", str(corpus / "news" / "**" / "*.html"),
                                        "--published-at", "2024-02-15"], env=env)
    assert "created 1," in matched.stdout, matched.output
    undated = CliRunner().invoke(main, ["ingest", str(corpus / "news" / "**" / "*.html")], env=env)
    assert "give --published-at" in undated.stdout
    missing = CliRunner().invoke(main, ["ingest", str(corpus / "nowhere" / "*.jsonl")], env=env)
    assert missing.exit_code == 2 and "no such file, directory or match" in missing.output


def test_an_article_past_the_analysis_budget_is_rejected_not_fatal(corpus, database_url):
    env = {"DATABASE_URL": database_url, "ANALYSIS_BUDGET_SECONDS": "0"}
    result = CliRunner().invoke(main, ["ingest", str(corpus / "news" / "2023" / "page.html"),
                                       "--published-at", "2024-02-15"], env=env)
    assert "rejected 1" in result.stdout and "ANALYSIS_BUDGET_SECONDS" in result.stdout
    assert result.exit_code == 1  # nothing at all was ingested


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_ingest_leaves_the_cycle_collector_as_it_found_it(corpus, database_url, workers):
    """The collector is tuned while a bulk ingest runs (bulk._bulk_collector); a process that
    goes on after it (a test run, a script calling the CLI) gets its own settings back, and
    nothing stays frozen out of collection."""
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    frozen = gc.get_freeze_count()
    result = CliRunner().invoke(main, ["ingest", str(corpus / "news"), "--workers", workers,
                                       "--published-at", "2024-02-15"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "created 5" in result.stdout
    assert (gc.get_threshold(), gc.isenabled(), gc.get_freeze_count()) == (threshold, enabled, frozen)
