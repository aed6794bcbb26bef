"""Fuzzing the respondent form endpoints: malformed posts never give a 5xx or half a change.

Hypothesis throws generated submissions at the start and page endpoints of the open link
(``/s/<key>``) and of personal links (``/i/<token>``): tampered and unknown field names,
values outside the option lists, wrong types, over-long and control-character text, invalid
UTF-8 (raw bytes and ``%FF``), missing or foreign CSRF tokens, stale or garbage steps, posts to
finished interviews and closed surveys, expired links. A small model of the questionnaire of
:mod:`tests.collect_support` says what each post must do; the properties are:

* the status is never 5xx, and it is the one the model expects;
* a rejected post leaves the stored response (answers, page, status, step) exactly as it was;
* an accepted post stores exactly the page's valid answers and moves to the expected page.

Invalid UTF-8: Werkzeug alone would read ``%FF`` as the literal text ``%FF``, empty a whole
url-encoded form that holds raw bad bytes, and turn bad bytes of a multipart part into U+FFFD
(see :func:`bad_bytes`); ``research.encoding`` refuses all three with a 400 before any view
reads the form, and these tests hold it to that: nothing is stored.
"""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from research.extensions import db
from research.models.types import utcnow
from surveys.fieldwork.services import create_invitations
from surveys.models import RespondentInvitation, Response, Survey
from tests.collect_support import Respondent, hidden_fields, live_survey
from tests.fuzz_support import fuzz_examples

FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])
FORM = "application/x-www-form-urlencoded"
BOUNDARY = b"fuzz-boundary-7d1e"
MULTIPART = "multipart/form-data; boundary=" + BOUNDARY.decode()
TEXT_MAX, OTHER_MAX = 10_000, 255
CONTROL = {"csrf_token", "step", "action"}

#: Field names of each page of ``collect_support.QUESTIONS`` (as the page form names them).
PAGE_FIELDS = [
    {"CONSENT", "GENDER", "AGE", "BUYS"},
    {"BRANDS", "BRANDS_other", "RATE_r1", "RATE_r2", "RATE_r3"},
    {"OFFER", "COMMENT"},
]
#: Valid answers of the pages before each page (what the response holds when it gets there).
EARLIER = [
    {},
    {"CONSENT": 1, "GENDER": 2, "AGE": 34, "BUYS": 1},
    {"CONSENT": 1, "GENDER": 2, "AGE": 34, "BUYS": 1, "BRANDS_1": 1, "BRANDS_2": 0,
     "BRANDS_3": 1, "BRANDS_9": 0, "BRANDS_other": None, "RATE_r1": 3, "RATE_r2": 2,
     "RATE_r3": 1},
]
CHOICES = {"CONSENT": (1, 2), "GENDER": (1, 2), "BUYS": (1, 2), "BRANDS": (1, 2, 3, 9),
           "RATE_r1": (1, 2, 3), "RATE_r2": (1, 2, 3), "RATE_r3": (1, 2, 3), "OFFER": (1, 2)}
SINGLE = ("CONSENT", "GENDER", "BUYS", "RATE_r1", "RATE_r2", "RATE_r3", "OFFER")
TEXTS = {"COMMENT": TEXT_MAX, "BRANDS_other": OTHER_MAX}


class Long(str):
    """Long text with a short repr (hypothesis prints failing examples)."""

    def __repr__(self):
        return f"Long({self[:8]!r} ... {len(self)} chars)" if len(self) > 80 else super().__repr__()


class Body(bytes):
    def __repr__(self):
        return f"Body({bytes(self[:300])!r} ... {len(self)} bytes)" if len(self) > 300 \
            else super().__repr__()


# --- the model ----------------------------------------------------------------------------------

def clean_text(value: str) -> str | None:
    return value.strip() or None


#: Text a browser may send: anything but control characters (tabs and newlines are fine).
typed_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
    "\t\r\n"), max_size=40)


