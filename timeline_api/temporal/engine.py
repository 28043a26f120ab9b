"""The tagging engine: compiles a language grammar once and applies it to texts.

Steps for one text:
1. one scan of the lower-cased text finds the trigger words of the grammar
   (digits, month and day names, unit words, ...); each rule's compiled pattern is
   then run only in windows around the triggers of its own kinds, giving
   candidate spans in time linear in the text;
2. candidates are chosen greedily, longest first, then by rule priority, without
   overlap;
3. the chosen candidates are normalised in textual order, so that anaphoric
   expressions ("two days later") see the last explicit date before them;
4. modifiers next to an expression ("about", "early", "or later") are folded in.
"""
from __future__ import annotations

import datetime as dt
import logging
import re

from . import calendar as cal
from .grammar import Ctx, G, R, Rule
from .types import Timex

log = logging.getLogger(__name__)

# A normaliser that fails on some text is a grammar bug, but it must not turn a
# client's article into a 500: the candidate is dropped and the error logged. The
# test suite sets STRICT so that such a bug fails the tests instead.
STRICT = False

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")

# Boundaries wrapped around every rule: not inside a word or a number, not after a
# currency sign, not before a percent sign or a continuing number.
_LEFT = r"(?<![\w$£€#@])(?<!\d[.,/:-])"
_RIGHT = r"(?![\w%])(?![.,/:-]\d)"


def expand(pattern: str, macros: dict[str, str], depth: int = 0) -> str:
    if depth > 10:
        raise ValueError("macro recursion too deep")

    def sub(m):
        return "(?:" + expand(macros[m.group(1)], macros, depth + 1) + ")"
    return _MACRO.sub(sub, pattern)


class _Compiled:
    """A rule's compiled pattern: case-sensitive on the lower-cased text when the
    pattern allows it (``lower``), else case-insensitive on the text (``regex``,
    compiled on first use when ``lower`` exists, since it is then only needed for
    the rare text whose lower-casing changes its length)."""

    __slots__ = ("rule", "pattern", "_regex", "lower")

    def __init__(self, rule: Rule, pattern: str):
        self.rule = rule
        self.pattern = pattern
        self._regex = None
        self.lower = re.compile(pattern, rule.flags) if _lower_safe(pattern) else None
        if self.lower is None:
            self._regex = re.compile(pattern, re.IGNORECASE | rule.flags)

    @property
    def regex(self) -> re.Pattern:
        if self._regex is None:
            self._regex = re.compile(self.pattern, re.IGNORECASE | self.rule.flags)
        return self._regex


def _lower_safe(pattern: str) -> bool:
    """True when a pattern has no case-sensitive part: no ``(?-i:`` group and no
    upper-case letter outside escapes and group names. Such a pattern matches the
    lower-cased text exactly as it matches the text case-insensitively, and much
    faster (the regex engine's first-character shortcuts only work without
    IGNORECASE)."""
    if "(?-i:" in pattern:
        return False
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if pattern.startswith(("(?P<", "(?P="), i):
            j = pattern.find(">" if pattern[i + 3] == "<" else ")", i)
            i = j + 1
            continue
        if ch.isupper():
            return False
        i += 1
    return True


