"""Synthetic but plausible responses for the demo study's closed wave, so analysis has data.

The answers follow the questionnaire's logic (screening, sections shown only to coffee buyers
or to those aware of Bodroe Utro, the NPS reason only for scores up to 8, the A/B price test)
and carry deliberate patterns a researcher can find: Kazan likes Bodroe Utro more than Moscow,
breakfast buyers are more loyal (hypothesis H2), the cheaper offer sells better, and the sample
over-represents women and Moscow (so weighting to the population matters).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from research.extensions import db
from surveys.models import Response

FIELDWORK_START = datetime(2026, 10, 5, 7, 0, tzinfo=timezone.utc)
REASONS = [
    "Долго ждать заказ по утрам", "Дороговато для каждого дня", "Кофе вкусный, но очередь",
    "Нет нормальных завтраков", "Иногда путают заказ", "Неудобное приложение",
    "Хорошо, но у дома есть Cofix дешевле", "Бариста приветливые, но медленно",
    "Long queue in the morning", "Too expensive for every day",
]


def _age_band(age: int) -> int:
    return 1 if age < 25 else 2 if age < 35 else 3 if age < 45 else 4 if age < 55 else 5


def demo_answers(rng: random.Random) -> dict:
    """One complete interview's answers, keyed by variable name (skipped ones are None)."""
    city = rng.choices([1, 2, 3], [62, 34, 4])[0]
    gender = rng.choices([1, 2], [38, 62])[0]
    age = rng.randint(18, 55)
    freq = rng.choices([1, 2, 3, 4, 5], [30, 35, 18, 12, 5])[0]
    buyer = freq != 5
    answers = {"CONSENT": 1, "CITY": city, "FREQ": freq, "AGE_EXACT": age, "GENDER": gender,
               "AGE": _age_band(age), "REGION": {1: 1, 2: 3}.get(city, 4),
               "INCOME": rng.choices([1, 2, 3, 4, 5, 6], [4, 14, 33, 30, 9, 10])[0],
               "EDUCATION": rng.choices([1, 2, 3, 4, 5], [8, 22, 12, 52, 6])[0],
               "HHSIZE": rng.choices([1, 2, 3, 4, 5], [18, 32, 26, 17, 7])[0]}
    aware = {brand: int(rng.random() < share) for brand, share in
             zip(range(1, 6), (0.78 if city == 1 else 0.9, 0.7, 0.55, 0.62, 0.35))}
    breakfast = rng.random() < 0.35
    if buyer:
        if not any(aware.values()):
            aware[1] = 1
        answers.update({f"AWARE_{brand}": known for brand, known in aware.items()})
        known = [brand for brand, flag in aware.items() if flag]
        answers["USED"] = rng.choice(known)
        speed_bias = 1 if age < 30 else 0
        answers.update({
            "IMPORT_r1": min(5, rng.choices([2, 3, 4, 5], [10, 25, 40, 25])[0] + speed_bias),
            "IMPORT_r2": rng.choices([1, 2, 3, 4, 5], [5, 15, 35, 30, 15])[0],
            "IMPORT_r3": rng.choices([2, 3, 4, 5], [5, 20, 45, 30])[0],
            "IMPORT_r4": rng.choices([1, 2, 3, 4, 5], [5, 10, 30, 35, 20])[0],
            "IMPORT_r5": min(5, rng.choices([1, 2, 3, 4, 5], [15, 25, 30, 20, 10])[0]
                             + (1 if breakfast else 0))})
        ranks = rng.sample([1, 2, 3, 4], 4)
        answers.update({f"RANK_{item}": rank for item, rank in zip(range(1, 5), ranks)})
        pastry, meal = rng.choice([0, 10, 20, 30]), (rng.choice([20, 30, 40]) if breakfast else 0)
        other = rng.choice([0, 0, 10])
        answers.update({"SPEND_1": 100 - pastry - meal - other, "SPEND_2": pastry,
                        "SPEND_3": meal, "SPEND_4": other})
    else:
        answers.update({f"AWARE_{brand}": None for brand in range(1, 6)})
        answers.update({name: None for name in (
            "USED", "IMPORT_r1", "IMPORT_r2", "IMPORT_r3", "IMPORT_r4", "IMPORT_r5",
            "RANK_1", "RANK_2", "RANK_3", "RANK_4", "SPEND_1", "SPEND_2", "SPEND_3",
            "SPEND_4")})
    if answers.get("AWARE_1") == 1:
        loyalty = 0.9 if city == 2 else 0.0
        loyalty += 1.1 if breakfast else 0.0
        score = round(min(10, max(0, rng.gauss(6.6 + loyalty, 2.1))))
        answers["NPS"] = score
        answers["NPS_WHY"] = rng.choice(REASONS) if score <= 8 and rng.random() < 0.8 else None
        answers.update({"IMAGE_1": rng.choices(range(1, 8), [3, 8, 15, 25, 25, 15, 9])[0],
                        "IMAGE_2": rng.choices(range(1, 8), [10, 18, 22, 20, 15, 10, 5])[0],
                        "IMAGE_3": rng.choices(range(1, 8), [5, 10, 20, 30, 20, 10, 5])[0]})
    else:
        answers.update({"NPS": None, "NPS_WHY": None, "IMAGE_1": None, "IMAGE_2": None,
                        "IMAGE_3": None})
    price = rng.choice([1, 2])
    answers["PRICE_TEST"] = price
    answers["INTENT"] = rng.choices([1, 2, 3, 4, 5], [6, 12, 24, 36, 22] if price == 1
                                    else [12, 20, 30, 26, 12])[0]
    return answers


def add_demo_responses(survey, count: int = 640, seed: int = 2026) -> None:
    """Add ``count`` complete interviews (and a few screen-outs) to the published ``survey``."""
    version = survey.published_version
    names = [variable["name"] for variable in version.variables]
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        answers = dict.fromkeys(names)
        answers.update(demo_answers(rng))
        completed = FIELDWORK_START + timedelta(days=rng.randint(0, 20),
                                                minutes=rng.randint(0, 14 * 60))
        minutes = max(3.0, rng.gauss(8.5, 2.5))
        channel = rng.choices(["web", "phone", "face_to_face"], [80, 15, 5])[0]
        rows.append(Response(
            survey_id=survey.id, version_id=version.id, status="complete", channel=channel,
            language="en" if rng.random() < 0.08 else "ru", answers=answers,
            variants={"PRICE_TEST": answers["PRICE_TEST"]}, page_index=0,
            started_at=completed - timedelta(minutes=minutes), completed_at=completed,
            updated_at=completed))
    for index in range(count // 12):  # under-18s, screened out by AGE_EXACT
        started = FIELDWORK_START + timedelta(days=rng.randint(0, 20))
        rows.append(Response(
            survey_id=survey.id, version_id=version.id, status="screened_out", channel="web",
            language="ru", answers={"CONSENT": 1, "CITY": 1, "FREQ": 2,
                                    "AGE_EXACT": rng.randint(14, 17)},
            variants={}, end_cause="AGE_EXACT", started_at=started,
            completed_at=started + timedelta(minutes=1), updated_at=started))
    db.session.add_all(rows)
    db.session.flush()