@st.composite
def long_text(draw, limit):
    """Text of up to ``limit`` characters (rarely right at the limit)."""
    if draw(st.booleans()):
        return draw(typed_text)
    return Long(draw(st.sampled_from("xё字 ")) * draw(st.integers(limit - 4, limit - 1)) + "y")


@st.composite
def valid_page(draw, page):
    """``(pairs, stored, outcome)``: a valid post of ``page``, what it stores and where it
    leads (``("page", index)`` or ``("status", final status)``)."""
    if page == 0:
        consent = draw(st.sampled_from([1, 1, 1, 2]))
        gender, buys = draw(st.sampled_from((1, 2))), draw(st.sampled_from((1, 2)))
        age = draw(st.integers(10, 99))
        age_text = draw(st.sampled_from([str(age), f" {age} ", f"+{age}"]))
        pairs = [("CONSENT", str(consent)), ("GENDER", str(gender)), ("AGE", age_text),
                 ("BUYS", str(buys))]
        stored = {"CONSENT": consent, "GENDER": gender, "AGE": age, "BUYS": buys}
        if consent == 2 or age < 18:
            outcome = ("status", "screened_out")
        else:
            outcome = ("page", 1 if buys == 1 else 2)
    elif page == 1:
        brands = draw(st.sets(st.sampled_from((1, 2, 3, 9)), min_size=1))
        other = draw(long_text(OTHER_MAX).filter(lambda t: t.strip())) if 9 in brands else ""
        rates = [draw(st.sampled_from((1, 2, 3))) for _ in range(3)]
        pairs = [("BRANDS", str(code)) for code in sorted(brands)]
        if other or draw(st.booleans()):
            pairs.append(("BRANDS_other", other))
        pairs += [(f"RATE_r{row}", str(rate)) for row, rate in enumerate(rates, 1)]
        stored = {f"BRANDS_{code}": int(code in brands) for code in (1, 2, 3, 9)}
        stored["BRANDS_other"] = clean_text(other)
        stored.update({f"RATE_r{row}": rate for row, rate in enumerate(rates, 1)})
        outcome = ("page", 2)
    else:
        offer = draw(st.sampled_from([None, 1, 2]))
        comment = draw(long_text(TEXT_MAX))
        pairs = [] if offer is None else [("OFFER", str(offer))]
        if comment or draw(st.booleans()):
            pairs.append(("COMMENT", comment))
        stored = {"OFFER": offer, "COMMENT": clean_text(comment)}
        outcome = ("status", "complete")
    draw(st.randoms()).shuffle(pairs)
    return pairs, stored, outcome


def not_an_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return True
    return False


#: Values that are no option code: other numbers, and text that is no number at all.
off_list = st.one_of(st.integers(-10**12, 10**12).filter(lambda n: n not in (1, 2, 3, 9))
                     .map(str), typed_text.filter(lambda t: t.strip() and not_an_int(t)))
def number_like(text: str) -> bool:
    """Whether a whole-number field might read ``text`` as a number (it drops the spaces
    between thousands: "12 500")."""
    squeezed = re.sub(r"[ \u00a0\u202f]", "", text.strip())
    return bool(re.fullmatch(r"[+-]?\d*([.,]\d*)?", squeezed))


#: Values that are no age between 10 and 99.
bad_age = st.one_of(st.sampled_from(["", "abc", "nan", "inf", "-inf", "1e400", "34.5", "0x22",
                                     "∞", "NaN", "3 4 5"]),
                    st.integers().filter(lambda n: not 10 <= n <= 99).map(str),
                    typed_text.filter(lambda t: not number_like(t)))