class Engine:
    """A compiled grammar for one language."""

    def __init__(self, module):
        self.lang = module
        macros = module.MACROS
        self.rules = []
        for rule in module.RULES:
            pat = _LEFT + "(?:" + expand(rule.pattern, macros) + ")" + _RIGHT
            try:
                self.rules.append(_Compiled(rule, pat))
            except re.error as e:  # pragma: no cover - grammar bug
                raise ValueError(f"rule {rule.name}: {e}") from e
        self.mod_left = [(re.compile(r"(?<!\w)(?:" + expand(p, macros) + r")$", re.IGNORECASE), mod, types, cond)
                         for p, mod, types, cond in module.MODIFIERS_LEFT]
        self.mod_right = [(re.compile(r"\s*(?:" + expand(p, macros) + r")(?!\w)", re.IGNORECASE), mod, types, cond)
                          for p, mod, types, cond in module.MODIFIERS_RIGHT]
        # one cheap test before trying the modifiers one by one
        self.any_left = re.compile(r"(?<!\w)(?:" + "|".join(expand(p, macros) for p, *_ in module.MODIFIERS_LEFT)
                                   + r")$", re.IGNORECASE)
        self.any_right = re.compile(r"\s*(?:" + "|".join(expand(p, macros) for p, *_ in module.MODIFIERS_RIGHT)
                                    + r")(?!\w)", re.IGNORECASE)
        shifts = getattr(module, "SHIFT_LEFT", None)
        self.shift_left = [(re.compile(r"(?<!\w)(?:" + expand(p, macros) + r")$", re.IGNORECASE), days)
                           for p, days in shifts] if shifts else None
        words = getattr(module, "TRIGGER_WORDS", None) or {}
        if words:
            self.word_kinds: dict[str, str] = {}
            for kind, ws in words.items():
                for w in ws.split():
                    self.word_kinds[w] = self.word_kinds.get(w, "") + kind
            # tokens with digits ("1998", "10am", and the grammar's TRIGGER_TOKENS such as
            # "fy2012") are classified by the grammar's trigger_kinds()
            extra = getattr(module, "TRIGGER_TOKENS", "")
            alt = (r"\b(?:\d+[a-z]*|" + (extra + "|" if extra else "")
                   + trie_regex(sorted(self.word_kinds)) + r")(?!\w)")
            self.trigger = re.compile(alt)
            self.trigger_i = re.compile(alt, re.IGNORECASE)
            self.digit_kinds = module.trigger_kinds
            self.margins = getattr(module, "TRIGGER_MARGINS", {})
        else:
            self.trigger = None

    # -- candidates ---------------------------------------------------------
    def candidates(self, text: str):
        out = []
        low = text.lower()
        if len(low) != len(text):  # lower() changed offsets (rare Unicode): match the text itself
            low = None
        windows = self._windows(text, low) if self.trigger is not None else None
        for c in self.rules:
            prio = c.rule.priority
            kinds = c.rule.kinds
            if windows is None or not kinds:
                spans = ((0, len(text)),)
            else:
                spans = windows.get(kinds)
                if spans is None:
                    spans = windows[kinds] = _merge(sorted(
                        w for k in kinds for w in windows.get(k, ())))
            if c.lower is not None and low is not None:
                finditer, src = c.lower.finditer, low
            else:
                finditer, src = c.regex.finditer, text
            n = len(text)
            for a, b in spans:
                for m in finditer(src, a, b):
                    s, e = m.span()
                    if e > s and not (e == b < n and text[b].isalnum()):  # cut by the window end
                        out.append((s, e, prio, c.rule, m))
        return out

    def _windows(self, text: str, low: str | None) -> dict:
        """Trigger kind -> windows (start, end) around its occurrences."""
        rx = self.trigger
        if low is None:
            low, rx = text, self.trigger_i
        n = len(text)
        raw: dict[str, list] = {}
        word_kinds = self.word_kinds
        digit_kinds = self.digit_kinds
        for m in rx.finditer(low):
            tok = m.group()
            kinds = word_kinds.get(tok)
            if kinds is None:
                kinds = (digit_kinds(tok, low, m.end()) if tok[0].isdigit() or not tok.isalpha()
                         else word_kinds.get(tok.lower(), ""))
            p = m.start()
            for k in kinds:
                lst = raw.get(k)
                if lst is None:
                    lst = raw[k] = []
                lst.append(p)
        out = {}
        margins = self.margins
        for k, starts in raw.items():
            before, after = margins.get(k, (_BEFORE, _AFTER))
            wins = []
            cur_a = cur_b = -1
            for p in starts:
                a = p - before if p > before else 0
                b = p + after
                if a <= cur_b:
                    cur_b = b
                else:
                    if cur_b >= 0:
                        wins.append((cur_a, cur_b))
                    cur_a, cur_b = a, b
            if cur_b >= 0:
                wins.append((cur_a, cur_b))
            out[k] = [(a, _snap_end(text, b, n)) for a, b in wins]
        return out

    def select(self, cands):
        cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2], c[0]))
        taken: list[tuple] = []
        occ = {}
        for c in cands:
            s, e = c[0], c[1]
            if any(i in occ for i in range(s, e)):
                continue
            for i in range(s, e):
                occ[i] = True
            taken.append(c)
        taken.sort(key=lambda c: c[0])
        return taken

    # -- resolution ------------------------------------------------------------
    def tag(self, text: str, reference, language: str = "en") -> list[Timex]:
        if isinstance(reference, dt.datetime):
            dct = reference.date()
        else:
            dct = reference
        cands = self.candidates(text)
        if not cands:
            return []
        chosen = self.select(cands)
        ctx = Ctx(text=text, dct=dct, tense_fn=self.lang.tense, language=language or "en")
        out: list[Timex] = []
        for s, e, _prio, rule, m in chosen:
            ctx.start, ctx.end, ctx._tense = s, e, False
            try:
                r = rule.norm(G.of(m, text), ctx)
            except (ValueError, OverflowError, KeyError):
                r = None  # not a date after all ("February 30", year 0)
            except Exception:
                if STRICT:
                    raise
                log.exception("temporal rule %s failed on %r", rule.name, text[s:e])
                r = None
            if r is None:
                continue
            s2, e2 = s + r.trim_start, e - r.trim_end
            if s2 >= e2:
                continue
            tx = self._finish(text, s2, e2, r, ctx, out[-1].end if out else 0)
            if self.shift_left is not None and tx.granularity == "day" and tx.type == "DATE" and tx.mod is None:
                tx = self._shift(text, tx, out[-1].end if out else 0)
            tx.extra["rule"] = rule.name
            if "range_end" in tx.extra:
                self._range_parts(tx)
            if out and tx.start < out[-1].end:
                continue
            out.append(tx)
            if tx.type in ("DATE", "TIME") and tx.interval is not None and r.explicit:
                ctx.narrative = (tx.interval[0], tx.granularity)
                if tx.granularity in ("day", "part_of_day", "hour", "minute", "second"):
                    ctx.last_day, ctx.last_day_end = tx.interval[0], tx.end
            if tx.granularity:
                ctx.last_gran = tx.granularity
                if (tx.granularity in ("quarter", "half") and tx.interval is not None and r.explicit
                        and (dct is None or tx.interval[1].date() <= dct or r.ended)
                        and (r.ended or ctx.period is None or ctx.period[1] != tx.granularity
                             or tx.interval[0] >= ctx.period[0]
                             or "fiscal" in text[max(0, tx.start - 8):tx.end].lower())):
                    # a report is about its latest completed period: an earlier one
                    # named in passing ("after a flat second quarter") is background;
                    # a fiscal label starts another report (its numbering is not the
                    # calendar's)
                    ctx.period = (tx.interval[0], tx.granularity)
                    ctx.span = None
        event_head = getattr(self.lang, "EVENT_HEAD", None)
        if event_head is not None and any("event_offset" in t.extra for t in out):
            out = [self._anchor_on_event(text, t, out, event_head) if "event_offset" in t.extra else t for t in out]
        return out

    def _anchor_on_event(self, text: str, tx: Timex, timexes: list[Timex], event_head) -> Timex:
        """The anchoring pass for an offset from a happening ("two weeks before the vote"):
        the date of the happening the text gives, else the value stays open."""
        m = event_head.match(text, tx.end)
        if m is None:
            return tx
        base = _happening_date(text, m, tx, timexes)
        if base is None:
            return tx
        amount, unit = tx.extra["event_offset"]
        start, gran = base.interval[0], base.granularity
        shifted = cal.add(start, amount, unit)
        # days and weeks from a day are a day ("two weeks before the 14 June vote": 31 May); months and
        # years are no more precise than themselves ("a year after the war")
        value = cal.fmt(shifted, gran if unit in ("day", "week") and cal.is_finer(gran, unit) else
                        unit if not cal.is_finer(unit, gran) else gran)
        iv = cal.interval_of(value)
        return Timex(start=tx.start, end=tx.end, text=tx.text, type="DATE", value=value, mod=tx.mod,
                     granularity=iv[1] if iv else None, interval=iv[0] if iv else None, anchor="event",
                     extra=tx.extra)

    def _range_parts(self, tx: Timex) -> None:
        """Offsets of a range's two ends (the grammar's RANGE_PARTS), for its TimeML view."""
        rx = getattr(self.lang, "RANGE_PARTS", None)
        m = rx.fullmatch(tx.text) if rx is not None else None
        if m:
            tx.extra["range_parts"] = ((tx.start + m.start("a"), tx.start + m.end("a")),
                                       (tx.start + m.start("b"), tx.start + m.end("b")))

    def _shift(self, text, tx: Timex, min_start: int) -> Timex:
        """'the day before last Tuesday': a day shifted by the words before it (the
        grammar's SHIFT_LEFT: regex ending at the expression, days)."""
        a = max(0, tx.start - 40, min_start)
        for rx, days in self.shift_left:
            mm = rx.search(text, a, tx.start)
            if mm and tx.interval is not None:
                d = tx.interval[0] + dt.timedelta(days=days)
                value = cal.fmt(d, "day")
                iv = cal.interval_of(value)
                return Timex(start=mm.start(), end=tx.end, text=text[mm.start():tx.end], type=tx.type,
                             value=value, mod=None, granularity="day", interval=iv[0] if iv else None,
                             anchor=tx.anchor, extra=tx.extra)
        return tx

    def _finish(self, text, s, e, r: R, ctx, min_start: int = 0) -> Timex:
        interval = r.interval
        gran = None
        if r.type in ("DATE", "TIME"):
            iv = cal.interval_of(r.value)
            if iv:
                gran = iv[1]
                if interval is None:
                    interval = iv[0]
            else:
                gran = cal.granularity_of(r.value)
        mod = r.mod
        expr = text[s:e]
        possessive = text.startswith(("'s", "’s"), e)
        if mod is None and not possessive and self.any_left.search(text, max(0, s - 40, min_start), s):
            # modifiers to the left ("about", "early", "the end of"): the longest wins; none
            # for a possessive ("Friday's ruling": a word before it modifies the noun)
            window = text[max(0, s - 40, min_start):s]
            best = None
            for rx, m_name, types, cond in self.mod_left:
                if r.type not in types:
                    continue
                mm = rx.search(window)
                if mm and (best is None or mm.start() < best[0]):
                    ok = True if cond is None else cond(expr, gran)
                    if ok:
                        best = (mm.start(), m_name, ok)
            if best:
                mod = best[1]
                if best[2] != "outside":  # a signal ("within") sets the mod but stays outside
                    s = s - (len(window) - best[0])
        for rx, m_name, types, cond in (self.mod_right if self.any_right.match(text, e) else ()):
            if r.type not in types:
                continue
            mm = rx.match(text, e)
            if mm and (cond is None or cond(expr, gran)):
                mod = mod or m_name
                e = mm.end()
                break
        extra = dict(r.extra) if r.extra else {}
        return Timex(start=s, end=e, text=text[s:e], type=r.type, value=r.value, mod=mod,
                     granularity=gran, interval=interval, anchor=r.anchor, extra=extra)


