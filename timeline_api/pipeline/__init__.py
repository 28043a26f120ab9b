"""Article -> events, in plain Python (no Flask, no SQLAlchemy)."""
from timeline_api.pipeline.events import ArticleAnalysis, EventDate, EventDraft, PlaceLink, analyse_article
from timeline_api.pipeline.sentences import Sentence, split_sentences

__all__ = ["ArticleAnalysis", "EventDate", "EventDraft", "PlaceLink", "Sentence",
           "analyse_article", "split_sentences"]