@st.composite
def malformed(draw, page, pairs):
    """A change that makes a valid post of ``page`` invalid: ``(pairs, kind)`` where kind is
    ``"unknown"`` (400: a name not on the page) or ``"invalid"`` (422: a wrong value)."""
    fields = PAGE_FIELDS[page]
    how = draw(st.sampled_from(["unknown", "off_list", "age", "too_long", "control",
                                "missing"]))
    if how == "unknown":
        name = draw(st.one_of(typed_text, st.sampled_from(
            ["CSRF_TOKEN", "Step", "AGE ", "BRANDS_1", "RATE_1", "RATE_r4", "GENDER[]",
             "answers", "__proto__", "COMMENT\x00", "ACTION"])))
        assume(name not in fields | CONTROL)
        at = draw(st.integers(0, len(pairs)))
        return pairs[:at] + [(name, draw(typed_text))] + pairs[at:], "unknown"
    if how == "off_list":
        names = [n for n in fields if n in CHOICES]
        name = draw(st.sampled_from(sorted(names)))
        kept = [(n, v) for n, v in pairs if n != name]
        return kept + [(name, draw(off_list))], "invalid"
    if how == "age" and page == 0:
        return [(n, v) for n, v in pairs if n != "AGE"] + [("AGE", draw(bad_age))], "invalid"
    if how in ("too_long", "control") and page > 0:
        name = "BRANDS_other" if page == 1 else "COMMENT"
        if how == "too_long":
            value = Long(draw(st.sampled_from("xё字")) * (TEXT_MAX if page == 2 else OTHER_MAX)
                         + "!")
        else:
            # Inside the text: the strip filter takes \x0b and \x1c-\x1f off the ends.
            value = "a" + draw(typed_text) + chr(draw(st.sampled_from([0, 1, 8, 11, 27, 31]))) + "z"
        kept = [(n, v) for n, v in pairs if n != name]
        if page == 1:  # the other text goes with its option
            kept = [(n, v) for n, v in kept if (n, v) != ("BRANDS", "9")] + [("BRANDS", "9")]
        return kept + [(name, value)], "invalid"
    # A required answer left out.
    required = {0: ["GENDER", "AGE", "BUYS", "CONSENT"], 1: ["BRANDS", "RATE_r2"],
                2: None}[page]
    if required is None:  # page 3 has no required question: send an option off the list
        return [(n, v) for n, v in pairs if n != "OFFER"] + [("OFFER", "3")], "invalid"
    name = draw(st.sampled_from(required))
    return [(n, v) for n, v in pairs if n != name], "invalid"


@st.composite
def bad_bytes(draw, pairs):
    """Invalid UTF-8 in a value or a name, sent three ways: ``(transport, byte pairs,
    expectation)``.

    Evidence of what Werkzeug 3 does with it:

    * raw bytes in an urlencoded body: the body fails to decode and the *whole form* is read
      as empty (``FormDataParser`` is silent), so the CSRF token is missing: 400;
    * ``%FF`` in an urlencoded body: ``parse_qsl(errors="werkzeug.url_quote")`` keeps the
      undecodable escape as the literal text ``%FF``;
    * raw bytes in a multipart body: decoded with U+FFFD in place of the bad bytes.

    Without ``research.encoding`` a bad name would be unknown (400), a bad option or number
    invalid (422), and free text would keep ``%FF`` or U+FFFD in place of what was typed. With
    it every such post is a 400 and nothing is stored.
    """
    transport = draw(st.sampled_from(["raw", "percent", "multipart"]))
    index = draw(st.integers(0, len(pairs) - 1))
    if transport == "percent":
        bad = draw(st.sampled_from([b"%FF", b"%C3", b"%ED%A0%80", b"%80%80", b"%F8%88"]))
    else:
        bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80",
                                    b"\xf8\x88\x80\x80\x80"]))
    in_name, before = draw(st.booleans()), draw(st.booleans())
    raw_pairs = []
    for position, (n, v) in enumerate(pairs):
        quote = (lambda x: quote_plus(x).encode()) if transport != "multipart" else str.encode
        key, val = quote(n), quote(v)
        if position == index:
            if in_name:
                key = key + bad
            else:
                val = bad + val if before else val + bad
        raw_pairs.append((key, val))
    return transport, raw_pairs, ("not_utf8", None)


def encode(pairs) -> bytes:
    return "&".join(f"{quote_plus(n)}={quote_plus(v)}" for n, v in pairs).encode()


# --- the lab: one respondent whose response is put on a page before each post -----------------

