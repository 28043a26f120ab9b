# ruff: noqa: E501  (grammar data: regex patterns read better unwrapped)
"""English grammar for the TIMEX3 tagger (news register).

Data, read by ``engine.Engine``:
- MACROS: named regex fragments, referenced in patterns as ``{NAME}``;
- RULES: ``Rule(name, pattern, normaliser, priority)``; every pattern is matched
  case-insensitively, except fragments wrapped in ``(?-i:...)`` (month and day
  names must be capitalised, so "may" the verb and "march" the verb never match);
- MODIFIERS_LEFT / MODIFIERS_RIGHT: words next to an expression that set its mod;
- tense(): past / future / present classification of the governing clause.

Normalisers take the regex match and a ``grammar.Ctx`` and return ``grammar.R``
(or None to reject the candidate).
"""
from __future__ import annotations

import datetime as dt
import re

from .. import calendar as cal
from ..absolute import parse_absolute
from ..grammar import G, R, Rule

# ---------------------------------------------------------------------------
# Lexicon
# ---------------------------------------------------------------------------
MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
          "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
          "december": 12}
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
              "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
            "saturday": 6, "sunday": 7}
WEEKDAY_ABBR = {"mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4,
                "fri": 5, "sat": 6, "sun": 7}
NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
           "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
           "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
           "a": 1, "an": 1, "single": 1, "dozen": 12, "a dozen": 12, "hundred": 100,
           "a hundred": 100, "one hundred": 100, "thousand": 1000, "a thousand": 1000,
           "a couple of": 2, "a couple": 2, "couple of": 2, "a pair of": 2}
VAGUE = {"a few", "few", "several", "some", "many", "a number of", "numerous", "the",
         "more", "a lot of", "lots of", "countless", "multiple"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
            "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
            "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
            "twentieth": 20, "twenty-first": 21, "last": -1}
UNITS = {"second": "S", "sec": "S", "minute": "M", "min": "M", "hour": "H", "hr": "H",
         "day": "D", "night": "D", "week": "W", "fortnight": "2W", "month": "M",
         "quarter": "Q", "year": "Y", "yr": "Y", "decade": "DE", "century": "CE",
         "centurie": "CE", "weekend": "WE", "semester": "6M", "half": "6M"}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
         "overnight": "NI", "tonight": "NI", "midday": "MI", "noon": "MI", "daytime": "DT"}

def _cap(words) -> str:
    """Capitalised and upper-case forms of words, longest first, as an alternation."""
    return "|".join(sorted({w.capitalize() for w in words} | {w.upper() for w in words},
                                     key=len, reverse=True))

MACROS = {
    "MONTH_FULL": "(?-i:" + _cap(MONTHS) + ")",
    "MONTH_ABBR": "(?-i:(?:" + _cap(MONTH_ABBR) + r")\.?)",
    "MONTH": "{MONTH_FULL}|{MONTH_ABBR}",
    "WEEKDAY_FULL": "(?-i:" + _cap(WEEKDAYS) + ")",
    "WEEKDAY": "(?-i:" + _cap(WEEKDAYS) + "|(?:" + _cap(WEEKDAY_ABBR) + r")\.)",
    "DAYNUM": r"3[01]|[12]\d|0?[1-9]",
    "DAY": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?|{DAYW}",
    "DAYW": r"(?:twenty[- ]|thirty[- ])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|twelfth"
            r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth",
    "YEAR4": r"1[0-9]\d\d|20\d\d",
    "YEAR": r"1[0-9]\d\d|20\d\d|['’]\d\d",
    "YEARANY": r"1[0-9]\d\d|20\d\d|{YEARW}",
    "YEARW": r"nineteen[- ](?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|(?:oh[- ])?(?:one|two|three|four|five|six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
             r"|two[- ]thousand(?:[- ](?:and[- ])?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[- ](?:one|two|three|four|five))?))?"
             r"|twenty[- ](?:oh[- ](?:one|two|three|four|five|six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)",
    "NUMW": r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
            r"|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
            r"|sixteen|seventeen|eighteen|nineteen|(?:a |one )?hundred|(?:a )?dozen|(?:a )?thousand",
    "NUM": r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+\d/\d)?|\d/\d",
    "COUNT": r"{NUM}|{NUMW}|a couple(?: of)?|couple of|a pair of|an?|single",
    "VAGUEQ": r"a few|few|several|some|many|a number of|numerous|more|a lot of|lots of|countless|multiple",
    "QUANT": r"(?:{COUNT})(?:\s+and\s+a\s+half|\s*(?:to|or|-|–)\s*(?:{COUNT}))?|{VAGUEQ}",
    "UNIT": r"seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies)|weekends?",
    "UNITP": r"minutes|hours|days|weeks|months|quarters|years|decades|centuries",
    "PART": r"morning|afternoon|evening|night",
    "AMPM": r"(?:a\.m\.?|p\.m\.?|am|pm)(?!\w)",
    "TZ": r"(?-i:[ECMP][SD]T|GMT|UTC|BST|CET|CEST)",
    "SEASON": r"spring|summer|fall|autumn|winter",
    "REL": r"this|last|next|past|coming|previous|current|following|present",
    "ORD": r"first|second|third|fourth|1st|2nd|3rd|4th",
    "HOLIDAY": r"Christmas(?:\s+(?:Day|Eve))?|New\s+Year['’]?s(?:\s+(?:Day|Eve))?|Thanksgiving(?:\s+Day)?"
               r"|Easter(?:\s+(?:Sunday|Monday))?|Good\s+Friday|Independence\s+Day|Labou?r\s+Day"
               r"|Memorial\s+Day|Veterans['’]?\s+Day|Halloween|Valentine['’]?s\s+Day|Boxing\s+Day"
               r"|Christmas\s+Eve|Election\s+Day|Columbus\s+Day|Presidents['’]?\s+Day|Martin\s+Luther\s+King\s+(?:Jr\.?\s+)?Day"
               r"|Black\s+Friday|Cyber\s+Monday",
}

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def month_num(s: str) -> int:
    s = s.lower().rstrip(".")
    return MONTHS.get(s) or MONTH_ABBR[s]


def weekday_num(s: str) -> int:
    s = s.lower().rstrip(".")
    return WEEKDAYS.get(s) or WEEKDAY_ABBR[s]


def year_words(s: str) -> int:
    """'nineteen ninety-six' -> 1996, 'two thousand and one' -> 2001."""
    w = s.lower().replace("-", " ").split()
    if w[:2] == ["two", "thousand"]:
        rest = [x for x in w[2:] if x != "and"]
        return 2000 + (parse_num(" ".join(rest)) or 0 if rest else 0)
    head = NUMBERS[w[0]]
    rest = [x for x in w[1:] if x != "oh"]
    return head * 100 + (parse_num(" ".join(rest)) or 0)


def year_num(s: str, cx) -> int:
    s = s.strip()
    if s[:1].isalpha():
        return year_words(s)
    if s[0] in "'’":
        yy = int(s[1:])
        base = cx.dct.year if cx.dct else 2000
        y = (base // 100) * 100 + yy
        if y > base + 10:
            y -= 100
        return y
    return int(s)


def parse_num(s: str | None):
    """Number from digits or words; None for vague quantities ('several')."""
    if s is None:
        return None
    s = " ".join(s.lower().replace("-", " ").split())
    if s in VAGUE:
        return None
    if s in NUMBERS:
        return NUMBERS[s]
    m = re.fullmatch(r"(\d+)\s+(\d)/(\d)", s)
    if m:
        return int(m.group(1)) + int(m.group(2)) / int(m.group(3))
    m = re.fullmatch(r"(\d)/(\d)", s)
    if m:
        return int(m.group(1)) / int(m.group(2))
    try:
        v = float(s.replace(",", ""))
        return int(v) if v.is_integer() else v
    except ValueError:
        pass
    total = 0
    for w in s.split():
        if w in ("and", "a"):
            continue
        if w == "hundred":
            total = max(total, 1) * 100
        elif w in NUMBERS:
            total += NUMBERS[w]
        else:
            return None
    return total or None


_AND_A_HALF = re.compile(r"(.+?)\s+and a half$")
_QUANT_RANGE = re.compile(r"(.+?)\s+(?:to|or|-)\s+(.+)$")


def quant_num(s: str | None):
    """Parse a QUANT: ranges keep their lower bound, 'two and a half' is 2.5."""
    if s is None:
        return None
    s2 = s.lower()
    m = _AND_A_HALF.match(s2)
    if m:
        v = parse_num(m.group(1))
        return None if v is None else v + 0.5
    m = _QUANT_RANGE.match(s2)
    if m:
        return ("range", parse_num(m.group(1)), parse_num(m.group(2)))
    return parse_num(s2)


def unit_code(u: str) -> str:
    u = u.lower()
    if u.endswith("ies"):
        u = u[:-3] + "y"
    elif u.endswith("s") and u not in ("s",):
        u = u[:-1]
    return UNITS[u]


def _num_str(n) -> str:
    if n is None:
        return "X"
    if isinstance(n, float):
        return f"{n:.2f}".rstrip("0").rstrip(".")
    return str(n)


def duration_value(n, code: str) -> str:
    """TIMEX3 duration value for n units of `code` (S, M for minutes? no: TM)."""
    if code == "2W":
        return f"P{_num_str(n * 2 if n is not None else None)}W"
    if code == "6M":
        return f"P{_num_str(n * 6 if n is not None else None)}M"
    if code == "WE":
        return f"P{_num_str(n)}WE"
    if isinstance(n, float) and not n.is_integer() and code in ("H", "TH") and (n * 60).is_integer():
        return f"PT{int(n)}H{int(round((n - int(n)) * 60))}M"
    if isinstance(n, float) and not n.is_integer() and code == "Y" and (n * 12).is_integer() and n > 1:
        return f"P{int(n)}Y{int(round((n - int(n)) * 12))}M"
    if isinstance(n, float) and not n.is_integer() and code == "TM" and (n * 60).is_integer():
        return f"PT{int(n)}M{int(round((n - int(n)) * 60))}S"
    if isinstance(n, float) and not n.is_integer():
        # prefer a whole number of a smaller unit: 1.5 years -> P18M
        smaller = {"Y": (12, "M"), "M": (30, "D"), "D": (24, "TH"), "H": (60, "TM"),
                   "DE": (10, "Y"), "W": (7, "D"), "TH": (60, "TM")}
        if code in smaller:
            f, c2 = smaller[code]
            if (n * f).is_integer():
                return duration_value(int(n * f), c2)
    if code == "DE" and n is not None:
        # ISO 8601 has no decade designator: "two decades" is P20Y, as TimeML corpora write it
        return f"P{_num_str(n * 10)}Y"
    if code in ("H", "TM", "S", "TH"):
        letter = {"H": "H", "TH": "H", "TM": "M", "S": "S"}[code]
        return f"PT{_num_str(n)}{letter}"
    return f"P{_num_str(n)}{code}"


def _unit_for_duration(u: str) -> str:
    c = unit_code(u)
    if u.lower().startswith("min"):
        return "TM"
    return c


def _gran_of_unit(u: str) -> str:
    c = unit_code(u)
    if u.lower().startswith("min"):
        return "minute"
    return {"S": "second", "M": "month", "H": "hour", "D": "day", "W": "week", "Q": "quarter",
            "Y": "year", "DE": "decade", "CE": "century", "WE": "week", "2W": "week",
            "6M": "half"}[c]


def _shift_unit(u: str):
    """(amount multiplier, calendar unit) to shift a date by one `u`."""
    c = unit_code(u)
    if u.lower().startswith("min"):
        return 1, "minute"
    return {"S": (1, "second"), "M": (1, "month"), "H": (1, "hour"), "D": (1, "day"),
            "W": (1, "week"), "Q": (1, "quarter"), "Y": (1, "year"), "DE": (1, "decade"),
            "CE": (1, "century"), "WE": (1, "week"), "2W": (2, "week"), "6M": (1, "half")}[c]


def _m(m, name):
    try:
        return m.group(name)
    except IndexError:
        return None


# -- year choice for partial dates ------------------------------------------

# how far (days) the nearest occurrence may lie on the "wrong" side of the DCT
# before the tense of the clause overrides it
TENSE_MARGIN = 90
TENSE_MARGIN_FUTURE = 45


def pick_year_month(month: int, cx, day: int | None = None) -> int | None:
    """Year for a month (and day) given without a year.

    News talks about the months around its date: take the occurrence nearest the
    DCT, unless the tense of the clause contradicts it by more than TENSE_MARGIN
    days (a past event cannot lie well ahead of the report, nor a planned one
    well behind it)."""
    if cx.dct is None:
        return None
    d = cx.dct
    if _since(cx):
        # "since (shortly after) Oct. 23": a start in the past, whatever the tense
        y = d.year
        if (month, day or 1) > (d.month, d.day):
            y -= 1
        return y
    best = None
    for y in (d.year - 1, d.year, d.year + 1):
        try:
            c = dt.date(y, month, day or 15)
        except ValueError:
            c = dt.date(y, month, 28)
        delta = (c - d).days
        if day is None and y == d.year and month == d.month:
            delta = 0
        if best is None or abs(delta) < abs(best[1]):
            best = (y, delta)
    y, delta = best
    if delta > TENSE_MARGIN:
        if cx.tense() == "past":
            return y - 1
    elif delta < -TENSE_MARGIN_FUTURE:
        # a plan for a month already over: the clause's future wins sooner, since
        # past verbs also govern future deadlines but future verbs rarely a past date
        if (delta < -TENSE_MARGIN or _future_cue(cx)) and cx.tense() == "future":
            return y + 1
    return y


_SINCE = re.compile(r"\bsince\s+(?:(?:shortly|just|soon|right|even|well)\s+)?(?:(?:after|before)\s+)?"
                    r"(?:(?:the|early|mid|late|mid-)\s*)?$", re.I)


def _since(cx) -> bool:
    """The expression follows 'since': the start of a state lasting to the report."""
    return bool(_SINCE.search(cx.text, max(0, cx.start - 40), cx.start))


def _future_cue(cx) -> bool:
    """A cheap necessary condition for tense() == "future": a future cue in the
    text it looks at (tense() is costly and most year-less months have none)."""
    left = cx.text[max(0, cx.start - 120):cx.start]
    return bool(_FUT_PREP.search(left[-30:]) or _FUT.search(left)
                or _FUT.search(cx.text[cx.end:cx.end + 120]))


def weekday_date(wd: int, cx, rel: str | None = None) -> dt.date | None:
    if cx.dct is None:
        return None
    d = cx.dct
    cur = d.isoweekday()
    rel = (rel or "").lower()
    if rel == "last":
        back = (cur - wd) % 7 or 7
        return d - dt.timedelta(days=back)
    if rel in ("next", "coming"):
        fwd = (wd - cur) % 7 or 7
        return d + dt.timedelta(days=fwd)
    if rel == "this":
        return d + dt.timedelta(days=wd - cur)
    tense = "past" if _since(cx) else cx.tense()
    if tense == "future":
        return d + dt.timedelta(days=(wd - cur) % 7)
    return d - dt.timedelta(days=(cur - wd) % 7)


def _undated(month=None, day=None):
    if month and day:
        return f"XXXX-{month:02d}-{day:02d}"
    if month:
        return f"XXXX-{month:02d}"
    return "XXXX"


# ---------------------------------------------------------------------------
# normalisers
# ---------------------------------------------------------------------------

def n_iso(m, cx):
    y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
    dt.date(y, mo, d)
    if m["H"]:
        sec = f":{m['S']}" if m["S"] else ""
        return R(f"{y:04d}-{mo:02d}-{d:02d}T{m['H']}:{m['M']}{sec}", "TIME")
    return R(f"{y:04d}-{mo:02d}-{d:02d}")


def n_numeric(m, cx):
    """'12/25/1998', '25.12.1998': numeric dates, normalised by dateparser. Month
    first for "en"/"en-US" slashed dates unless the first number cannot be a
    month; day first for other English locales ("en-GB") and dotted dates."""
    s = m.group(0)
    if m["sep"] != "/" and len(m["y"]) != 4:
        return None
    region = cx.language.replace("_", "-").lower().partition("-")[2]
    month_first = region in ("", "us", "ph", "fm", "mh", "pw") and m["sep"] == "/"
    r = parse_absolute(s, "en", "MDY" if month_first and int(m["a"]) <= 12 else "DMY")
    if r is None:
        return None
    return R(cal.fmt(r[0], "day"))


def day_num(s: str) -> int:
    """'3', '3rd', 'third', 'twenty-first' -> day of month."""
    mm = re.match(r"\d+", s)
    if mm:
        return int(mm.group())
    w = s.lower().replace("-", " ").split()
    base = {"twenty": 20, "thirty": 30}.get(w[0], 0) if len(w) > 1 else 0
    last = w[-1]
    d = base + (ORDINALS.get(last) or {"thirtieth": 30}.get(last, 0))
    if not 1 <= d <= 31:
        raise ValueError(s)
    return d


def n_month_day(m, cx):
    mo = month_num(m["mon"])
    day = m["day"] or m["dayw"]
    if not day[0].isdigit() and not m["mon"][0].isupper():
        return None
    d = day_num(day)
    if m["y"]:
        y = year_num(m["y"], cx)
        dt.date(y, mo, d)
        return R(f"{y:04d}-{mo:02d}-{d:02d}")
    # "May 3" alone: the month must not be the modal verb at a sentence start
    y = pick_year_month(mo, cx, d)
    if y is None:
        return R(_undated(mo, d), anchor="document", explicit=False)
    dt.date(y, mo, d)
    return R(f"{y:04d}-{mo:02d}-{d:02d}", anchor="document")


def n_ordinal_day(m, cx):
    """'on the 25th': a day of the month being talked about (that of the last
    explicit date, else the document's month, the previous or next one by tense)."""
    d = int(m["day"])
    if not 1 <= d <= 31 or cx.dct is None:
        return None
    right = re.match(r"\s+(?:and|or|to)\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _expand(MACROS["MONTH"]) + ")",
                     cx.text[cx.end:cx.end + 40])
    if right:  # "the 3rd and 4th of May"
        mo = month_num(right.group(1))
        y = pick_year_month(mo, cx, d)
        return R(f"{y:04d}-{mo:02d}-{d:02d}", anchor="document") if y else None
    if cx.narrative and cx.narrative[1] in ("day", "month"):
        y, mo = cx.narrative[0].year, cx.narrative[0].month
        anchor = "narrative"
    else:
        y, mo, anchor = cx.dct.year, cx.dct.month, "document"
        tense = cx.tense()
        if tense == "past" and d > cx.dct.day:
            prev = cal.add(dt.date(y, mo, 1), -1, "month")
            y, mo = prev.year, prev.month
        elif tense == "future" and d < cx.dct.day:
            nxt = cal.add(dt.date(y, mo, 1), 1, "month")
            y, mo = nxt.year, nxt.month
    dt.date(y, mo, d)  # ValueError rejects "the 31st" of a short month
    return R(f"{y:04d}-{mo:02d}-{d:02d}", anchor=anchor, explicit=False)


