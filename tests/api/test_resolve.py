"""POST /v1/resolve: the tagger over HTTP."""
from __future__ import annotations


def test_resolves_absolute_and_anaphoric_dates(client):
    text = "The attack came on 3 May; two days later officials spoke."
    response = client.post("/v1/resolve", json={"text": text, "reference_date": "2023-06-05"})
    assert response.status_code == 200
    timexes = response.get_json()["timexes"]
    assert [t["value"] for t in timexes] == ["2023-05-03", "2023-05-05"]
    for t in timexes:
        assert text[t["start"]:t["end"]] == t["text"]
        assert t["type"] == "DATE"
        assert t["interval"]["start"] < t["interval"]["end"]
    assert timexes[0]["interval"] == {"start": "2023-05-03T00:00:00Z", "end": "2023-05-04T00:00:00Z"}


def test_a_range_gives_its_end_and_the_whole_interval(client):
    response = client.post("/v1/resolve", json={"text": "Jailed from 1991 to 1997.", "reference_date": "2023-06-05"})
    (timex,) = response.get_json()["timexes"]
    assert (timex["text"], timex["value"], timex["range_end"]) == ("from 1991 to 1997", "1991", "1997")
    assert timex["interval"] == {"start": "1991-01-01T00:00:00Z", "end": "1998-01-01T00:00:00Z"}


def test_resolves_relative_to_the_reference_date(client):
    response = client.post("/v1/resolve", json={"text": "He resigned yesterday.", "reference_date": "2024-01-01"})
    (timex,) = response.get_json()["timexes"]
    assert timex["value"] == "2023-12-31" and timex["text"] == "yesterday"


def test_the_language_tag_picks_the_numeric_date_order(client):
    def value(language):
        body = client.post("/v1/resolve", json={"text": "Polls closed on 5/3/2023.", "reference_date": "2023-06-05",
                                                "language": language}).get_json()
        return [t["value"] for t in body["timexes"]]

    assert value("en-US") == ["2023-05-03"]
    assert value("en-GB") == ["2023-03-05"]
    assert client.post("/v1/resolve", json={"text": "x", "reference_date": "2023-06-05",
                                            "language": "de"}).status_code == 422