class Lab:
    """A started interview on one link; ``place`` sets its page, ``snapshot`` reads it."""

    def __init__(self, app, owner, survey, url, client):
        self.app, self.owner, self.survey, self.url = app, owner, survey, url
        self.client = client
        self.respondent = Respondent(client, url)
        assert self.respondent.start().status_code == 303
        self.csrf = hidden_fields(self.respondent.get().get_data(as_text=True))["csrf_token"]
        db.session.expire_all()
        self.response_id = db.session.scalars(
            db.select(Response.id).order_by(Response.id.desc())).first()
        self.variants = dict(self.response().variants)

    def response(self) -> Response:
        db.session.expire_all()
        return db.session.get(Response, self.response_id)

    def place(self, page: int, status: str = "in_progress") -> int:
        response = self.response()
        response.page_index = page
        response.status = status
        response.answers = {**self.variants, **EARLIER[page]}
        response.completed_at = utcnow() if status != "in_progress" else None
        db.session.commit()
        return self.response().step

    def snapshot(self) -> tuple:
        response = self.response()
        return (dict(response.answers), response.page_index, response.status, response.step,
                db.session.scalar(db.select(db.func.count(Response.id))))

    def post(self, body: bytes, *, content_type=FORM, path=""):
        return self.client.post(self.url + path, data=body, content_type=content_type)


@pytest.fixture
def owner(make_user):
    return make_user()


@pytest.fixture
def open_lab(app, client, owner):
    survey = live_survey(owner)
    return Lab(app, owner, survey, f"/s/{survey.public_key}", client)


@pytest.fixture
def personal_lab(app, client, owner):
    survey = live_survey(owner)
    [(invitation, token)] = create_invitations(survey, owner, ["fuzz"], max_uses=1)
    db.session.commit()
    return Lab(app, owner, survey, f"/i/{token}", client)


def assert_unchanged(lab, before, reply):
    assert reply.status_code < 500, reply.get_data(as_text=True)[:500]
    assert lab.snapshot() == before, reply.status_code


def assert_accepted(lab, before, stored, outcome, reply):
    assert reply.status_code == 303, reply.get_data(as_text=True)[:1000]
    answers, page, status, step, count = lab.snapshot()
    old_answers = before[0]
    page_answers = {name: answers.get(name) for name in stored}
    assert page_answers == stored
    assert {k: v for k, v in answers.items() if k in old_answers and k not in stored} == \
        {k: v for k, v in old_answers.items() if k not in stored}
    assert step > before[3] and count == before[4]
    if outcome[0] == "page":
        assert (page, status) == (outcome[1], "in_progress")
    else:
        assert status == outcome[1]


# --- page submits -------------------------------------------------------------------------------

STEP_GARBAGE = ["", "-1", "+1", " 1", "1 ", "01x", "1e3", "9" * 12, "0x1", "1.0", "NaN",
                "\u00a0", "٣"]
#: Digits to str.isdigit() but not to int(): see test_step_with_non_decimal_digits.
NON_DECIMAL_DIGITS = ["²", "¹²", "①", "3²"]