def n_week_of(m, cx):
    """'the week of March 6': the (ISO) week containing that day; 'the week ending
    (beginning) March 10' the one holding most of the seven days up to (from) it."""
    r = n_month_day(m, cx)
    if r is None or not re.fullmatch(r"\d{4}-\d\d-\d\d", r.value):
        return r
    d = dt.date.fromisoformat(r.value)
    # "the week ending March 10": the seven days up to it, told by their middle day
    shift = {"o": 0, "e": -3}.get(m["rel"].lower()[0], 3)
    r.value = cal.fmt(d + dt.timedelta(days=shift), "week")
    return r


_AND_DAY_LEFT = None

_NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "final": -1}


def n_nth_in_month(m, cx):
    """'the first Monday in September', 'the last week of May (2012)': a weekday or
    a week counted within a month. A week belongs to the month holding most of its
    days: the first is the ISO week of the 4th, the last that of the last day but 3;
    a weekend is counted by its Saturday."""
    month = month_num(m["mon"])
    y = int(m["y"]) if m["y"] else pick_year_month(month, cx)
    n = _NTH[m["ord"].lower()]
    if y is None:
        return R(_undated(month), anchor="document", explicit=False)
    anchor = "absolute" if m["y"] else "document"
    if m["wd"] or m["wk"].lower() == "weekend":
        # a weekend is counted by its Saturday
        d = _nth_weekday(y, month, weekday_num(m["wd"]) if m["wd"] else 6, n)
        if d.month != month:
            return None  # "the fifth Monday in February"
        return R(cal.fmt(d, "day") if m["wd"] else cal.fmt(d, "week") + "-WE", anchor=anchor)
    if n > 0:
        d = dt.date(y, month, 4) + dt.timedelta(weeks=n - 1)
    else:
        d = cal.add_months(dt.date(y, month, 1), 1) - dt.timedelta(days=4)
    if d.month != month:
        return None
    return R(cal.fmt(d, "week"), anchor=anchor)


def _trimmed(r, m, word):
    """r with its span starting at `word` inside the match (the words before it are context)."""
    r.trim_start = m.group(0).lower().index(word)
    return r


def n_and_day(m, cx):
    """'25' in 'on April 24 and 25': a second day of the month just named, a date of
    its own (TimeML annotates each)."""
    global _AND_DAY_LEFT
    if _AND_DAY_LEFT is None:
        _AND_DAY_LEFT = re.compile(r"(?:^|\W)(?:" + _expand(MACROS["MONTH"]) + r")\s*(\d{1,2})(?:st|nd|rd|th)?\s+and\s+$")
    at = cx.start + m.group(0).index(m["day"])  # the match starts with "and "
    mm = _AND_DAY_LEFT.search(cx.text, max(0, at - 24), at)
    if not mm:
        return None
    mon = mm.group(0).strip(" ,.;(").split()[0]
    try:
        mo = month_num(re.sub(r"\d.*", "", mon))
    except KeyError:
        return None
    d1, d2 = int(mm.group(1)), int(m["day"])
    if not d1 < d2 <= 31:
        return None
    if m["y"]:
        y = year_num(m["y"], cx)
    elif cx.narrative and cx.narrative[1] == "day" and cx.narrative[0].month == mo:
        y = cx.narrative[0].year  # the year the first day was given
    else:
        y = pick_year_month(mo, cx, d2)
    if y is None:
        return _trimmed(R(_undated(mo, d2), anchor="document", explicit=False), m, m["day"])
    return _trimmed(R(f"{y:04d}-{mo:02d}-{d2:02d}", anchor="absolute" if m["y"] else "document"), m, m["day"])


def _expand(pat: str) -> str:
    while "{" in pat:
        pat = re.sub(r"\{(\w+)\}", lambda k: "(?:" + MACROS[k.group(1)] + ")", pat)
    return pat


def n_month_year(m, cx):
    mo = month_num(m["mon"])
    y = year_num(m["y"], cx)
    return R(f"{y:04d}-{mo:02d}")


def n_month(m, cx):
    word = m["mon"]
    mo = month_num(word)
    after = cx.text[cx.end:cx.end + 25]
    if mo == 5 and word[0] == "M" and word[1:] == "ay":
        # "May" the modal: sentence-initial and followed by a pronoun / verb
        if re.match(r"\s+(?:I|we|you|he|she|it|they|be|have|not|also|well|the)\b", after):
            return None
    before = cx.text[max(0, cx.start - 10):cx.start]
    if re.search(r"\b(?:the|a|an|annual)\s+$", before, re.I) and re.match(r"\s+(?:of|for|on|to|against)\b", after):
        return None  # "the annual March for Life": the noun
    if re.match(r"\s+(?-i:[A-Z][a-z])", after) and not re.match(
            r"\s+(?:\d|(?-i:[A-Z][a-z]+day\b))", after):
        # "March Madness", "April Smith": a capitalised name follows
        if not re.match(r"\s+(?:" + MACROS["MONTH_FULL"] + ")", after):
            return None
    y = pick_year_month(mo, cx)
    if y is None:
        return R(_undated(mo), anchor="document", explicit=False)
    return R(f"{y:04d}-{mo:02d}", anchor="document")


def n_year(m, cx):
    y = int(m["y"])
    before = cx.text[max(0, cx.start - 12):cx.start].lower()
    after = cx.text[cx.end:cx.end + 16]
    if not m["pre"]:
        if re.search(r"(?:no\.|number|#|page|route|flight|room|model|boeing|airbus|version|"
                     r"\bv|about|nearly|some|over|than|almost|around|\$)\s*$", before):
            return None
        if re.match(r"\s*(?:%|percent|people|persons|men|women|troops|soldiers|workers|jobs|"
                     r"cars|units|shares|points|miles|kilometers|km|feet|meters|tons|dollars|"
                     r"pounds|euros|yen|rupees|residents|students|children|deaths|cases|votes)\b",
                     after, re.I):
            return None
        if not 1000 <= y <= (cx.dct.year + 60 if cx.dct else 2100):
            return None
        if cx.dct and y > cx.dct.year + 2 and not re.search(
                r"\b(?:in|by|until|till|before|after|through|from|to|of|since|the|year|early|late|mid|due|"
                r"around|about|beyond|and|or|between)\s*-?$", before):
            return None  # "closed at 2082": a future year needs a preposition before it
        prev = re.search(r"(?:^|(?<=[\w,;:)]\s))(?-i:([A-Z][a-z]+))\s+$", cx.text[max(0, cx.start - 24):cx.start])
        if prev and prev.group(1).lower() not in _YEAR_PRECEDERS:
            return None  # "Orion 1980", "Euro 2000": a name in mid-sentence
    return R(f"{y:04d}")


# capitalised words that may stand right before a bare year in mid-sentence
_YEAR_PRECEDERS = set(MONTHS) | set(SEASONS) | {
    "in", "on", "at", "by", "since", "until", "till", "from", "of", "before", "after", "during", "through",
    "for", "and", "or", "but", "the", "late", "early", "mid", "fiscal", "christmas", "easter", "thanksgiving",
    "year", "class", "spring", "fall", "autumn", "circa"}


_NAME_NEXT = re.compile(r"\s+(?-i:[A-Z][a-z]+)")
_NOT_NAME_NEXT = re.compile(r"\s+(?:" + MACROS["MONTH_FULL"] + "|" + MACROS["WEEKDAY_FULL"]
                            + r"|(?-i:At|And|But|In|On|Or|The)\b)")
# capitalised words that make a name of the weekday after them ("Super Tuesday")
_NAMING_WEEKDAY = re.compile(r"(?-i:\b(?:Super|Bloody|Holy|Ash|Palm|Maundy|Shrove|Blue|Manic|Spy|Red|Black|Cyber))\s+$")
_NAME_BEFORE = re.compile(r"(?-i:(?<![.!?\n\"“'‘]\s)(?<![.!?\n\"“'‘])\b([A-Z][a-z]+))\s+$")


def _name_follows(cx) -> bool:
    """A capitalised word follows that is not a month, a day or a sentence's first
    word: 'Sunday Times', 'Good Friday Agreement', 'Winter Olympics'."""
    return bool(_NAME_NEXT.match(cx.text, cx.end) and not _NOT_NAME_NEXT.match(cx.text, cx.end))


def n_weekday(m, cx):
    wd = weekday_num(m["wd"])
    # "Sunday Times", "Monday Night Football": a capitalised name follows; "Super
    # Tuesday", "Bloody Sunday": a name precedes
    if _name_follows(cx) or _NAMING_WEEKDAY.search(cx.text, max(0, cx.start - 10), cx.start):
        return None
    rel = _m(m, "rel")
    part = _m(m, "part")
    if not rel and cx.text.startswith(("'s", "’s"), cx.end) and cx.tense() == "future" and not re.search(
            r"\b(?:will|['’]ll|next|upcoming|coming)\b", cx.text[max(0, cx.start - 60):cx.start], re.I):
        cx._tense = "past"  # "Wednesday's ruling": an event already known
    d = weekday_date(wd, cx, rel)
    if part:
        return _day_part(d if d is not None else f"XXXX-WXX-{wd}", PARTS[part.lower()], None)
    if d is None:
        return R(f"XXXX-WXX-{wd}", anchor="document", explicit=False)
    return R(cal.fmt(d, "day"), anchor="document")


def n_deictic_day(m, cx):
    if m["w"][:1].isupper() and re.search(r"(?-i:\b[A-Z][A-Za-z.&]*)\s+$", cx.text[max(0, cx.start - 20):cx.start]):
        # "USA Today", "VOA Today": a capitalised name before it in mid-sentence
        before = cx.text[max(0, cx.start - 20):cx.start].rstrip()
        prev = before.split()[-1] if before.split() else ""
        if prev and prev[-1] not in ".!?:\"'`" and not re.fullmatch(r"(?:And|But|So|Then|Until|From|Since|By|On|Of|Or)", prev):
            return None
    w = " ".join(m["w"].lower().split())
    off = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
           "the day before yesterday": -2, "the day after tomorrow": 2}[w]
    part = _m(m, "part")
    if w == "tonight":
        part = "night"
    if cx.dct is None:
        return R("PRESENT_REF" if off == 0 and not part else "XXXX-XX-XX", anchor="document", explicit=False)
    d = cx.dct + dt.timedelta(days=off)
    v = cal.fmt(d, "day")
    if part:
        return R(v + "T" + PARTS[part.lower()], "TIME", anchor="document")
    return R(v, anchor="document")


