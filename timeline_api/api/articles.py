"""Articles: ingest (POST), list, read, delete, and an article's events."""
from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_smorest import abort

from timeline_api.api.blueprint import Blueprint
from timeline_api.api.common import (
    NOT_BLANK,
    FlexibleDateTime,
    PageArgs,
    RequestSchema,
    ResponseSchema,
    db_session,
    language_field,
    page_limit,
    require_text_within_limit,
    settings,
)
from timeline_api.api.entities import MentionPageSchema, mention_page
from timeline_api.api.events import EventSchema, event_to_dict
from timeline_api.pipeline import AnalysisTooLong, Budget
from timeline_api.service import ArticleInput, delete_article, ingest_article
from timeline_api.store import repository
from timeline_api.store.repository import TimelineQuery

blp = Blueprint("articles", __name__, url_prefix="/v1/articles", description="News articles and their events")

ARTICLE_ID = "<int(max=2147483647):article_id>"
# Means the same in Python and in the ECMA dialect of the OpenAPI document (see NOT_BLANK).
HTTP_URL = r"^https?://[^ \t\n\r\f\v]+(?![\s\S])"


class ArticleCreateSchema(RequestSchema):
    class Meta:
        unknown = ma.RAISE

    text = ma.fields.String(
        required=True,
        validate=[ma.validate.Length(min=1), ma.validate.Regexp(NOT_BLANK, error="Text must not be empty.")],
        metadata={"description": "The article body, plain text (not only white space)"})
    published_at = FlexibleDateTime(
        required=True, keep_offset=True,
        metadata={"description": "Publication date or date-time (ISO 8601); the reference for relative dates. "
                                 "With an offset (2025-11-02T23:45:00-05:00) the article's dates and clock times "
                                 "are read on that clock and returned with it; without one, UTC"})
    title = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=1000))
    url = ma.fields.String(
        load_default=None, allow_none=True,
        validate=[ma.validate.Length(max=2048), ma.validate.Regexp(HTTP_URL, error="Not an http(s) URL.")],
        metadata={"description": "Canonical http(s) URL; the same URL again returns the stored article"})
    source = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=255))
    language = language_field()
    external_id = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(min=1, max=255))



class ArticleSchema(ResponseSchema):
    id = ma.fields.Integer(required=True)
    url = ma.fields.String(allow_none=True)
    external_id = ma.fields.String(allow_none=True)
    title = ma.fields.String(allow_none=True)
    source = ma.fields.String(allow_none=True)
    language = ma.fields.String(required=True)
    published_at = FlexibleDateTime(required=True, attribute="published_at_with_offset",
                                    metadata={"description": "As sent, with its offset (Z without one)"})
    created_at = FlexibleDateTime(required=True)


class ArticleDetailSchema(ArticleSchema):
    text = ma.fields.String(required=True)


class ArticleWithEventsSchema(ArticleDetailSchema):
    events = ma.fields.List(ma.fields.Nested(EventSchema), required=True)


class ArticlePageSchema(ResponseSchema):
    articles = ma.fields.List(ma.fields.Nested(ArticleSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


class EventPageSchema(ResponseSchema):
    events = ma.fields.List(ma.fields.Nested(EventSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


def _article_events(article_id: int) -> list[dict]:
    events, _ = TimelineQuery(article_id=article_id, limit=10_000).run(db_session())
    return [event_to_dict(e) for e in events]


@blp.route("")
class ArticleCollection(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ArticlePageSchema)
    @blp.doc(operationId="listArticles")
    @blp.etag_from_store()
    def get(self, args):
        """Articles, newest first"""
        articles, next_cursor = repository.list_articles(db_session(), page_limit(args), args.get("cursor"))
        return {"articles": articles, "next_cursor": next_cursor}

    @blp.requires("write")
    @blp.arguments(ArticleCreateSchema)
    @blp.response(201, ArticleWithEventsSchema, description="Article stored with its events")
    @blp.alt_response(200, schema=ArticleWithEventsSchema,
                      description="The same url, external_id or text was already stored: that article")
    @blp.doc(operationId="createArticle")
    def post(self, data):
        """Ingest an article: find its dates, actors and places, store its events"""
        require_text_within_limit(data["text"])
        session = db_session()
        seconds = settings().analysis_budget_seconds
        try:
            article, created = ingest_article(session, ArticleInput(**data), budget=Budget(seconds))
        except AnalysisTooLong:
            abort(422, message=f"The text needs more than the {seconds:g} s of analysis one article may take; "
                               "send it as shorter articles.", errors={"text": ["Too costly to analyse."]})
        # a created article comes back as written, with its events as they stand after it: no read-back
        events = [event_to_dict(e) for e in article.events] if created else _article_events(article.id)
        body = {**_article_fields(article), "events": events}
        headers = {"Location": url_for("articles.ArticleResource", article_id=article.id)}
        return body, 201 if created else 200, headers


def _article_fields(article) -> dict:
    attributes = (field.attribute or name for name, field in ArticleDetailSchema().fields.items())
    return {attribute: getattr(article, attribute) for attribute in attributes}


@blp.route(f"/{ARTICLE_ID}")
class ArticleResource(MethodView):
    @blp.response(200, ArticleDetailSchema)
    @blp.doc(operationId="getArticle")
    @blp.etag_from_store()
    def get(self, article_id: int):
        """One article with its text"""
        article = repository.get_article(db_session(), article_id)
        if article is None:
            abort(404, message=f"No article with id {article_id}.")
        return article

    @blp.requires("admin")
    @blp.response(204)
    @blp.doc(operationId="deleteArticle")
    def delete(self, article_id: int):
        """Delete an article, its sources, and the events no other article reports"""
        if not delete_article(db_session(), article_id):
            abort(404, message=f"No article with id {article_id}.")


@blp.route(f"/{ARTICLE_ID}/events")
class ArticleEvents(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, EventPageSchema)
    @blp.doc(operationId="listArticleEvents")
    @blp.etag_from_store()
    def get(self, args, article_id: int):
        """The events an article reports, in timeline order"""
        session = db_session()
        if repository.get_article(session, article_id) is None:
            abort(404, message=f"No article with id {article_id}.")
        query = TimelineQuery(article_id=article_id, limit=page_limit(args), cursor=args.get("cursor"))
        events, next_cursor = query.run(session)
        return {"events": [event_to_dict(e) for e in events], "next_cursor": next_cursor}


@blp.route(f"/{ARTICLE_ID}/mentions")
class ArticleMentions(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, MentionPageSchema)
    @blp.doc(operationId="listArticleMentions")
    @blp.etag_from_store()
    def get(self, args, article_id: int):
        """The actors and places an article names, where, and the entity each is linked to"""
        if repository.get_article(db_session(), article_id) is None:
            abort(404, message=f"No article with id {article_id}.")
        return mention_page(args, article_id=article_id)