@st.composite
def page_post(draw, lab_kind):
    """One post to the current page: ``(page, state, raw body, expectation)``."""
    page = draw(st.integers(0, 2))
    pairs, stored, outcome = draw(valid_page(page))
    expectation = ("accept", (stored, outcome))
    kind = draw(st.sampled_from(["valid", "malformed", "malformed", "bytes", "csrf", "step",
                                 "back", "finished", "closed"]
                                + (["later"] if lab_kind == "open" else [])))
    state = "finished" if kind == "finished" else "closed" if kind == "closed" else "live"
    csrf = step = action = True
    body = None
    if kind == "malformed":
        pairs, bad = draw(malformed(page, pairs))
        expectation = (bad, None)
    elif kind == "bytes":
        pairs = pairs or [("COMMENT", "")]  # page 3 left blank: still a field to spoil
        body = draw(bad_bytes(pairs))
        expectation = body[2]
    elif kind == "csrf":
        csrf = draw(st.sampled_from([None, "", "garbage", "x" * 5000, "forged"]))
        expectation = ("csrf", None)
    elif kind == "step":
        step = draw(st.one_of(st.sampled_from(STEP_GARBAGE + ["stale", "ahead"]), typed_text
                              .filter(lambda t: not (t.isdigit() and not t.isdecimal()))))
        expectation = ("repeat", None)
    elif kind == "back":
        action = "back"
        expectation = ("back", None)
    elif kind == "later":
        action = "later"
        expectation = ("later", (stored,))
    elif kind in ("finished", "closed"):
        expectation = (kind, None)
        if draw(st.booleans()):
            pairs, _ = draw(malformed(page, pairs))
    if draw(st.booleans()) and action is True:
        action = "omitted"  # Enter in a text field sends no button
    return page, state, (pairs, body, csrf, step, action), expectation


def build_body(lab, current_step, pairs, body, csrf, step, action) -> bytes:
    control = []
    if csrf is True:
        control.append(("csrf_token", lab.csrf))
    elif csrf == "forged":
        control.append(("csrf_token", lab.csrf[:-4] + ("AAAA" if lab.csrf[-4:] != "AAAA"
                                                        else "BBBB")))
    elif csrf is not None:
        control.append(("csrf_token", csrf))
    if step is True:
        control.append(("step", str(current_step)))
    elif step == "stale":
        control.append(("step", str(current_step - 1)))
    elif step == "ahead":
        control.append(("step", str(current_step + 1)))
    else:
        control.append(("step", step))
    if action is True:
        control.append(("action", "next"))
    elif action != "omitted":
        control.append(("action", action))
    if body is None:
        return FORM, encode(control + pairs)
    transport, raw_pairs, _ = body
    if transport != "multipart":
        rest = b"&".join(key + b"=" + value for key, value in raw_pairs)
        return FORM, encode(control) + (b"&" + rest if rest else b"")
    every = [(n.encode(), v.encode()) for n, v in control] + raw_pairs
    return MULTIPART, Body(b"".join(
        b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="' + key + b'"\r\n\r\n'
        + value + b"\r\n" for key, value in every) + b"--" + BOUNDARY + b"--\r\n")


def check_page_post(lab, drawn):
    page, state, (pairs, body, csrf, step, action), (expect, detail) = drawn
    if expect == "repeat" and isinstance(step, str) and step not in ("stale", "ahead"):
        expect_same = step.isascii() and step.isdigit()  # a garbage step could be the real one
        assume(not expect_same)
    current = lab.place(page, "complete" if state == "finished" else "in_progress")
    if state == "closed":
        lab.survey = db.session.get(Survey, lab.survey.id)
        lab.survey.status = "closed"
        db.session.commit()
        current = lab.response().step
    try:
        before = lab.snapshot()
        content_type, data = build_body(lab, current, pairs, body, csrf, step, action)
        reply = lab.post(data, content_type=content_type)
        assert reply.status_code < 500, reply.get_data(as_text=True)[:2000]
        if expect == "csrf":
            assert reply.status_code == 400
            assert_unchanged(lab, before, reply)
        elif expect == "closed":
            assert reply.status_code == 410
            assert_unchanged(lab, before, reply)
        elif expect in ("finished", "repeat"):
            assert reply.status_code == 303
            assert_unchanged(lab, before, reply)
        elif expect in ("unknown", "not_utf8"):
            assert reply.status_code == 400
            assert_unchanged(lab, before, reply)
        elif expect == "invalid":
            assert reply.status_code == 422, reply.status_code
            assert_unchanged(lab, before, reply)
        elif expect == "accept":
            assert_accepted(lab, before, *detail, reply)
        elif expect == "back":
            assert reply.status_code in (303, 400)
            if reply.status_code == 303:
                answers, new_page, status, new_step, count = lab.snapshot()
                assert answers == before[0] and status == "in_progress"
                assert new_page == {0: 0, 1: 0, 2: 1}[page] and count == before[4]
        elif expect == "later":  # kept when valid; then the continue-later page (a GET)
            assert reply.status_code == 303
            answers, new_page, status, new_step, count = lab.snapshot()
            assert new_page == page and status == "in_progress"
            assert {n: answers.get(n) for n in detail[0]} == detail[0]
    finally:
        if state == "closed":
            lab.survey = db.session.get(Survey, lab.survey.id)
            lab.survey.status = "live"
            db.session.commit()