def n_this_part(m, cx):
    """'this morning', 'last night', 'overnight'."""
    rel = (_m(m, "rel") or "this").lower()
    part = m["part"].lower()
    off = -1 if rel in ("last", "yesterday") else (1 if rel in ("tomorrow",) else 0)
    if part == "overnight":
        off = -1
    mod = {"mid": "MID", "early": "START", "late": "END"}.get((_m(m, "m") or "").lower())
    if mod:  # "by mid afternoon": that part of the day in the story
        base = cx.narrative if cx.narrative and cx.narrative[1] in ("day", "part_of_day") else None
        d = base[0] if base else cx.dct
        if d is None:
            return R("XXXX-XX-XXT" + PARTS[part], "TIME", mod=mod, anchor="document", explicit=False)
        return R(cal.fmt(d, "day") + "T" + PARTS[part], "TIME", mod=mod,
                 anchor="narrative" if base else "document", explicit=False)
    if part == "overnight" and rel == "this":
        # "overnight losses in New York" in a story about Friday: the night before
        # the story's day when that is a day of the report's week (else the night
        # before the document date); too vague to anchor what follows
        if cx.dct is None:
            return R("XXXX-XX-XXT" + PARTS[part], "TIME", anchor="document", explicit=False)
        base, anchor = cx.dct, "document"
        ld = cx.last_day.date() if isinstance(cx.last_day, dt.datetime) else cx.last_day
        if ld is not None and 0 < (cx.dct - ld).days <= 7:
            base, anchor = ld, "narrative"
        return R(cal.fmt(base - dt.timedelta(days=1), "day") + "T" + PARTS[part], "TIME",
                 anchor=anchor, explicit=False)
    if cx.dct is None:
        return R("XXXX-XX-XXT" + PARTS[part], "TIME", anchor="document", explicit=False)
    d = cx.dct + dt.timedelta(days=off)
    return R(cal.fmt(d, "day") + "T" + PARTS[part], "TIME", anchor="document")


_REF = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF",
    "current": "PRESENT_REF", "at present": "PRESENT_REF", "presently": "PRESENT_REF",
    "nowadays": "PRESENT_REF", "these days": "PRESENT_REF", "at the moment": "PRESENT_REF",
    "for now": "PRESENT_REF", "now-current": "PRESENT_REF", "the present": "PRESENT_REF",
    "recently": "PAST_REF", "recent": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF",
    "previously": "PAST_REF", "formerly": "PAST_REF", "earlier": "PAST_REF",
    "once": "PAST_REF", "in the past": "PAST_REF", "more recently": "PAST_REF",
    "until recently": "PAST_REF", "then-current": "PAST_REF", "then current": "PAST_REF",
    "the future": "FUTURE_REF", "future": "FUTURE_REF", "soon": "FUTURE_REF",
    "someday": "FUTURE_REF", "one day": "FUTURE_REF", "shortly": "FUTURE_REF",
    "in the future": "FUTURE_REF", "the near future": "FUTURE_REF", "as soon as possible": "FUTURE_REF",
    "the near term": "FUTURE_REF", "the short term": "FUTURE_REF", "the long term": "FUTURE_REF",
}


def n_ref(m, cx):
    w = " ".join(m.group(0).lower().split())
    v = _REF.get(w)
    if v is None:
        w2 = re.sub(r"^(?:in|the)\s+", "", w)
        v = _REF.get(w2, "PAST_REF" if "past" in w else "FUTURE_REF" if "future" in w else "PRESENT_REF")
    return R(v, anchor="document", explicit=False)


def _title_case(cx) -> bool:
    """A capitalised phrase in mid-sentence ('ABC's "This Week"', the film "High
    Noon"): a title, not a time."""
    words = cx.text[cx.start:cx.end].split()
    if not all(w[:1].isupper() for w in words):
        return False
    before = cx.text[max(0, cx.start - 12):cx.start].rstrip(" \t\"“`'‘")
    return bool(before) and before[-1] not in ".!?:\n"


_RESULTS = re.compile(r"['’]s\s+(?:net\s+|operating\s+|pretax\s+)?(?:loss|losses|profit|profits|earnings|"
                      r"results|income|sales|revenue|revenues|charges?)\b", re.I)


_OVER_PERIOD = re.compile(r"\b(?:over|for|during|throughout)\s+(?:the\s+)?$", re.I)


def n_rel_unit(m, cx):
    """'last week', 'this year', 'next month', 'the current quarter'."""
    if len(cx.text[cx.start:cx.end].split()) > 1 and _title_case(cx):
        return None
    rel = m["rel"].lower()
    unit = m["unit"].lower()
    off = {"the": 0, "this": 0, "current": 0, "present": 0, "last": -1, "past": -1, "previous": -1,
           "next": 1, "coming": 1, "following": 1}[rel]
    if unit == "weekend":
        if cx.dct is None:
            return R("XXXX-WXX-WE", anchor="document", explicit=False)
        d = cx.dct
        # the weekend of the current ISO week, or the previous/next one
        if off == 0:
            tense = cx.tense()
            if rel == "the" and tense != "future":
                off = -1 if d.isoweekday() < 6 else 0
            elif tense == "past" and d.isoweekday() < 6:
                off = -1
        d = d + dt.timedelta(weeks=off)
        return R(cal.fmt(d, "week") + "-WE", anchor="document")
    gran = _gran_of_unit(unit)
    if gran in ("decade", "century") and off and _OVER_PERIOD.search(cx.text, max(0, cx.start - 16), cx.start):
        # EXAMPLE "over the next decade", "for the past century": a period, not a calendar decade
        return R("P10Y" if gran == "decade" else "P100Y", "DURATION", explicit=False)
    if rel in ("following", "previous"):
        base = cx.base
        if base is None:
            return None
        d = cal.add(base[0], off, gran)
        return R(cal.fmt(d, gran), anchor="narrative" if cx.narrative else "document")
    if (rel == "this" and gran == "quarter" and cx.period and cx.period[1] == gran
            and _RESULTS.match(cx.text, cx.end)):
        # "This quarter's loss includes ...": results are reported for the period
        # the report is about, not for the quarter in progress
        return R(cal.fmt(cx.period[0], gran), anchor="narrative")
    if cx.dct is None:
        return R({-1: "PAST_REF", 0: "PRESENT_REF", 1: "FUTURE_REF"}[off], anchor="document",
                 explicit=False)
    d = cal.add(cx.dct, off, gran)
    return R(cal.fmt(d, gran), anchor="document")


def n_nth_day_of(m, cx):
    """'Today is the eighth day of the operation', "It's the second day of an
    offensive": the report's day, named by its rank in an ongoing event."""
    if not re.search(r"(?:\btoday\s+is|\bit['’]s|\bit\s+is)\s+$",
                     cx.text[max(0, cx.start - 12):cx.start], re.I):
        return None
    if cx.dct is None:
        return R("XXXX-XX-XX", anchor="document", explicit=False)
    return R(cal.fmt(cx.dct, "day"), anchor="document", explicit=False)


def n_rel_weekday(m, cx):
    return n_weekday(m, cx)


def n_narr_weekday(m, cx):
    """'the previous Friday', 'the following Monday': relative to the story's day."""
    wd = weekday_num(m["wd"])
    base = cx.last_day or cx.dct
    if base is None:
        return R(f"XXXX-WXX-{wd}", anchor="narrative", explicit=False)
    cur = base.isoweekday()
    if m["rel"].lower() in ("following", "next"):
        d = base + dt.timedelta(days=(wd - cur) % 7 or 7)
    else:
        d = base - dt.timedelta(days=(cur - wd) % 7 or 7)
    if isinstance(d, dt.datetime):
        d = d.date()
    return R(cal.fmt(d, "day"), anchor="narrative" if cx.last_day else "document",
             explicit=m["rel"].lower() in ("following", "next"))


def n_rel_month(m, cx):
    rel = m["rel"].lower()
    mo = month_num(m["mon"])
    if cx.dct is None:
        return R(_undated(mo), anchor="document", explicit=False)
    y = cx.dct.year
    if rel == "last" or rel == "past":
        # the month just ended is "last month": "last February" written in March is a
        # year earlier
        y = y if mo < cx.dct.month - 1 else y - 1
    elif rel in ("next", "coming"):
        y = y if mo > cx.dct.month else y + 1
    return R(f"{y:04d}-{mo:02d}", anchor="document")


def n_ago(m, cx):
    """'two years ago', 'three days from now'."""
    n = quant_num(m["q"])
    unit = m["unit"]
    gran = _gran_of_unit(unit)
    sign = 1 if m["dir"].lower() == "hence" else -1
    if isinstance(n, tuple):
        n = n[1]
    if n is None or cx.dct is None:
        return R("PAST_REF" if sign < 0 else "FUTURE_REF", anchor="document", explicit=False)
    k, cu = _shift_unit(unit)
    if gran in ("decade", "century"):
        gran = "year"
    base, bgran = cx.dct, gran
    # "a year ago" in an earnings report compares with the quarter being reported
    if cx.period and gran == "year" and n == 1:
        base, bgran = cx.period
    if isinstance(n, float) and not n.is_integer() and cu in ("year",):
        d = cal.add(base, n * 12 * sign, "month")
        gran = "month" if bgran == gran else bgran
    else:
        d = cal.add(base, n * k * sign, cu)
    return R(cal.fmt(d, cal.finer(gran, bgran) if bgran != "day" or gran == "day" else gran),
             mod="APPROX" if _m(m, "orso") else None,  # "a week or so ago"
             anchor="document", explicit=not (n == 1 and gran == "year"))


_THAN = re.compile(r"\s+than\b", re.I)


def n_later(m, cx):
    """'two days later', 'a year earlier' against the narrative anchor."""
    n = quant_num(m["q"])
    if isinstance(n, tuple):
        n = n[1]
    unit = m["unit"]
    gran = _gran_of_unit(unit)
    sign = 1 if m["dir"].lower() in ("later", "after", "afterwards", "afterward", "on") else -1
    base = cx.base
    if _THAN.match(cx.text, cx.end):
        # EXAMPLE "a month earlier than usual", "two weeks later than planned": compared with a
        # norm, not shifted from a date: the duration, and "earlier than" is a signal
        r = R(duration_value(n, _unit_for_duration(unit)), "DURATION", explicit=False)
        r.trim_end = len(m.group(0)) - (m.group(0).lower().rindex(unit.lower()) + len(unit))
        return r
    if (n is None and m["q"].lower() != "the") or (
            n is not None and sign > 0 and cx.narrative is None and cx.tense() == "past"):
        # "a few days later": a vague offset gives no date; nor does "two years later,
        # the firm failed" before any date to count from (the report's date would put
        # a past event in the future). What is left is the duration, and "later" is a
        # signal (TimeML)
        r = R(duration_value(n, _unit_for_duration(unit)), "DURATION", explicit=False)
        r.trim_end = len(m.group(0)) - (m.group(0).lower().rindex(unit.lower()) + len(unit))
        return r
    if n is None or base is None:
        return R("PAST_REF" if sign < 0 else "FUTURE_REF", anchor="narrative", explicit=False)
    if cx.period and gran == "year" and n == 1 and sign < 0:
        base = cx.period  # "a year earlier" in an earnings report: the same quarter
    k, cu = _shift_unit(unit)
    d = cal.add(base[0], n * k * sign, cu)
    out_gran = base[1] if cal.is_finer(base[1], gran) else gran
    if gran in ("year", "decade", "century") and base is not cx.period and not cal.is_finer("month", base[1]):
        # "two years later" after a day is a year: nothing says it fell on the same day
        out_gran = "year"
    if base[1] in ("hour", "minute", "second", "part_of_day") and not cal.is_finer(gran, "day"):
        out_gran = "day"
    if gran in ("hour", "minute", "second") and base[1] not in ("hour", "minute", "second"):
        # "an hour later" after a date without a time: the clock time is unknown
        return R(cal.fmt(d, "day") + "TXX:XX", "TIME", anchor="narrative" if cx.narrative else "document",
                 explicit=False)
    return R(cal.fmt(d, out_gran), anchor="narrative" if cx.narrative else "document",
             explicit=sign > 0)


def n_event_offset(m, cx):
    """'the day after the election', 'two weeks before the vote': an offset from a happening.
    A vague count ("weeks before the shooting") gives no date: the duration rules tag it."""
    n = 1 if m["q"] is None else quant_num(m["q"])
    if n is None or isinstance(n, tuple) or isinstance(n, float):
        return None
    unit = m["unit"]
    gran = _gran_of_unit(unit)
    sign = 1 if m["dir"].lower() in ("after", "following") else -1
    # open until the anchoring pass: "the day after" stays an unknown day, a count of units
    # ("90 days after their issue date") is the duration, as TBAQ tags it when nothing dates the happening
    open_value = ({"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX"}[gran]
                  if m["q"] is None else duration_value(n, _unit_for_duration(unit)))
    r = R(open_value, "DATE" if m["q"] is None else "DURATION",
          anchor="event", explicit=False, extra={"event_offset": (sign * n, gran)})
    matched = m.group(0)
    r.trim_end = len(matched) - len(matched[:matched.lower().rindex(m["dir"].lower())].rstrip())
    return r


def n_next_day(m, cx):
    """'the next day', 'the following week', 'the day before', 'that day'."""
    w = " ".join(m.group(0).lower().split())
    unit = m["unit"].lower()
    if w.startswith(("the next", "the following", "next")) or w.endswith("after") or w.startswith("the day after"):
        off = 1
    elif w.startswith(("the previous", "the preceding", "the prior")) or "before" in w:
        off = -1
    else:
        off = 0  # that day, the same day
    part = None
    if unit in ("morning", "afternoon", "evening", "night"):
        part, unit = unit, "day"
    gran = _gran_of_unit(unit)
    base = cx.base
    if base is None:
        return R("XXXX-XX-XX" if gran == "day" else "XXXX", anchor="narrative", explicit=False)
    if gran == "day" and base[1] in ("month", "year"):
        # "that same day" after "in October 1998": the day is unknown, not the 1st
        v = cal.fmt(base[0], base[1]) + ("-XX" if base[1] == "month" else "-XX-XX")
        if part:
            return R(v + "T" + PARTS[part], "TIME", anchor="narrative", explicit=False)
        return R(v, anchor="narrative", explicit=False)
    d = cal.add(base[0], off, gran)
    v = cal.fmt(d, gran)
    if part:
        return R(v + "T" + PARTS[part], "TIME", anchor="narrative" if cx.narrative else "document")
    return R(v, anchor="narrative" if cx.narrative else "document")


