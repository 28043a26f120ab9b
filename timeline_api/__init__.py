"""timeline-api: dated events from news articles, served as ordered timelines."""