@settings(max_examples=fuzz_examples(800), **FUZZ)
@given(drawn=page_post("open"))
def test_open_link_page_submits(open_lab, drawn):
    check_page_post(open_lab, drawn)


@settings(max_examples=fuzz_examples(500), **FUZZ)
@given(drawn=page_post("personal"))
def test_personal_link_page_submits(personal_lab, drawn):
    check_page_post(personal_lab, drawn)


# --- starts -------------------------------------------------------------------------------------

NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@st.composite
def start_post(draw):
    """A start form post: ``(pairs or raw body, csrf, nonce valid?, language)``."""
    nonce = draw(st.one_of(st.from_regex(NONCE, fullmatch=True), typed_text,
                           st.sampled_from(["", "a" * 15, "a" * 65, "a" * 16 + "\ufffd",
                                            "ё" * 20])))
    language = draw(st.one_of(st.sampled_from(["en", "ru", "", "de", "x" * 9]), typed_text))
    csrf = draw(st.sampled_from([True, True, True, None, "garbage"]))
    extra = draw(st.lists(st.tuples(typed_text, typed_text), max_size=2))
    raw = draw(st.sampled_from([None, None, b"\xff", b"%FF"]))
    return nonce, language, csrf, extra, raw


def start_expectation(nonce, language, csrf, raw):
    if raw is not None:  # not UTF-8: refused before the CSRF check (research.encoding)
        return "not_utf8"
    if csrf is not True:
        return "csrf"
    valid = bool(NONCE.fullmatch(nonce)) and len(language) <= 8 and raw is None
    return "start" if valid else "invalid"


def start_body(lab, nonce, language, csrf, extra, raw) -> bytes:
    pairs = ([("csrf_token", lab.csrf)] if csrf is True else [] if csrf is None
             else [("csrf_token", csrf)])
    body = encode(pairs + [("language", language)] + extra)
    nonce_part = b"nonce=" + quote_plus(nonce).encode() + (raw or b"")
    return nonce_part + b"&" + body


@settings(max_examples=fuzz_examples(450), **FUZZ)
@given(drawn=start_post())
def test_open_link_starts(open_lab, drawn):
    nonce, language, csrf, extra, raw = drawn
    assume(all(name not in ("nonce", "language", "csrf_token") for name, _ in extra))
    lab = open_lab
    expect = start_expectation(nonce, language, csrf, raw)
    closed = nonce.startswith("A")  # some starts go to a closed survey
    if closed:
        survey = db.session.get(Survey, lab.survey.id)
        survey.status = "closed"
        db.session.commit()
    try:
        count = lab.snapshot()[4]
        reply = lab.post(start_body(lab, nonce, language, csrf, extra, raw), path="/start")
        assert reply.status_code < 500, reply.get_data(as_text=True)[:2000]
        db.session.expire_all()
        made = db.session.scalar(db.select(db.func.count(Response.id)))
        if expect in ("csrf", "not_utf8"):
            assert (reply.status_code, made) == (400, count)
        elif closed:
            assert (reply.status_code, made) == (410, count)
        elif expect == "invalid":
            assert (reply.status_code, made) == (422, count)
        else:
            assert reply.status_code == 303
            assert made in (count, count + 1)  # a repeated nonce finds its interview
            again = lab.post(start_body(lab, nonce, language, csrf, extra, raw), path="/start")
            assert again.status_code == 303
            assert db.session.scalar(db.select(db.func.count(Response.id))) == made
    finally:
        if closed:
            survey = db.session.get(Survey, lab.survey.id)
            survey.status = "live"
            db.session.commit()