_MODAL_LEFT = re.compile(r"\b(?:to|will|would|could|may|might|can|should|must|did|does|do|not|n['’]t|['’]ll)\s+$", re.I)


def n_duration(m, cx):
    r = _n_duration(m, cx)
    if (r is not None and r.type == "DURATION" and m.group(0)[:5].lower() == "last "
            and _MODAL_LEFT.search(cx.text, max(0, cx.start - 8), cx.start)):
        r.trim_start += 5  # "expected to last six weeks": the verb, not "the last six weeks"
    return r


def _n_duration(m, cx):
    q = _m(m, "q")
    unit = m["unit"]
    n = quant_num(q) if q else None
    mod = None
    if isinstance(n, tuple):
        n = n[1]
        mod = "EQUAL_OR_MORE"
    elif q is None:
        if not unit.lower().endswith("s") and unit.lower() not in ("centuries",):
            n = 1
    ql = (q or "").lower()
    if ql in ("a", "an", "single") and (unit.lower() in ("second",) or unit.lower().endswith("s")):
        if m.group(0).lower().endswith("s-long"):
            # "a decades-long feud": the article belongs to the noun
            r = R(duration_value(None, _unit_for_duration(unit)), "DURATION", explicit=False)
            r.trim_start = len(q) + 1
            return r
        return None  # "a second attack", "a years"
    if re.fullmatch(r"(?:1[5-9]|20)\d\d", ql) and not unit.lower().endswith("s"):
        return None  # "the 1988 second quarter"
    after = cx.text[cx.end:cx.end + 6]
    if re.match(r"[- ]olds?\b", after):
        return None  # ages: "a 6-year-old boy"
    ul = unit.lower()
    if ql == "one" and ul == "day" and re.search(r"\b(?:will|would|could|might|may|can|shall)\s+$",
                                                  cx.text[max(0, cx.start - 8):cx.start], re.I) \
            and not re.match(r"\s+(?:after|before|later|earlier|of|in|to|from|ago|and|or)\b", after):
        return R("FUTURE_REF", anchor="document", explicit=False)  # "Islam will one day be ..."
    if ul.startswith("quarter") and (re.match(r"\s+of\b", after) or "-quarters" in m.group(0).lower()):
        return None  # fractions: "three-quarters of", "a quarter of the shares"
    if unit[:1].isupper() and q and q[:1].isdigit() and cx.text[max(0, cx.start - 2):cx.start].strip() not in ("", ".", '"'):
        return None  # "60 Minutes", a title
    if ql in ("a", "an") and re.search(r"(?:\d|\bcents?|dollars?|percent|%|million|billion|times|once|twice)\s*$",
                                      cx.text[max(0, cx.start - 30):cx.start], re.I):
        return R(duration_value(1, _unit_for_duration(unit)), "SET", extra={"quant": "EVERY"}, explicit=False)
    if (m.group(0).lower().startswith("the ") and m["q"]
            and (re.search(re.escape(m["q"]) + r"-", m.group(0))
                 or (isinstance(n, int) and n > 1 and unit == unit.rstrip("sS")
                     and re.match(r"\s+[a-z]", after)))):
        r = R(duration_value(n, _unit_for_duration(unit)), "DURATION", mod=mod, explicit=False)
        r.trim_start = 4  # "the 14-day deadline", "the eleven year partnership": the determiner belongs to the noun
        return r
    if m["half"] and isinstance(n, (int, float)):
        n = n + 0.5  # "a minute and a half"
    code = _unit_for_duration(unit)
    if code == "WE":
        return None
    if cx.dct is not None and code == "M" and n in (6, 9) and re.match(
            r"(?:the\s+)?(?:first|latest|same)\s+\S+\s+months|the\s+\S+\s+months(?=\s+ended\b)",
            m.group(0) + cx.text[cx.end:cx.end + 7], re.I):
        # "the first nine months" in an earnings report: the year to date is now the
        # period compared, so "a year earlier" is the previous year
        cx.period = (dt.datetime(cx.dct.year, 1, 1), "year")
    if code == "M" and n in (3, 6, 9) and re.match(r"the\s+(?:first\s+|latest\s+|same\s+)?\S+\s+months$",
                                                   m.group(0), re.I):
        # "For the nine months, ... In the year-earlier period, ...": the same span
        # a year before, a duration like the one it is compared with
        cx.span = duration_value(n, code)
    return R(duration_value(n, code), "DURATION", mod=mod, explicit=False)


def n_set(m, cx):
    g = G(m)
    w = m.group(0).lower()
    simple = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M",
              "yearly": "P1Y", "annually": "P1Y", "hourly": "PT1H", "quarterly": "P1Q",
              "biweekly": "P2W", "bimonthly": "P2M", "semiannually": "P6M"}
    if w in simple:
        if w in ("daily", "weekly", "monthly") and re.match(
                r"\s+(?-i:[A-Z][a-z]+)(?<!Monday)(?<!Tuesday)(?<!Wednesday)(?<!Thursday)(?<!Friday)(?<!Saturday)(?<!Sunday)\b",
                cx.text[cx.end:cx.end + 16]):
            return None  # "the Communist Party daily Granma": the newspaper
        return R(simple[w], "SET", explicit=False)
    if g.get("wd"):
        v = f"XXXX-WXX-{weekday_num(g['wd'].rstrip('sS') if g['wd'].endswith(('s', 'S')) and g['wd'].lower().rstrip('s') in WEEKDAYS else g['wd'])}"
        if g.get("part"):
            v += "T" + PARTS[g["part"].lower().rstrip("s")]
        return R(v, "SET", explicit=False)
    if g.get("mon"):
        return R(f"XXXX-{month_num(g['mon']):02d}", "SET", explicit=False)
    unit = g["unit"]
    n = parse_num(g.get("q")) if g.get("q") else 1
    extra = {}
    if g.get("freq"):
        f = g["freq"].lower()
        k = {"once": 1, "twice": 2, "thrice": 3}.get(f)
        if k is None:
            k = parse_num(re.sub(r"\s*times$", "", f))
        if k:
            extra["freq"] = f"{k}X"
    else:
        extra["quant"] = "EVERY"
    return R(duration_value(n, _unit_for_duration(unit)), "SET", extra=extra, explicit=False)


# how far (characters) a clock time without a day looks back for the day it is on;
# beyond it, the day of the report ("sterling was up at 1300 GMT" paragraphs after a
# date in December)
CLOCK_DAY_REACH = 400


def n_time(m, cx):
    """Clock times, optionally with a day: '10:35 a.m.', 'noon Thursday', '5 p.m. EST Nov. 9'."""
    g = G(m)
    if g.get("word"):
        w = g["word"].lower()
        if re.search(r"\bhigh\s+$", cx.text[max(0, cx.start - 6):cx.start], re.I):
            return None  # "high noon", the idiom or the film
        h, mi = (12, 0) if w in ("noon", "midday") else (24, 0)
    elif g.get("hmil"):
        h, mi = int(g["hmil"]), int(g["mimil"])
    elif g.get("h24"):
        if not (g.get("zone") or g.get("dpart") or _clock_cue(cx)):
            return None  # "3:16", "2:1", a race time: a clock only where a time is meant
        h, mi = int(g["h24"]), int(g["mi24"])
    else:
        h = int(g["h"])
        mi = int(g["mi"]) if g.get("mi") else 0
        ampm = (g.get("ampm") or "").lower()
        if g.get("ampm2"):
            ampm = {"morning": "am"}.get(g["ampm2"].lower(), "pm")
        if ampm.startswith("p") and h < 12:
            h += 12
        elif ampm.startswith("a") and h == 12:
            h = 0
        if h > 24 or mi > 59:
            return None
        if not ampm and not g.get("mi"):
            return None
    dpart = g.get("dpart")
    day = None
    anchor = "document"
    if dpart:
        day = resolve_day_phrase(dpart, cx)
        if day is None:
            return None
    elif cx.last_day is not None and cx.start - cx.last_day_end <= CLOCK_DAY_REACH:
        day, anchor = cx.last_day, "narrative"
    elif cx.dct:
        day = cx.dct
    hh = f"{h:02d}:{mi:02d}"
    if h == 24:
        hh = "24"
    if day is None:
        return R("XXXX-XX-XXT" + hh, "TIME", anchor="document", explicit=False)
    if isinstance(day, str):
        return R(day + "T" + hh, "TIME", anchor="document", explicit=False)
    return R(cal.fmt(day, "day") + "T" + hh, "TIME", anchor=anchor)


_CLOCK_CUE_LEFT = re.compile(r"\b(?:at|by|from|until|till|before|after|around|about|since|between|"
                             r"and|to|approximately|shortly)\s+$", re.I)
_CLOCK_NOT_RIGHT = re.compile(r"\s+(?:into|of\s+the|left|remaining|to\s+play|minutes?)\b", re.I)


def _clock_cue(cx) -> bool:
    """A bare 24-hour "14:30" is a time after "at", "by", "from", "until", ... and
    not a match clock ("at 2:15 of the third period", "at 12:30 into the game")."""
    return bool(_CLOCK_CUE_LEFT.search(cx.text, max(0, cx.start - 24), cx.start)
                and not _CLOCK_NOT_RIGHT.match(cx.text, cx.end))


def resolve_day_phrase(s: str, cx):
    """Date (or undated value string) of a short day phrase inside a larger expression."""
    s = " ".join(s.split())
    low = s.lower()
    if low in ("today", "tonight"):
        return cx.dct or "XXXX-XX-XX"
    if low == "yesterday":
        return cx.dct - dt.timedelta(days=1) if cx.dct else "XXXX-XX-XX"
    if low == "tomorrow":
        return cx.dct + dt.timedelta(days=1) if cx.dct else "XXXX-XX-XX"
    mm = re.fullmatch(r"(?:(last|next|this)\s+)?(\w+\.?)", s)
    if mm and mm.group(2).lower().rstrip(".") in {**WEEKDAYS, **WEEKDAY_ABBR}:
        d = weekday_date(weekday_num(mm.group(2)), cx, mm.group(1))
        return d if d else f"XXXX-WXX-{weekday_num(mm.group(2))}"
    mm = (re.fullmatch(r"(?P<mon>\w+\.?)\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{4}))?", s)
          or re.fullmatch(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>\w+\.?)(?:,?\s+(?P<y>\d{4}))?", s))
    if mm and mm["mon"].lower().rstrip(".") in {**MONTHS, **MONTH_ABBR}:
        mo, d = month_num(mm["mon"]), int(mm["d"])
        y = int(mm["y"]) if mm["y"] else pick_year_month(mo, cx, d)
        return dt.date(y, mo, d) if y else _undated(mo, d)
    return None


def n_day_part(m, cx):
    """'Friday morning', 'yesterday afternoon', 'March 3 evening'."""
    day = resolve_day_phrase(m["dpart"], cx)
    if day is None:
        return None
    mod = {"mid": "MID", "early": "START", "late": "END"}.get((_m(m, "m") or "").lower())
    return _day_part(day, PARTS[m["part"].lower()], mod)


def n_part_of(m, cx):
    """'the morning of Friday', 'the night of yesterday', 'the early hours of Sunday'
    (after midnight: the start of its morning)."""
    if not m["hours"]:
        return n_day_part(m, cx)
    day = resolve_day_phrase(m["dpart"], cx)
    return None if day is None else _day_part(day, "MO", "START")


def _day_part(day, part: str, mod: str | None) -> R:
    """A part of a day (a date, or an undated value string) as a TIME."""
    if isinstance(day, str):
        return R(day + "T" + part, "TIME", mod=mod, anchor="document", explicit=False)
    return R(cal.fmt(day, "day") + "T" + part, "TIME", mod=mod, anchor="document")


def n_decade(m, cx):
    g = G(m)
    if g.get("c"):
        v = g["c"] + g["d"]
    elif g.get("d2"):
        d = int(g["d2"])
        base = cx.dct.year if cx.dct else 2000
        c = base // 100
        if c * 100 + d * 10 > base:
            c -= 1
        v = f"{c:02d}{d}"
    else:
        words = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}
        d = words[g["w"].lower()]
        base = cx.dct.year if cx.dct else 2000
        c = base // 100
        if c * 100 + d * 10 > base:
            c -= 1
        v = f"{c:02d}{d}"
    mod = None
    if g.get("mod"):
        mod = {"early": "START", "mid": "MID", "late": "END"}[g["mod"].lower()]
    return R(v, mod=mod)


def n_century(m, cx):
    o = m["o"].lower()
    n = int(re.match(r"\d+", o).group()) if o[0].isdigit() else ORDINALS.get(o)
    if n is None:
        n = {"twenty-first": 21, "twenty first": 21}.get(o)
    if not n or n < 1:
        return None
    return R(f"{n - 1:02d}")


_SPORTS = re.compile(r"\b(?:scor(?:e|ed|es|ing)|goals?|touchdowns?|match|game|innings?|whistle|kick-?off|half-?time|"
                     r"penalty|penalties|striker|midfielder|goalkeeper|quarterback|field\s+goal|rebounds|"
                     r"equali[sz](?:er|ed)|fouls?|referee|possession|substitute[sd]?|overtime)\b", re.I)
_FINANCE = re.compile(r"\b(?:profits?|earnings|revenues?|sales|net|income|loss(?:es)?|results|fiscal|shares?|"
                      r"dividends?|growth|economy|gdp|quarterly|percent|billion|million)\b|[%$£€]", re.I)


def _game_period(m, cx) -> bool:
    """'in the second half, Arsenal scored', 'the first half of the match': a period
    of a game, not of a year (a year-less half or quarter among sports words and
    no money words, or 'of' a noun that is not a year)."""
    if m["y"] or m["ya"]:
        return False
    after = cx.text[cx.end:cx.end + 30]
    if re.match(r"\s+of\s+(?:the\s+|this\s+|that\s+|a\s+)?(?!year|fiscal|calendar|decade|century|\d)[a-z]", after, re.I):
        return True
    window = cx.text[max(0, cx.start - 150):cx.end + 150]
    return bool(_SPORTS.search(window)) and not _FINANCE.search(window)