def _happening_date(text: str, head, offset: Timex, timexes: list[Timex]) -> Timex | None:
    """The date of the happening named after an offset: a date inside its own phrase
    ("after Thursday's vote"), else the date closest to another mention of its head word
    ("the election" ... "elections held on 3 May"), within that mention's sentence."""
    dated = [t for t in timexes if t is not offset and t.interval is not None and t.type in ("DATE", "TIME")
             and "event_offset" not in t.extra and t.anchor != "narrative"]
    inside = [t for t in dated if offset.end <= t.start < head.end()]
    if inside:
        return inside[0]
    word = (head.group("verb") or head.group("head")).lower()
    stem = re.escape(word[:5] if len(word) > 5 else word)
    best = None
    for mention in re.finditer(rf"\b{stem}\w*", text, re.IGNORECASE):
        if head.start("head") <= mention.start() < head.end():
            continue
        # its own date lies next to it ("the murder on Oct. 23", "the Oct. 23 murder", "was
        # killed Oct. 23") within its sentence
        sentence = _sentence_around(text, mention.start())
        near = [t for t in dated if sentence[0] <= t.start and t.end <= sentence[1]
                and (0 <= t.start - mention.end() <= _NEXT_TO or 0 <= mention.start() - t.end <= _NEXT_TO)]
        if not near:
            continue
        candidate = min(near, key=lambda t: abs(t.start - mention.start()))
        distance = abs(mention.start() - offset.start)
        if best is None or distance < best[0]:
            best = (distance, candidate)
    return best[1] if best else None


