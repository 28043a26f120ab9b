"""Article -> events, in plain Python (no Flask, no SQLAlchemy)."""
from timeline_api.pipeline.budget import AnalysisTooLong, Budget
from timeline_api.pipeline.events import (
    ArticleAnalysis,
    EventDate,
    EventDraft,
    Evidence,
    PlaceLink,
    analyse_article,
    best_date,
    corroborated,
    summarise,
)
from timeline_api.pipeline.sentences import Sentence, split_sentences

__all__ = ["AnalysisTooLong", "ArticleAnalysis", "Budget", "EventDate", "EventDraft", "Evidence", "PlaceLink",
           "Sentence", "analyse_article", "best_date", "corroborated", "split_sentences", "summarise"]