@pytest.fixture
def link_lab(app, client, owner):
    """A survey with personal links; each example makes its own link."""
    survey = live_survey(owner)
    page = client.get(f"/s/{survey.public_key}")  # a CSRF token for this client's session
    return survey, hidden_fields(page.get_data(as_text=True))["csrf_token"]


@settings(max_examples=fuzz_examples(300), **FUZZ)
@given(drawn=start_post(), window=st.sampled_from(["valid", "valid", "expired", "not_yet",
                                                   "used_up", "closed"]))
def test_personal_link_starts(link_lab, owner, client, drawn, window):
    nonce, language, csrf, extra, raw = drawn
    assume(all(name not in ("nonce", "language", "csrf_token") for name, _ in extra))
    survey, token_csrf = link_lab
    now = utcnow()
    valid_from = now + timedelta(days=1) if window == "not_yet" else now - timedelta(days=2)
    valid_until = now - timedelta(days=1) if window == "expired" else now + timedelta(days=2)
    survey = db.session.get(Survey, survey.id)
    [(invitation, token)] = create_invitations(survey, owner, [uuid.uuid4().hex],
                                               valid_from=valid_from, valid_until=valid_until)
    if window == "used_up":
        invitation.uses = invitation.max_uses
    survey.status = "closed" if window == "closed" else "live"
    db.session.commit()
    lab = type("L", (), {"csrf": token_csrf})
    expect = start_expectation(nonce, language, csrf, raw)
    count = db.session.scalar(db.select(db.func.count(Response.id)))
    reply = client.post(f"/i/{token}/start", data=start_body(lab, nonce, language, csrf, extra,
                                                              raw), content_type=FORM)
    assert reply.status_code < 500, reply.get_data(as_text=True)[:2000]
    db.session.expire_all()
    made = db.session.scalar(db.select(db.func.count(Response.id)))
    uses = db.session.get(RespondentInvitation, invitation.id).uses
    if expect in ("csrf", "not_utf8"):
        assert (reply.status_code, made) == (400, count)
    elif expect == "invalid":
        assert (reply.status_code, made) == (422, count)
    elif window in ("expired", "not_yet", "closed"):
        assert (reply.status_code, made, uses) == (410, count, 0)
    elif window == "used_up":
        assert (reply.status_code, made) == (303, count)
    else:
        assert (reply.status_code, made, uses) == (303, count + 1, 1)
    survey.status = "live"
    db.session.commit()


# --- found by the fuzzing (fixed in surveys/collect/pages.py) ------------------------------------

@pytest.mark.parametrize("step", NON_DECIMAL_DIGITS)
def test_step_with_non_decimal_digits_is_a_repeat(open_lab, step):
    current = open_lab.place(0)
    before = open_lab.snapshot()
    reply = open_lab.post(build_body(open_lab, current, [("GENDER", "1")], None, True, step,
                                     True)[1])
    assert reply.status_code == 303
    assert_unchanged(open_lab, before, reply)


VALID_FIRST_PAGE = [("CONSENT", "1"), ("GENDER", "2"), ("AGE", "40"), ("BUYS", "1")]


@pytest.mark.parametrize("action", ["zzz", "NEXT", "next\ufffd", "back ", "%FF"])
def test_an_unknown_action_is_refused(open_lab, action):
    current = open_lab.place(0)
    before = open_lab.snapshot()
    reply = open_lab.post(build_body(open_lab, current, VALID_FIRST_PAGE, None, True, True,
                                     action)[1])
    assert reply.status_code == 400
    assert_unchanged(open_lab, before, reply)


def test_later_on_a_personal_link_is_refused(personal_lab):
    current = personal_lab.place(0)
    before = personal_lab.snapshot()
    reply = personal_lab.post(build_body(personal_lab, current, VALID_FIRST_PAGE, None, True,
                                         True, "later")[1])
    assert reply.status_code == 400
    assert_unchanged(personal_lab, before, reply)