_NEXT_TO = 40  # characters between a mention of a happening and its date

_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘(]*[A-Z])|\n\s*\n")


def _sentence_around(text: str, pos: int) -> tuple[int, int]:
    """Rough sentence bounds around ``pos`` (the tagger has no splitter; this is enough to keep
    a mention's date within its sentence)."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, pos - 400), pos)), default=max(0, pos - 400))
    nxt = _SENTENCE_END.search(text, pos, pos + 400)
    return start, nxt.start() + 1 if nxt else min(len(text), pos + 400)


_BEFORE, _AFTER = 48, 56  # characters searched on each side of a trigger
_SNAP = 32  # how far a window end may move to reach a whitespace
_WS = re.compile(r"\s")


def trie_regex(words: list[str]) -> str:
    """An alternation of literal words factored by common prefixes, so that the
    regex engine tests one first character per branch (fast on long lists)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node) -> str:
        end = node.get("", False)
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if end else body

    return build(trie)


def _snap_end(text: str, b: int, n: int) -> int:
    """Move a window end to a nearby whitespace so that look-aheads see the real
    text (bounded: a text without spaces must not make this quadratic)."""
    if b >= n:
        return n
    m = _WS.search(text, b, min(n, b + _SNAP))
    return m.start() if m else min(n, b + _SNAP)


def _merge(wins):
    out = []
    for a, b in wins:
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


_ENGINES: dict[str, Engine] = {}


def get_engine(language: str = "en") -> Engine:
    lang = (language or "en").split("-")[0].split("_")[0].lower()
    eng = _ENGINES.get(lang)
    if eng is None:
        if lang == "en":
            from .rules import en as module
        else:
            raise ValueError(f"unsupported language: {language!r}")
        eng = _ENGINES[lang] = Engine(module)
    return eng