def n_quarter(m, cx):
    if _game_period(m, cx):
        return None
    r = _n_quarter(m, cx)
    t = m.group(0)
    if r is not None and re.match(r"the\s", t, re.I) and re.search(r"\w-(?:quarter|half)$", t, re.I):
        r.trim_start = len(re.match(r"the\s+", t, re.I).group(0))  # "the third-quarter results"
    if r is not None and re.match(r"\s+ended\b", cx.text[cx.end:cx.end + 8]):
        r.ended = True  # "its fourth quarter ended Sept. 30": a fiscal quarter already over
    elif (r is not None and cx.dct is not None and _QUARTER_RESULTS.match(cx.text, cx.end)
          and _REPORTED.search(cx.text, max(0, cx.start - 40), cx.start)):
        # "reported a 47% decline in fourth-quarter earnings" in October: results are
        # only reported for a period that is over, so a quarter whose calendar label
        # is still running is a fiscal one that has ended
        iv = cal.interval_of(r.value)
        if iv is not None and iv[0][1].date() > cx.dct:
            r.ended = True
    return r


_QUARTER_RESULTS = re.compile(r"\s+(?:net\s+|operating\s+)?(?:earnings|profit|profits|net|loss|losses|results|income|sales|revenue)\b", re.I)
_REPORTED = re.compile(r"\b(?:reported|posted|had|recorded|earned)\b", re.I)


def _n_quarter(m, cx):
    o = m["o"].lower()
    q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
         "4th": 4, "last": 4, "final": 4}[o]
    unit = m["unit"].lower()
    if unit.startswith("half"):
        if q > 2:
            return None
        code, first_month = f"H{q}", 6 * q - 5
    else:
        code, first_month = f"Q{q}", 3 * q - 2
    if m["y"]:
        return R(f"{year_num(m['y'], cx):04d}-{code}")
    if cx.dct is None:
        return R(f"XXXX-{code}", anchor="document", explicit=False)
    if m["ya"]:  # "the year-ago third quarter": that quarter of the year before the report's
        base = cx.period[0] if cx.period else cx.dct
        return R(f"{base.year - 1:04d}-{code}", anchor="document", explicit=False)
    y = cx.dct.year
    if first_month > cx.dct.month and cx.tense() != "future":
        y -= 1
    return R(f"{y:04d}-{code}", anchor="document")


def n_the_quarter(m, cx):
    """'the quarter', 'the latest quarter', 'the year-earlier period', 'this quarter'.

    Earnings reports talk about one reporting period: "the quarter" is the last
    one named (cx.period), else the latest completed before the document date;
    "the year-ago quarter" is that period a year before."""
    if re.match(r"-(?:to|on|over|by)-", cx.text[cx.end:cx.end + 6]):
        return None  # "the quarter-to-quarter comparison": an adjective, no period
    w = " ".join(m.group(0).lower().split())
    unit = m["unit"].lower()
    period = cx.period
    if unit == "period":
        gran = period[1] if period else "quarter"
        if gran == "year" and re.search(r"\b(?:latest|last|recent|current|this|just[- ]ended)\b", w):
            gran = "quarter"  # the year to date is compared; the latest period is a quarter
    else:
        gran = "quarter" if unit.startswith("quarter") else "half"
    if cx.dct is None:
        return R("XXXX-QX" if gran == "quarter" else "XXXX", anchor="document", explicit=False)
    anchor = "document"
    if re.search(r"\b(?:current|this)\b", w):
        d = cx.dct
    elif re.search(r"\b(?:latest|last|recent|just[- ]ended)\b", w) and "year" not in w:
        # the reported period if one was named, else the last one completed
        if period and period[1] == gran:
            d, anchor = period[0], "narrative"
        else:
            d = cal.add(cx.dct, -1, gran)
    elif period and period[1] == gran:
        d, anchor = period[0], "narrative"
    else:
        d = cal.add(cx.dct, -1, gran)
    if re.search(r"year[- ](?:earlier|ago)|prior[- ]year|previous[- ]year|last year|comparable|same|corresponding", w):
        if unit == "period" and cx.span:
            return R(cx.span, "DURATION", anchor=anchor, explicit=False)
        d = cal.add(d, -1, "year")
        return R(cal.fmt(d, gran), anchor=anchor, explicit=False)
    return R(cal.fmt(d, gran), anchor=anchor)


def n_year_earlier(m, cx):
    """'year-earlier', 'year-ago' used as adjectives: the same period a year before."""
    base = cx.period or cx.base
    if base is None:
        return R("PAST_REF", anchor="narrative", explicit=False)
    gran = base[1] if base[1] in ("quarter", "half", "month", "year") else "year"
    d = cal.add(base[0], -1, "year")
    return R(cal.fmt(d, gran), anchor="narrative", explicit=False)


def _season_named(cx) -> bool:
    """'the Arab Spring', 'the Prague Spring': a capitalised word, not a sentence's
    first nor a function word, right before a capitalised season."""
    prev = _NAME_BEFORE.search(cx.text, max(0, cx.start - 24), cx.start)
    return bool(prev and prev.group(1).lower() not in _YEAR_PRECEDERS
                and prev.group(1).lower() not in ("this", "last", "next", "that", "every", "each", "early", "late"))


def n_season(m, cx):
    g = G(m)
    s = SEASONS[g["s"].lower()]
    rel = (g.get("rel") or "").lower()
    if g["s"].lower() == "fall" and not (rel or g.get("y") or g.get("the")):
        return None
    if g["s"][0].isupper() and (re.match(r"\s+of\s+(?-i:[A-Z])", cx.text[cx.end:cx.end + 12])
                                 or _name_follows(cx) or _season_named(cx)):
        # "Spring of Life", "the Winter Olympics", "the Arab Spring": names; in "the
        # Prague Spring of 1968" the year is still a date
        if g.get("y") and g["y"][:1].isdigit():
            r = R(f"{year_num(g['y'], cx):04d}")
            r.trim_start = m.group(0).rindex(g["y"])
            return r
        return None
    if g.get("y"):
        return R(f"{year_num(g['y'], cx):04d}-{s}")
    if cx.dct is None:
        return R(f"XXXX-{s}", anchor="document", explicit=False)
    order = ["SP", "SU", "FA", "WI"]
    cy, cs = cal.season_of(cx.dct)
    cur = cy * 4 + order.index(cs)
    cands = [y * 4 + order.index(s) for y in (cy - 1, cy, cy + 1)]
    if rel in ("last", "past", "previous"):
        k = max(c for c in cands if c < cur)
    elif rel in ("next", "coming"):
        k = min(c for c in cands if c > cur)
    else:
        k = min(cands, key=lambda c: (abs(c - cur), c < cur))
        if not rel:
            tense = cx.tense()
            if tense == "past" and k > cur:
                k -= 4
            elif tense == "future" and k < cur:
                k += 4
    return R(f"{k // 4:04d}-{s}", anchor="document")


def _easter(y):
    a = y % 19
    b, c = divmod(y, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    wk = (32 + 2 * e + 2 * i - h - k) % 7
    mm = (a + 11 * h + 22 * wk) // 451
    month = (h + wk - 7 * mm + 114) // 31
    day = (h + wk - 7 * mm + 114) % 31 + 1
    return dt.date(y, month, day)


def _nth_weekday(y, month, wd, n):
    if n > 0:
        d = dt.date(y, month, 1)
        d += dt.timedelta(days=(wd - d.isoweekday()) % 7)
        return d + dt.timedelta(weeks=n - 1)
    d = cal.add_months(dt.date(y, month, 1), 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.isoweekday() - wd) % 7)


def holiday_date(name: str, y: int) -> dt.date:
    n = re.sub(r"[\s'’.]+", " ", name.lower()).strip()
    n = n.replace(" jr", "")
    fixed = {"christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
             "new year s day": (1, 1), "new years day": (1, 1), "new year s": (1, 1),
             "new years": (1, 1), "new year s eve": (12, 31), "new years eve": (12, 31),
             "independence day": (7, 4), "halloween": (10, 31), "valentine s day": (2, 14),
             "valentines day": (2, 14), "boxing day": (12, 26), "veterans day": (11, 11),
             "veterans  day": (11, 11)}
    if n in fixed:
        return dt.date(y, *fixed[n])
    if n == "election day":
        return _nth_weekday(y, 11, 1, 1) + dt.timedelta(days=1)
    if n.startswith("thanksgiving"):
        return _nth_weekday(y, 11, 4, 4)
    if n in ("black friday", "cyber monday"):  # the Friday and the Monday after Thanksgiving
        return _nth_weekday(y, 11, 4, 4) + dt.timedelta(days=1 if n == "black friday" else 4)
    if n.startswith("easter"):
        e = _easter(y)
        return e + dt.timedelta(days=1) if n.endswith("monday") else e
    if n == "good friday":
        return _easter(y) - dt.timedelta(days=2)
    if n in ("labor day", "labour day"):
        return _nth_weekday(y, 9, 1, 1)
    if n == "memorial day":
        return _nth_weekday(y, 5, 1, -1)
    if n == "columbus day":
        return _nth_weekday(y, 10, 1, 2)
    if n.startswith("presidents"):
        return _nth_weekday(y, 2, 1, 3)
    if n.startswith("martin luther king"):
        return _nth_weekday(y, 1, 1, 3)
    raise KeyError(n)


def n_holiday(m, cx):
    """'Christmas', 'last Easter', 'Thanksgiving 1999', 'Easter week'. Without a year
    the holiday is chosen like a year-less date: the occurrence nearest the DCT,
    unless the tense contradicts it by more than TENSE_MARGIN days."""
    name = m["h"]
    week = _m(m, "wk")
    if not m["y"] and not week and _name_follows(cx):
        return None  # "the Good Friday Agreement", "Christmas Island"
    if m["y"]:
        d = holiday_date(name, year_num(m["y"], cx))
    elif cx.dct is None:
        return None
    else:
        rel = (m["rel"] or "").lower()
        y = cx.dct.year
        if rel in ("last", "next"):
            d = holiday_date(name, y)
            if rel == "last" and d >= cx.dct:
                d = holiday_date(name, y - 1)
            elif rel == "next" and d <= cx.dct:
                d = holiday_date(name, y + 1)
        else:
            d = min((holiday_date(name, yy) for yy in (y - 1, y, y + 1)),
                    key=lambda c: abs((c - cx.dct).days))
            delta = (d - cx.dct).days
            if abs(delta) > TENSE_MARGIN:
                tense = cx.tense()
                if delta > 0 and tense == "past":
                    d = holiday_date(name, d.year - 1)
                elif delta < 0 and tense == "future":
                    d = holiday_date(name, d.year + 1)
    anchor = "absolute" if m["y"] else "document"
    if week:
        return R(cal.fmt(d, "week"), anchor=anchor)  # "Easter week": the week of the holiday
    return R(cal.fmt(d, "day"), anchor=anchor)


def n_fiscal_year(m, cx):
    """'the fiscal year', 'this fiscal year', 'the year'."""
    rel = " ".join((_m(m, "rel") or "the").lower().split())
    if cx.dct is None:
        return R("XXXX", anchor="document", explicit=False)
    off = {"this": 0, "current": 0, "the": 0, "last": -1, "past": -1, "previous": -1,
           "next": 1, "coming": 1, "latest": -1, "most recent": -1}.get(rel, 0)  # the latest completed one
    if re.search(r"\bthroughout\s+$", cx.text[max(0, cx.start - 12):cx.start]):
        return R("P1Y", "DURATION", explicit=False)  # "throughout the fiscal year"
    if rel == "the" and cx.narrative and cx.narrative[1] == "year":
        return R(cal.fmt(cx.narrative[0], "year"), anchor="narrative", explicit=False)
    return R(f"{cx.dct.year + off:04d}", anchor="document", explicit=rel != "the")


def n_rel_mod(m, cx):
    """'earlier this month', 'later this year', 'late last year', 'early next week'."""
    r = n_rel_unit(m, cx)
    if r is None:
        return None
    w = m["m"].lower()
    r.mod = {"earlier": "START", "early": "START", "later": "END", "late": "END",
             "mid": "MID", "middle": "MID"}[w.rstrip("-")]
    return r


def n_year_end(m, cx):
    """'year-end', "year's end", 'the end of the month'."""
    unit = (m["unit"] or "year").lower()
    mod = {"end": "END", "beginning": "START", "start": "START", "middle": "MID"}[(m["pos"] or "end").lower()]
    if cx.dct is None:
        return R("XXXX", mod=mod, anchor="document", explicit=False)
    gran = _gran_of_unit(unit)
    base = cx.narrative if cx.narrative and cal.is_finer(cx.narrative[1], gran) else None
    d = base[0] if base else cx.dct
    return R(cal.fmt(d, gran), mod=mod, anchor="narrative" if base else "document", explicit=False)


def n_half_of(m, cx):
    """'the first half of 1998' -> 1998-H1, 'the last half of the year'."""
    h = 1 if m["o"].lower() == "first" else 2
    y = m["y"]
    if y[0].isdigit():
        return R(f"{int(y):04d}-H{h}")
    if "decade" in y.lower():
        return None
    if cx.dct is None:
        return R(f"XXXX-H{h}", anchor="document", explicit=False)
    return R(f"{cx.dct.year:04d}-H{h}", anchor="document")


def n_month_rel_year(m, cx):
    """'January this year', 'June last year'."""
    mo = month_num(m["mon"])
    if cx.dct is None:
        return R(_undated(mo), anchor="document", explicit=False)
    y = cx.dct.year + {"this": 0, "last": -1, "next": 1}[m["rel"].lower()]
    return R(f"{y:04d}-{mo:02d}", anchor="document")


def n_rel_year_quarter(m, cx):
    """"this year's third quarter", "next year's first half"."""
    q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
         "final": 4}[m["o"].lower()]
    code = f"H{min(q, 2)}" if m["unit"].lower() == "half" else f"Q{q}"
    if cx.dct is None:
        return R(f"XXXX-{code}", anchor="document", explicit=False)
    y = cx.dct.year + {"this": 0, "last": -1, "next": 1}[m["rel"].lower()]
    return R(f"{y:04d}-{code}", anchor="document")


def n_year_period(m, cx):
    """'the 1988 second quarter', 'the 1989 period' (the same period in another year)."""
    y = int(m["y"])
    if m["o"]:
        q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "final": 4}[m["o"].lower()]
        if m["unit"].lower() == "half":
            return R(f"{y:04d}-H{min(q, 2)}")
        return R(f"{y:04d}-Q{q}")
    base = cx.period or (cx.narrative if cx.narrative and cx.narrative[1] in ("quarter", "half", "month") else None)
    if base is None:
        if cx.dct is None:
            return R(f"{y:04d}")
        base = (cal.add(cx.dct, -1, "quarter"), "quarter")
    d = base[0].replace(year=y, day=1)
    return R(cal.fmt(d, base[1]), anchor="narrative", explicit=False)


def n_range_years(m, cx):
    """'1998-99', '2009-2010', 'from 1990 to 1995' as one expression."""
    y1 = int(m["y1"] or m["y1b"])
    y2s = m["y2"]
    y2 = int(y2s) if len(y2s) == 4 else (y1 // 100) * 100 + int(y2s)
    if y2 <= y1 or y2 - y1 > 50:
        return None
    return R(f"{y1:04d}", extra={"range_end": f"{y2:04d}"},
             interval=(dt.datetime(y1, 1, 1), dt.datetime(y2 + 1, 1, 1)))


def n_range_days(m, cx):
    """'between 3 and 5 May', 'May 3-5, 2023'."""
    mo = month_num(m["mon"])
    d1, d2 = int(m["d1"]), int(m["d2"])
    if d2 <= d1:
        return None
    y = year_num(m["y"], cx) if m["y"] else pick_year_month(mo, cx, d1)
    if y is None:
        return R(_undated(mo, d1), anchor="document", explicit=False)
    a, b = dt.date(y, mo, d1), dt.date(y, mo, d2)
    return R(cal.fmt(a, "day"), extra={"range_end": cal.fmt(b, "day")},
             interval=(dt.datetime(y, mo, d1), dt.datetime.combine(b + dt.timedelta(days=1), dt.time())),
             anchor="absolute" if m["y"] else "document")


def n_range_months(m, cx):
    """'from March to May 2023', 'March-May 2023'."""
    m1, m2 = month_num(m["m1"] or m["m1b"]), month_num(m["m2"])
    y = year_num(m["y"], cx) if m["y"] else pick_year_month(m1, cx)
    if y is None:
        return None
    y1 = y if m1 <= m2 else y - 1
    start = dt.datetime(y1, m1, 1)
    end = cal.add_months(dt.datetime(y, m2, 1), 1)
    return R(f"{y1:04d}-{m1:02d}", extra={"range_end": f"{y:04d}-{m2:02d}"},
             interval=(start, end), anchor="absolute" if m["y"] else "document")


# the two ends of a range expression, as TimeML annotates them (two TIMEX3 around the
# connective): "between (1994) and (1997)", "from (March) to (May 2023)", "(May 3)-(5, 2023)"
RANGE_PARTS = re.compile(r"(?:(?:between|from)\s+)?(?P<a>.+?)\s*(?:-|–|\b(?:to|through|until|and)\b)\s*(?P<b>.+)",
                         re.I | re.S)

# ---------------------------------------------------------------------------
# rules
# ---------------------------------------------------------------------------
RULES = [
    # ---- absolute dates
    # ISO 8601 with an optional time ("2013-03-10T14:30Z", "2013-03-10 14:30:05+01:00"); the
    # zone designator belongs to the span, TIMEX3 values carry local times without it
    Rule("iso_date", r"(?P<y>{YEAR4})-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])"
                     r"(?:[t ](?P<H>[01]\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d)(?:\.\d+)?)?"
                     r"(?:z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?", n_iso, 10),
    Rule("numeric_date", r"(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>{YEAR4}|\d\d)", n_numeric, 5),
    Rule("weekday_month_day",
         r"(?:(?:(?:this\s+)?(?:coming|next|last|past)\s+)?{WEEKDAY}\s*,?\s+)(?:(?P<mon>{MONTH})\s+(?P<day>{DAY})|(?P<day2>{DAY})\s+(?:of\s+)?(?P<mon2>{MONTH}))"
         r"(?:\s*,?\s*(?P<y>{YEAR4}))?",
         lambda m, cx: n_month_day(_swap(m), cx), 6),
    Rule("month_day_year", r"(?P<mon>{MONTH})\s*(?P<day>{DAY})(?:\s*,\s*|\s+)(?P<y>{YEARANY})", n_month_day, 5),
    Rule("day_month_year", r"(?:(?:the\s+(?=\S+\s+of\s))?(?P<day>{DAYNUM}(?:st|nd|rd|th)?)|the\s+(?P<dayw>{DAYW})(?=\s+of\s))(?:\s+of)?\s+(?P<mon>{MONTH})\s*,?\s*(?P<y>{YEAR4})",
         n_month_day, 5),
    Rule("month_day", r"(?P<mon>{MONTH})\s*(?P<day>{DAY})(?!\s*(?::\d|\d|%))", n_month_day, 3),
    Rule("day_month", r"(?:(?:the\s+(?=\S+\s+of\s))?(?P<day>{DAYNUM}(?:st|nd|rd|th)?)|the\s+(?P<dayw>{DAYW})(?=\s+of\s))(?:\s+of)?\s+(?P<mon>{MONTH})", n_month_day, 3),
    Rule("nth_in_month", r"the\s+(?P<ord>first|second|third|fourth|fifth|last|final)\s+(?:(?P<wd>{WEEKDAY_FULL})|(?P<wk>week(?:end)?))"
                         r"\s+(?:of|in)\s+(?P<mon>{MONTH_FULL}|{MONTH_ABBR})(?:\s*,?\s*(?P<y>{YEAR4}))?", n_nth_in_month, 5),
    Rule("week_of", r"the\s+week\s+(?P<rel>of|end(?:ing|ed)|beginning|starting|begun|started)\s+(?:on\s+)?(?P<mon>{MONTH})\s*(?P<day>{DAYNUM})(?:st|nd|rd|th)?(?:\s*,\s*(?P<y>{YEAR4}))?(?![\d:])", n_week_of, 4),
    Rule("and_day", r"and\s(?P<day>{DAYNUM})(?:st|nd|rd|th)?(?![\d:%]|\.\d|\s*(?:percent|[ap]\.?m\b|{UNIT}))(?:\s*,\s*(?P<y>{YEAR4}))?", n_and_day, 2),
    Rule("ordinal_day", r"the\s+(?P<day>{DAYNUM})(?:st|nd|rd|th)(?=\s*(?:[,.;:)]|$)|\s+(?:and|or|at|in|when|after|before|to|until|through|but)\b)",
         n_ordinal_day, 1),
    Rule("month_year", r"(?P<mon>{MONTH_FULL}|{MONTH_ABBR})\s*(?:,|of)?\s*(?P<y>{YEARANY}|['’]\d\d)", n_month_year, 4),
    Rule("month", r"(?P<mon>{MONTH_FULL}|(?-i:Sept|Oct|Nov|Dec|Jan|Feb|Aug)\.)", n_month, 1),
    Rule("year", r"(?:(?P<pre>(?:the\s+)?(?:year|(?:the\s+)?fiscal(?:\s+year)?|fiscal-year|fy)\s*)(?P<y>{YEAR4}|\d\d)"
                 r"|(?P<y2>{YEAR4}))(?!\s*(?:-|–|to)\s*\d)",
         lambda m, cx: n_year(_yearfix(m, cx), cx), 2),
    Rule("year_end", r"(?:the\s+)?(?:year[- ]end|year['’]s\s+end|end[- ]of[- ](?:the[- ])?year)|the\s+(?P<pos>end|beginning|start|middle)\s+of\s+the\s+(?P<unit>month|year|week|quarter)",
         n_year_end, 3),
    Rule("year_ended", r"the\s+(?:(?:fiscal|financial|calendar)\s+)?year(?=\s+(?:end(?:ed|ing)|to)\s)",
         lambda m, cx: R("P1Y", "DURATION", explicit=False), 4),
    Rule("full_year", r"the\s+(?:full|whole|entire|calendar)\s+year", 
         lambda m, cx: R(f"{cx.dct.year:04d}", anchor="document", explicit=False) if cx.dct else None, 2),
    Rule("year_period", r"the\s+(?P<y>{YEAR4})\s+(?:(?:fiscal|calendar)\s+)?(?:(?P<o>{ORD}|final)[\s-]+)?(?P<unit>quarter|period|half)",
         n_year_period, 5),
    Rule("half_of", r"the\s+(?P<o>first|second|last|latter|final)\s+(?:half|six\s+months|two\s+quarters)\s+of\s+(?P<y>{YEAR4}|(?:the\s+)?(?:year|decade))",
         n_half_of, 6),
    Rule("month_rel_year", r"(?P<mon>{MONTH_FULL}|{MONTH_ABBR})\s+(?:of\s+)?(?P<rel>this|last|next)\s+year",
         n_month_rel_year, 5),
    Rule("rel_year_quarter", r"(?P<rel>this|last|next)\s+year['’]s\s+(?:(?:fiscal|calendar)\s+)?(?P<o>{ORD}|final)[\s-]+(?P<unit>quarter|half)",
         n_rel_year_quarter, 5),
    Rule("year_words", r"(?:(?P<pre>the\s+year\s+)(?P<y>{YEARW})|(?P<y2>(?!two)(?:{YEARW})))", 
         lambda m, cx: R(f"{year_words(m['y'] or m['y2']):04d}"), 2),
    Rule("year_range", r"(?:between\s+(?P<y1b>{YEAR4})\s+and|(?:from\s+)?(?P<y1>{YEAR4})\s*(?:-|–|to|through|until))\s*(?P<y2>{YEAR4}|\d\d)",
         n_range_years, 3),
    Rule("month_range",
         r"(?:between\s+(?P<m1b>{MONTH_FULL})\s+and|(?:from\s+)?(?P<m1>{MONTH_FULL})\s*(?:-|–|to|through|until))\s*(?P<m2>{MONTH_FULL})(?:\s*,?\s*(?P<y>{YEAR4}))?",
         n_range_months, 3),
    Rule("day_range",
         r"(?:(?:between\s+(?P<d1>{DAYNUM})(?:st|nd|rd|th)?\s+and|(?:from\s+)?(?P<d1x>{DAYNUM})(?:st|nd|rd|th)?\s*(?:-|–|to|through|until))\s*(?P<d2>{DAYNUM})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH})"
         r"|(?P<mon_b>{MONTH})\s+(?P<d1b>{DAYNUM})\s*(?:-|–|to|through|until)\s*(?P<d2b>{DAYNUM})(?!\s*:)(?!\d))"
         r"(?:\s*,?\s*(?P<y>{YEAR4}))?",
         lambda m, cx: n_range_days(_rangefix(m), cx), 4),
    Rule("decade", r"(?:the\s+)?(?:(?P<mod>early|mid|late)(?:\s+|-))?(?:(?P<c>1[0-9]|20)(?P<d>\d)0['’]?s|['’](?P<d2>\d)0['’]?s"
                   r"|(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))", n_decade, 4),
    Rule("century", r"(?:the\s+)?(?P<o>\d{1,2}(?:st|nd|rd|th)|(?:twenty[- ])?first|second|third|fourth|fifth|sixth"
                    r"|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth"
                    r"|eighteenth|nineteenth|twentieth)[\s-]+century", n_century, 4),
    Rule("quarter", r"(?:the\s+)?(?:(?P<ya>year[- ](?:earlier|ago)|prior[- ]year|previous[- ]year)\s+)?(?:(?:fiscal|calendar)\s+)?(?P<o>{ORD}|final)[\s-]+(?:fiscal\s+)?(?P<unit>quarter|half)"
                    r"(?:\s+(?:of\s+)?(?:fiscal\s+|the\s+year\s+)?(?P<y>{YEAR4}|['’]\d\d))?", n_quarter, 4),
    # "Q3 2012", "3Q89", "Q3 FY2012"; a half needs its year ("H1 2012"): "H1" alone is too many things
    Rule("quarter_code", r"(?-i:Q(?P<q>[1-4])|(?P<q2>[1-4])Q|(?=H[12]\s*(?:FY\s*)?(?:{YEAR4}|['’]\d\d))H(?P<h>[12]))"
                         r"\s*(?:(?-i:FY)\s*)?(?P<y>{YEAR4}|['’]?\d\d)?",
         lambda m, cx: _qcode(m, cx), 4),
    Rule("the_quarter", r"(?:the|this|that)\s+(?:(?:latest|last|recent|most\s+recent|current|fiscal|same|comparable|"
                        r"year[- ]earlier|year[- ]ago|prior[- ]year|previous[- ]year|just[- ]ended|latest\s+fiscal|corresponding)\s+)*(?P<unit>quarter|period)"
                        r"(?:\s+(?:of\s+|in\s+)?(?P<yago>a\s+year\s+(?:ago|earlier)|last\s+year|the\s+(?:previous|prior)\s+year))?"
                        r"|last\s+year['’]s\s+(?P<unit2>quarter|period)",
         lambda m, cx: n_the_quarter(_unitfix(m), cx), 2),
    Rule("year_earlier", r"year[- ](?:earlier|ago)(?=\s+[a-z])",
         n_year_earlier, 2),
    Rule("fiscal_year", r"(?:the\s+)?(?P<rel>the|this|last|next|current|past|previous|coming|latest|most\s+recent)\s+(?:fiscal|financial|calendar)\s+year"
                        r"|(?P<rel2>the|this)\s+year(?!\s*(?:{YEAR4}|-))",
         lambda m, cx: n_fiscal_year(_relfix(m), cx), 2),
    Rule("season", r"(?:(?P<the>the)\s+|(?:this\s+)?(?P<rel>this|last|next|past|coming|previous)\s+)?(?P<s>{SEASON})"
                   r"(?:\s+(?:of\s+)?(?P<y>{YEARANY}|['’]\d\d))?", n_season, 2),
    Rule("holiday", r"(?:(?P<rel>last|next|this)\s+)?(?-i:(?P<h>{HOLIDAY}))(?:(?P<wk>\s+week\b)|\s*,?\s*(?P<y>{YEAR4}))?", n_holiday, 3),

    # ---- times of day
    # 12-hour clocks ("10:35 a.m.", "10.30pm", "4 in the morning"), 24-hour ones ("14:30",
    # accepted by n_time only where a time is meant) and military ones with a zone ("0900 GMT")
    Rule("clock", r"(?:(?P<word>noon|midnight|midday)"
                  r"|(?P<h>[01]?\d|2[0-4])(?:[:.](?P<mi>[0-5]\d))?(?:\s*(?P<ampm>{AMPM})|\s+(?:in|of)\s+the\s+(?P<ampm2>morning|afternoon|evening|night))"
                  r"|(?P<h24>[01]?\d|2[0-3]):(?P<mi24>[0-5]\d)(?![:.]\d)(?:\s*(?:h|hrs)(?!\w))?"
                  r"|(?P<hmil>[01]\d|2[0-3])(?P<mimil>[0-5]\d)(?=\s*(?:{TZ}|(?:hrs|hours)\s+{TZ})))"
                  r"(?P<zone>\s*(?:(?:hrs|hours)\s+)?(?:{TZ}|local\s+time))?"
                  r"(?:\s*,?\s*(?:on\s+)?(?P<dpart>(?:(?:last|next|this)\s+)?{WEEKDAY}|today|tonight|yesterday|tomorrow|{MONTH}\s+{DAYNUM}(?:st|nd|rd|th)?(?:,?\s+{YEAR4})?))?",
         n_time, 5),
    Rule("day_at_clock", r"(?P<dpart>{WEEKDAY}|today|yesterday|tomorrow)\s*,?\s+(?:at\s+)?(?=\d|noon|midnight)"
                         r"(?:(?P<word>noon|midnight)|(?P<h>[01]?\d|2[0-4])(?::(?P<mi>[0-5]\d))?\s*(?P<ampm>{AMPM}))(?:\s*{TZ})?",
         n_time, 6),
    # "the morning of Friday", "the early hours of Sunday (morning)"; before a calendar date
    # TimeML tags the date alone ("on the night of Oct. 23")
    Rule("part_of", r"the\s+(?:(?P<m>early|late)\s+)?(?:(?P<part>{PART})|(?P<hours>(?:early|small|wee)\s+hours))\s+of\s+"
                    r"(?P<dpart>(?:(?:last|next|this)\s+)?{WEEKDAY_FULL}|yesterday|today|tomorrow)(?!,?\s+(?:{MONTH}|{DAYNUM}\b))"
                    r"(?(hours)(?:\s+(?:morning|night))?)",
         n_part_of, 6),
    Rule("part_day", r"(?P<m>mid|early|late)?[- ]?(?P<part>{PART})\s+(?P<dpart>{WEEKDAY_FULL}|yesterday|tomorrow|today)",
         n_day_part, 5),
    Rule("day_part", r"(?P<dpart>(?:(?:last|next|this)\s+)?{WEEKDAY}|yesterday|tomorrow|today|{MONTH}\s+{DAYNUM})\s+(?P<part>{PART})",
         n_day_part, 5),
    Rule("this_part", r"(?P<rel>this|last|tomorrow|yesterday)\s+(?P<part>{PART})|(?P<part2>tonight|overnight)"
                      r"|(?P<m>mid|early|late)[- ]?(?P<part3>morning|afternoon|evening)(?!\s+(?:{WEEKDAY}|yesterday|today|tomorrow))",
         lambda m, cx: n_this_part(_partfix(m), cx), 4),

    # ---- deictic
    Rule("deictic_day", r"(?P<w>today|tonight|yesterday|tomorrow|the\s+day\s+(?:before\s+yesterday|after\s+tomorrow))",
         n_deictic_day, 3),
    Rule("ref", r"(?<!from\s)now|(?<=[srkyhe]\sfrom\s)now|currently|at\s+present|presently|nowadays|these\s+days|at\s+the\s+moment"
                r"|(?:more\s+|until\s+|only\s+)?recently|recent(?=\s+(?:years|months|weeks|days|times|history|decades|past))|lately|the\s+(?:distant\s+|recent\s+)?past"
                r"|the\s+(?:near\s+|distant\s+)?future|future(?=\s+(?:quarters|years|months|weeks|periods))|(?<!as\s)soon(?!\s+as|\s+after|\s+before)|someday|then[- ]current|current"
                r"|the\s+(?:near|short|long)\s+term|as\s+soon\s+as\s+possible",
         n_ref, 1),
    Rule("later_date", r"a\s+(?:later|future)\s+date",
         lambda m, cx: R("FUTURE_REF", anchor="document", explicit=False), 3),
    # "this past weekend", "this coming week": the "this" belongs to the expression
    Rule("weekend", r"(?:this\s+(?=(?:past|coming)\s))?(?P<rel>the|this|last|next|coming|past)\s+(?P<unit>weekend)", n_rel_unit, 3),
    Rule("rel_unit", r"(?:(?:the|this)\s+(?=(?:last|past|current|coming|present)\s))?(?P<rel>this|last|next|past|coming|previous|current|following|present)\s+(?P<unit>week|month|year|quarter|decade|century)(?![- ](?:old|long))",
         n_rel_unit, 3),
    Rule("rel_mod", r"(?P<m>earlier|later|early|late|mid-?|middle)\s+(?:in\s+)?(?P<rel>this|last|next|the\s+past)\s+(?P<unit>week|month|year|quarter|decade|century)",
         lambda m, cx: n_rel_mod(_relclean(m), cx), 4),
    Rule("narr_weekday", r"the\s+(?P<rel>previous|preceding|prior|following|next)\s+(?P<wd>{WEEKDAY_FULL})", n_narr_weekday, 5),
    Rule("rel_weekday", r"(?:this\s+)?(?P<rel>last|next|this|coming|past)\s+(?P<wd>{WEEKDAY})", 
         lambda m, cx: n_rel_weekday(_pastfix(m), cx), 4),
    Rule("rel_month", r"(?P<rel>last|next|this|past|coming)\s+(?P<mon>{MONTH_FULL})", n_rel_month, 4),
    Rule("weekday", r"(?P<wd>{WEEKDAY_FULL})(?!['’]?s\s+(?-i:[A-Z]))", n_weekday, 2),
    # EXAMPLE "two years ago", "three weeks hence"; "eight years from now" is the duration
    # "eight years" and "now" (PRESENT_REF), as TimeML tags it
    Rule("ago", r"(?P<q>{QUANT})\s+(?P<unit>{UNIT})(?P<orso>\s+or\s+so)?\s+(?P<dir>ago|hence)", n_ago, 5),
    # EXAMPLE "the day after the election", "two weeks before the vote", "10 days before Slepian was
    # killed": anchored on a happening, not on a date. The value stays open (XXXX-XX-XX) until the
    # engine's anchoring pass finds the happening's date in the text (EVENT_HEAD); the preposition
    # is a signal, outside the span
    Rule("event_offset", r"(?:(?P<q>{QUANT})\s+(?:more\s+)?(?P<unit>days?|weeks?|months?|years?)|the\s+(?P<unit2>day|night|week|month|year))"
                         r"\s+(?P<dir>before|after|prior\s+to|following|ahead\s+of)"
                         r"(?=\s+(?:(?:the|a|an|his|her|its|their|this|that)\s+\S|(?-i:[A-Z])[a-z]+(?:['’]s)?\s+[a-z]))",
         lambda m, cx: n_event_offset(_unitfix(m), cx), 6),
    Rule("later", r"(?P<q>{QUANT})\s+(?:more\s+)?(?P<unit>{UNIT})\s+(?P<dir>later|earlier|afterwards?|before(?=\s*[,.;]))",
         n_later, 5),
    Rule("nth_day_of", r"the\s+(?P<ord>{DAYW})\s+day(?=\s+of\b)", n_nth_day_of, 3),
    Rule("next_day", r"(?:(?:the\s+)?(?:next|following|previous|preceding|prior)|that|the\s+same|that\s+same)\s+(?P<unit>day|morning|afternoon|evening|night|week|month|year)"
                     r"|the\s+(?P<unit2>day)\s+(?:before|after)(?=\s*[,.;:)]|\s*$)"
                     r"|the\s+(?P<unit3>week|month|year)\s+(?:before|after)(?=\s*[,.;:)]|\s*$)",
         lambda m, cx: n_next_day(_unitfix(m), cx), 3),

    # ---- durations
    Rule("duration", r"(?:the\s+)?(?:(?:past|last|next|first|coming|previous|preceding|following|final|remaining|latest|initial|same|"
                     r"year[- ](?:earlier|ago)|prior[- ]year|comparable)\s+)?"
                     r"(?P<q>{QUANT})(?:\s+|-)(?:(?:more|additional|full|straight|consecutive|long|short|trading|business|working|calendar|"
                     r"successive|whole|extra)\s+)?(?P<unit>{UNIT})(?:-long)?(?P<half>\s+and\s+a\s+half)?",
         n_duration, 2),
    Rule("duration_bare", r"(?:(?:the\s+)?(?:past|last|next|coming|recent|first)\s+)?(?P<unit>{UNITP})",
         lambda m, cx: _bare_duration(m, cx), 0),
    Rule("duration_unit_long", r"(?P<unit>(?:day|week|month|year|hour|decade)s?)-long", n_duration, 2),

    # ---- sets
    Rule("set_adverb", r"daily|nightly|weekly|monthly|yearly|annually|hourly|biweekly|bimonthly|semiannually",
         n_set, 2),
    Rule("set_every", r"(?:every|each|per)\s+(?:other\s+)?(?:(?P<q>{NUM}|{NUMW})\s+)?(?P<unit>{UNIT})", n_set, 3),
    Rule("set_every_wd", r"(?:every|each)\s+(?P<wd>{WEEKDAY_FULL})(?:\s+(?P<part>{PART}))?|(?P<wd2>(?-i:Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays))"
                         r"|(?P<wd3>{WEEKDAY_FULL})\s+(?P<parts>mornings|afternoons|evenings|nights)",
         lambda m, cx: n_set(_wdfix(m), cx), 3),
    Rule("set_each_month", r"(?:every|each)\s+(?P<mon>{MONTH_FULL})", n_set, 3),
    Rule("set_freq", r"(?P<freq>once|twice|thrice|(?:{NUMW}|\d+)\s+times)\s+(?:a|an|per|each|every)\s+(?P<unit>{UNIT})", n_set, 4),
]


def _swap(m):
    g = G(m)
    if g.get("day2"):
        g["day"], g["mon"] = g["day2"], g["mon2"]
    return g


def _yearfix(m, cx):
    g = G(m)
    if g.get("y2"):
        g["y"] = g["y2"]
    elif g.get("y") and len(g["y"]) == 2:
        g["y"] = str(year_num("'" + g["y"], cx))
    return g


def _rangefix(m):
    g = G(m)
    if g.get("mon_b"):
        g["mon"], g["d1"], g["d2"] = g["mon_b"], g["d1b"], g["d2b"]
    g["d1"] = g.get("d1") or g.get("d1x")
    return g


def _unitfix(m):
    g = G(m)
    g["unit"] = g.get("unit") or g.get("unit2") or g.get("unit3")
    g[0] = m.group(0)
    return g


def _relfix(m):
    g = G(m)
    g["rel"] = g.get("rel") or g.get("rel2")
    return g


def _relclean(m):
    g = G(m)
    g["rel"] = g["rel"].split()[-1]
    return g


def _pastfix(m):
    g = G(m)
    if g["rel"].lower() == "past":
        g["rel"] = "last"
    return g


def _partfix(m):
    g = G(m)
    if g.get("part2"):
        g["part"] = g["part2"]
    if g.get("part3"):
        g["part"] = g["part3"]
    return g


def _wdfix(m):
    g = G(m)
    if g.get("wd2"):
        g["wd"] = g["wd2"][:-1]
    if g.get("wd3"):
        g["wd"], g["part"] = g["wd3"], g["parts"][:-1]
    return g


def _qcode(m, cx):
    y = m["y"]
    if m["h"]:
        if not y:
            return None  # "H1 2013-03-10": the year belongs to another expression
        y = int(y) if len(y) == 4 else year_num("'" + y.lstrip("'’"), cx)
        return R(f"{y:04d}-H{m['h']}")
    q = m["q"] or m["q2"]
    if y:
        y = int(y) if len(y) == 4 else year_num("'" + y.lstrip("'’"), cx)
        return R(f"{y:04d}-Q{q}")
    if cx.dct is None:
        return R(f"XXXX-Q{q}", anchor="document", explicit=False)
    y = cx.dct.year - (1 if 3 * int(q) - 2 > cx.dct.month else 0)
    return R(f"{y:04d}-Q{q}", anchor="document")


def _bare_duration(m, cx):
    unit = m["unit"]
    w = m.group(0).lower()
    if w == "quarters":
        return None  # "living quarters", "fourth quarters" (a set)
    if "recent" in w and unit.lower() == "years":
        return R("PAST_REF", anchor="document", explicit=False)
    if re.match(r"[\s-]+old\b", cx.text[cx.end:cx.end + 6]):
        return None  # "3.5 billion years old", "centuries-old": an age
    if w == "hours" and re.search(r"\b(?:early|small|wee|after)[\s-]+$", cx.text[max(0, cx.start - 8):cx.start], re.I):
        return None  # "in the early hours": a time of night; "after-hours trading"
    return R(duration_value(None, _unit_for_duration(unit)), "DURATION", explicit=False)


# ---------------------------------------------------------------------------
# modifiers
# ---------------------------------------------------------------------------
_DT = ("DATE", "TIME")
_DUR = ("DURATION",)
def _coarser_than_day(text, gran):
    """START/MID/END make sense for months, years, decades, not for 'late Monday'."""
    return gran not in ("day", "part_of_day", "hour", "minute", "second")


def _not_the_period(text, gran):
    """'over the past 20 years', 'within the next two weeks': a preposition, not a mod."""
    return not re.match(r"(?:the\s+)?(?:past|last|next|coming|first|previous|following)\b", text, re.I)


# (pattern before the expression, mod, types it applies to, condition(expr_text, granularity))
MODIFIERS_LEFT = [
    (r"(?:the\s+)?(?:very\s+)?(?:early|beginning\s+of|start\s+of|dawn\s+of|the\s+beginning\s+of|the\s+start\s+of)(?:\s+in)?(?:\s+|-)", "START", _DT, _coarser_than_day),
    (r"earlier\s+(?:in\s+)?", "START", _DT, lambda t, g: _coarser_than_day(t, g) and re.match(r"th(?:is|at)\b", t, re.I)),
    (r"(?:the\s+)?(?:mid|middle\s+of|the\s+middle\s+of)(?:\s+|-)", "MID", _DT, _coarser_than_day),
    (r"(?:the\s+)?(?:very\s+)?(?:late|end\s+of|the\s+end\s+of|close\s+of|the\s+close\s+of)(?:\s+in)?(?:\s+|-)", "END", _DT, _coarser_than_day),
    (r"later\s+(?:in\s+)?", "END", _DT, lambda t, g: _coarser_than_day(t, g) and re.match(r"th(?:is|at)\b", t, re.I)),
    (r"(?:about|around|approximately|roughly|circa|nearly|almost)\s+", "APPROX", _DT, None),
    (r"post-", "AFTER", ("DATE",), lambda t, g: t[:1].isdigit()),
    (r"pre-", "BEFORE", ("DATE",), lambda t, g: t[:1].isdigit()),
    (r"(?:more\s+than|upwards\s+of)\s+", "MORE_THAN", _DUR, None),
    (r"(?:less\s+than|under|fewer\s+than|nearly|almost|just\s+under)\s+", "LESS_THAN", _DUR, None),
    (r"(?:at\s+least|no\s+less\s+than|a\s+minimum\s+of)\s+", "EQUAL_OR_MORE", _DUR, None),
    (r"(?:at\s+most|up\s+to|no\s+more\s+than|a\s+maximum\s+of)\s+", "EQUAL_OR_LESS", _DUR, None),
    # signals: they set the mod but stay outside the span, as TimeML draws it
    (r"within\s+", "EQUAL_OR_LESS", _DUR, lambda t, g: _not_the_period(t, g) and "outside"),
    (r"(?:about|around|approximately|roughly|some|an\s+estimated)\s+", "APPROX", _DUR, None),
]
# words right before a day that shift it: (pattern ending at the expression, days)
SHIFT_LEFT = [
    (r"(?:the\s+)?day\s+before\s+", -1),
    (r"(?:the\s+)?day\s+after\s+", 1),
]

MODIFIERS_RIGHT = [
    (r"or\s+(?:later|after|beyond)|and\s+beyond|onwards?", "ON_OR_AFTER", _DT, None),
    (r"or\s+(?:earlier|before)", "ON_OR_BEFORE", _DT, None),
    (r"or\s+(?:so|thereabouts)", "APPROX", _DT + _DUR, None),
    (r"or\s+more|plus", "EQUAL_OR_MORE", _DUR, None),
    (r"or\s+less", "EQUAL_OR_LESS", _DUR, None),
]


# ---------------------------------------------------------------------------
# tense of the governing clause
# ---------------------------------------------------------------------------
_FUT = re.compile(r"\b(?:will|shall|won['’]t|['’]ll|going\s+to|gonna|plans?\s+to|schedul\w*|expected|"
                  r"expects?\s+to|plan(?:s|ned|ning)?\s+(?:to|for)|due|set\s+(?:to|for)|slated|is\s+to|are\s+to|intends?\s+to|upcoming|to\s+be\s+held|to\s+resume|to\s+meet|"
                  r"would|next|tomorrow|will\s+be|"
                  # the present of a schedule: "the summit opens on Monday", "voters go to the polls Sunday"
                  r"(?:begin|start|open|end|close|meet|resume|arrive|visit|return|kick|run|last|expire)s|takes?\s+place|"
                  r"go(?:es)?\s+to\s+the\s+polls|(?:is|are)\s+due)\b", re.I)
# not after "be" ("will be held") nor as an infinitive ("expected to hit", "will cut")
_PAST = re.compile(r"(?<!\bbe\s)(?<!\bto\s)(?<!\bwill\s)(?<!\bcan\s)(?<!\bmay\s)(?<!\bmust\s)(?<!\bwould\s)"
                   r"(?<!\bcould\s)(?<!\bshould\s)(?<!\bmight\s)(?<!['’]ll\s)\b(?:said|says?|was|were|had|did|told|announced|reported|added|(?-i:(?!(?:need|indeed|hundred|speed|seed|feed|breed|proceed|exceed|succeed|embed|shed|bleed)\b)[a-z]{3,}ed)|came|went|began|took|made|"
                   r"gave|got|left|met|held|won|lost|fell|rose|saw|spoke|wrote|became|broke|ran|sent|sold|paid|"
                   r"found|struck|killed|ago|yesterday|last|brought|bought|sought|caught|thought|fought|built|spent|"
                   r"kept|felt|meant|knew|grew|threw|drew|flew|chose|drove|shook|stood|stole|fled|hit|led|"
                   r"put|cut|set(?!\s+(?:to|for)\b)|sank|swore|wore|forgot|won|upheld|withdrew|overturned)\b", re.I)
_PLUPERFECT = re.compile(r"\bhad\s+(?:been\s+|already\s+)?$", re.I)
_PRESENT = re.compile(r"\b(?:is|are)\b", re.I)


_FUT_PREP = re.compile(r"(?:\b(?:by|until|till|ahead\s+of|as\s+(?:early|soon|late)\s+as|no\s+later\s+than|"
                       r"between\s+now\s+and|starting|effective|from\s+now\s+(?:until|to))\s+(?:on\s+)?)$", re.I)


_CLAUSE_END = re.compile(r"[.;!?\n]")
_CLAUSE_END_Q = re.compile(r"[.;!?\n]|['’]{2}|[\"”]")
_PAST_AUX = re.compile(r"\b(?:had|was|were|did)\b")


def tense(text: str, start: int, end: int) -> str | None:
    """Past/future/present of the clause around text[start:end], by the nearest verb cue."""
    left = text[max(0, start - 120):start]
    if _FUT_PREP.search(left[-30:]):
        clause = left[-60:] + " " + _CLAUSE_END.split(text[end:end + 120], maxsplit=1)[0]
        if not _PAST_AUX.search(clause):
            return "future"
    right = text[end:end + 120]
    # clause limits
    cut = max(left.rfind("."), left.rfind(";"), left.rfind("!"), left.rfind("?"), left.rfind("\n"))
    if cut >= 0:
        left = left[cut + 1:]
    mm = _CLAUSE_END_Q.search(right)
    if mm:
        # a closing quote ends the quoted clause: in '"... leave Thursday," he said'
        # the reporting verb after it is not the tense of the quotation
        right = right[:mm.start()]
    # a cue inside the expression's comma-bounded part of the clause wins: in "Osborne,
    # who will deliver it on Dec. 5, said ..." the relative clause's "will", not "said"
    comma = _COMMA.search(right)
    seg_left = left[left.rfind(", ") + 2:] if ", " in left else None
    seg_right = right[:comma.start()] if comma else None
    if seg_left is not None or seg_right is not None:
        found = _nearest_cue(seg_left if seg_left is not None else left,
                             seg_right if seg_right is not None else right)
        if found is not None:
            return _present_as(found, left, right)
    found = _nearest_cue(left, right)
    if found is None:
        return None
    return _present_as(found, left, right)


_COMMA = re.compile(r",(?!\d)")


def _present_as(found: str, left: str, right: str) -> str:
    if found == "present":
        # "says Friday" etc.: present reporting is past in news; look further for a future cue
        if _FUT.search(left) or _FUT.search(right):
            return "future"
    return found


def _nearest_cue(left: str, right: str) -> str | None:
    """The tense of the verb cue nearest the expression, before it (a slight
    preference) or after it."""
    best = None  # (distance, tense)
    for rx, name in ((_FUT, "future"), (_PAST, "past"), (_PRESENT, "present")):
        for mm in rx.finditer(left):
            dist = len(left) - mm.end()
            if best is None or dist < best[0]:
                # "had been scheduled to": a plan in the past
                n = "past" if name == "future" and _PLUPERFECT.search(left, 0, mm.start()) else name
                best = (dist, n)
        mm = rx.search(right)
        if mm:
            dist = mm.start() + 3  # slight preference for the verb before
            if best is None or dist < best[0]:
                n = "past" if name == "future" and _PLUPERFECT.search(right, 0, mm.start()) else name
                best = (dist, n)
    return best[1] if best is not None else None


# ---------------------------------------------------------------------------
# the happening an offset is anchored on ("the day after the election"): read at the end of
# the offset's span; ``head`` is the word that names it, looked for elsewhere in the text
# with a date of its own ("the election on 3 May", "Slepian was killed on Oct. 23")
# ---------------------------------------------------------------------------
EVENT_HEAD = re.compile(
    r"\s*(?:before|after|prior\s+to|following|ahead\s+of)\s+(?:(?:the|a|an|his|her|its|their|this|that)\s+)?"
    r"(?:(?-i:[A-Z])[\w.-]*(?:['’]s)?\s+|[\w-]+['’]s\s+)*(?:(?:was|were|had\s+been|has\s+been|is)\s+)?"
    r"(?P<head>[a-z][a-z-]{2,})"
    # a clause ("after his team was shut out"): its verb names the happening, not its subject
    r"(?:\s+(?:was|were|had|has|is|are)\s+(?:been\s+)?(?:\w+ly\s+)?(?P<verb>[a-z]{3,}))?", re.I)


# ---------------------------------------------------------------------------
# triggers: every rule's match contains a word of one of its kinds; the engine
# finds all triggers in one scan of the lower-cased text and runs each rule only
# in windows around its own triggers.
# ---------------------------------------------------------------------------
TRIGGER_WORDS = {
    "M": "january february march april may june july august september october november december"
         " jan feb mar apr jun jul aug sep sept oct nov dec",
    "W": "monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays"
         " fridays saturdays sundays mon tue tues wed thu thur thurs fri sat sun",
    "U": "second seconds minute minutes hour hours day days week weeks fortnight fortnights month months"
         " quarter quarters year years decade decades century centuries weekend weekends period periods"
         " half semester",
    "R": "today tonight yesterday tomorrow now current currently present presently recent recently lately"
         " past future soon someday nowadays moment previous former term overnight noon midnight midday"
         " morning afternoon evening night these",
    "N": "nineteen twenty thousand twenties thirties forties fifties sixties seventies eighties nineties",
    "Q": "spring summer fall autumn winter",
    "S": "daily nightly weekly monthly yearly annually hourly biweekly bimonthly semiannually",
    "H": "christmas new thanksgiving easter good independence labor labour memorial veterans halloween black cyber"
         " valentine boxing columbus presidents luther election",
    "A": "ago hence now today",                      # "two days ago", "a week from now"
    "L": "later earlier afterward afterwards before",  # "two days later"
    "F": "once twice thrice times",                  # "twice a week"
    "C": "century centuries",
    "K": "quarter quarters half period q1 q2 q3 q4",
    "T": "noon midnight midday morning afternoon evening night am pm a.m p.m",
    "O": "morning afternoon evening night mornings afternoons evenings nights tonight overnight",
    "Y": "fiscal fy",
    # ranks: "It's the second day of an offensive" (a small window around the rank)
    # narrow kinds for rules that need one frequent unit word, so that they skip the
    # windows of every other unit word ("U")
    "B": "year years",
    "V": "weekend weekends",
    "J": "hours",
    "G": "long",
    "P": "today tonight yesterday tomorrow",
    "e": "date",                                     # "a later date"
    "g": "every each per",                           # "every two weeks"
    "n": "end beginning start middle",               # "the end of the year", "year-end"
    "m": "earlier later early late mid middle",      # "earlier this month"
    "E": "before after prior following ahead",       # "two weeks before the vote"
    "I": "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth"
         " fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth",
}


# characters searched before / after a trigger of each kind (default 48 / 56): unit
# words end most of their expressions ("the past two months", "last week"), so
# little is needed after them
TRIGGER_MARGINS = {"U": (48, 28), "A": (48, 24), "L": (48, 24), "F": (8, 40), "I": (16, 20),
                   "B": (40, 16), "V": (32, 12), "J": (24, 40), "G": (24, 4), "P": (24, 24),
                   "e": (16, 4), "g": (4, 48), "n": (16, 28), "m": (4, 40),
                   "E": (40, 12)}


_APOS_S = re.compile(r"['’]s\b")
_NUMERIC_DATE_NEXT = re.compile(r"([/.-])[0-3]?\d\1\d")  # "12/25/1998": not "3.5" nor "1-800"
_CLOCK_NEXT = re.compile(r"\s*(?::\d|[ap]\.?m\b|in\s+the\b|o['’]clock|(?:(?:hrs|hours)\s+)?(?:gmt|utc|[ecmp][sd]t|bst|cet|cest)\b)"
                         r"|\.\d\d\s*[ap]\.?m\b", re.I)


# tokens of letters and digits that trigger rules ("FY2012", "FY12", "H1"), besides the
# digit-first ones; trigger_kinds() classifies them
TRIGGER_TOKENS = r"fy\d\d(?:\d\d)?|h[12]"


def trigger_kinds(token: str, text: str, end: int) -> str:
    """Kinds of a digit token ("1998", "1990s", "10am", "3q"), from its form and what
    follows it: Y for a possible year, Z for the first number of a numeric date ("12/25/1998", "25.12.98"),
    X for decades ("1990s", "'80s"), T for clock times ("10:35", "6 a.m."), K for
    quarter codes ("3Q"), D for ordinal days ("25th")."""
    if token[0].isalpha():
        return "K" if token[0] in "hH" else "Y"  # "H1 2012", "FY2012" (as written when lower() changed the text)
    k = ""
    nxt = text[end:end + 12]
    if len(token) == 4 and token[0] in "12" and token.isdigit():
        k += "Y"
    if _NUMERIC_DATE_NEXT.match(nxt):
        k += "Z"
    if token.endswith("0s") or (token.endswith("0") and _APOS_S.match(nxt)):
        k += "X"
    if token.endswith(("am", "pm")) or _CLOCK_NEXT.match(nxt):
        k += "T"
    if token.endswith("q"):
        k += "K"
    if token.endswith(("st", "nd", "rd", "th")) and len(token) <= 4:
        k += "D"
    return k


_KINDS = {
    "iso_date": "Y", "numeric_date": "Z", "weekday_month_day": "W", "month_day_year": "M",
    "day_month_year": "M", "month_day": "M", "nth_in_month": "M", "day_month": "M", "week_of": "M", "and_day": "M", "ordinal_day": "D", "month_year": "M", "month": "M",
    "year": "Y", "year_end": "n", "full_year": "B", "year_ended": "B", "year_period": "Y",
    "year_words": "N", "month_rel_year": "M", "half_of": "K", "rel_year_quarter": "K",
    "year_range": "Y", "month_range": "M", "day_range": "M", "decade": "XN", "century": "C",
    "quarter": "K", "quarter_code": "K", "the_quarter": "K", "year_earlier": "B", "fiscal_year": "B",
    "season": "Q", "holiday": "H", "clock": "T", "day_at_clock": "T", "day_part": "O", "part_day": "O", "part_of": "OJ",
    "this_part": "O", "deictic_day": "P", "ref": "R", "weekend": "V", "rel_unit": "U",
    "rel_mod": "m", "event_offset": "E", "rel_weekday": "W", "narr_weekday": "W", "rel_month": "M", "weekday": "W", "ago": "A", "later": "L",
    "next_day": "UO", "nth_day_of": "I", "duration": "U", "duration_bare": "U", "duration_unit_long": "G",
    "later_date": "e", "set_adverb": "S", "set_every": "g", "set_every_wd": "W", "set_each_month": "M", "set_freq": "F",
}
for _r in RULES:
    _r.kinds = _KINDS.get(_r.name, "")
