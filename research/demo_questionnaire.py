"""The demo survey's questionnaire: a realistic coffee-to-go study in Russian and English.

It uses every kind of logic a newcomer should see: a consent gate, screening,
a shared brand list, relevance, piping, a grid, a ranking, a constant sum, a
semantic differential, an NPS with its reason, an A/B price test and the
standard demographics block.
"""
from surveys.builder.standard_blocks import DEMOGRAPHICS
from surveys.definition import new_definition


def _t(ru, en):
    return {"ru": ru, "en": en}


def _opt(code, ru, en, **settings):
    option = {"code": code, "label": _t(ru, en)}
    if settings:
        option["settings"] = settings
    return option


def _q(variable, type_, ru, en, options=(), rows=(), **settings):
    return {"variable": variable, "type": type_, "text": _t(ru, en), "settings": settings,
            "options": list(options), "rows": list(rows)}


BRANDS = [_opt(1, "Бодрое утро", "Bodroe Utro"), _opt(2, "Кофемания", "Coffeemania"),
          _opt(3, "Шоколадница", "Shokoladnitsa"), _opt(4, "Cofix", "Cofix"),
          _opt(5, "Surf Coffee", "Surf Coffee")]

FREQUENCY = [_opt(1, "Каждый день", "Every day"), _opt(2, "Несколько раз в неделю",
                                                       "Several times a week"),
             _opt(3, "Раз в неделю", "Once a week"), _opt(4, "Реже", "Less often"),
             _opt(5, "Не покупаю", "Never")]

QUESTIONS = [
    _q("S0", "section", "Добро пожаловать", "Welcome"),
    _q("CONSENT", "consent", "Мы проводим исследование о покупке кофе с собой. Ответы "
       "анонимны и используются только в обобщённом виде. Согласны принять участие?",
       "We are studying how people buy coffee to go. Answers are anonymous and only used in "
       "aggregate. Do you agree to take part?"),
    _q("S1", "section", "Несколько вопросов о вас", "A few questions about you"),
    _q("CITY", "single_choice", "В каком городе вы живёте?", "Which city do you live in?",
       [_opt(1, "Москва", "Moscow"), _opt(2, "Казань", "Kazan"),
        _opt(3, "Другой город", "Another city")], required=True),
    _q("FREQ", "single_choice", "Как часто в будни утром вы покупаете кофе с собой?",
       "How often do you buy coffee to go on a weekday morning?", FREQUENCY, required=True),
    _q("AGE_EXACT", "numeric", "Сколько вам полных лет?", "How old are you?", required=True,
       integer=True, min=14, max=99, screen_out="${AGE_EXACT} < 18",
       constraint=". < 100", constraint_message=_t("Проверьте возраст.", "Check the age.")),
    _q("S2", "section", "Кофейни", "Coffee shops", relevant="${FREQ} != 5"),
    _q("AWARE", "multiple_choice", "Какие из этих кофеен вы знаете?",
       "Which of these coffee shops do you know?", required=True, option_list="brands",
       randomize="shuffle"),
    _q("USED", "single_choice", "В какой кофейне вы чаще всего покупаете кофе утром?",
       "Where do you buy coffee most often in the morning?", required=True,
       option_list="brands"),
    _q("S2B", "section", "О «Бодром утре»", "About Bodroe Utro",
       relevant="selected(${AWARE}, '1')"),
    _q("NPS", "nps", "Насколько вероятно, что вы порекомендуете {brand} другу или коллеге?",
       "How likely is it that you would recommend {brand} to a friend or colleague?",
       required=True, subject=_t("«Бодрое утро»", "Bodroe Utro")),
    _q("S2C", "section", "Ваша оценка", "Your score", relevant="${NPS} <= 8"),
    _q("NPS_WHY", "long_text", "Почему вы поставили ${NPS} из 10?",
       "Why did you give a score of ${NPS} out of 10?"),
    _q("S3", "section", "Что важно утром", "What matters in the morning",
       relevant="${FREQ} != 5"),
    _q("IMPORT", "grid", "Насколько для вас важно…", "How important to you is…",
       [_opt(1, "Совсем не важно", "Not at all important"), _opt(2, "Не очень важно",
                                                                 "Not very important"),
        _opt(3, "Умеренно важно", "Moderately important"), _opt(4, "Очень важно",
                                                                "Very important"),
        _opt(5, "Крайне важно", "Extremely important")],
       [_opt(1, "Скорость обслуживания", "Speed of service"), _opt(2, "Цена", "Price"),
        _opt(3, "Вкус кофе", "Taste of the coffee"), _opt(4, "Близость к дому или работе",
                                                          "Close to home or work"),
        _opt(5, "Завтраки", "Breakfast range")], required=True, randomize_rows="shuffle"),
    _q("RANK", "ranking", "Расставьте по важности причины выбрать кофейню (1 — самая важная).",
       "Rank the reasons for choosing a coffee shop (1 = most important).",
       rows=[_opt(1, "Быстро", "Fast"), _opt(2, "Недорого", "Cheap"),
             _opt(3, "Вкусно", "Tasty"), _opt(4, "По пути", "On my way")], required=True),
    _q("SPEND", "constant_sum", "Как вы распределяете 100 рублей утренних трат?",
       "How do you split 100 roubles of morning spending?",
       rows=[_opt(1, "Кофе", "Coffee"), _opt(2, "Выпечка", "Pastry"),
             _opt(3, "Завтрак", "Breakfast"), _opt(4, "Другое", "Other")], total=100),
    _q("IMAGE", "semantic_differential", "Какой вам кажется «Бодрое утро»?",
       "How does Bodroe Utro seem to you?",
       rows=[{"code": 1, "label": {}, "settings": {
                  "label_left": _t("Дешёвое", "Cheap"), "label_right": _t("Дорогое",
                                                                         "Expensive")}},
             {"code": 2, "label": {}, "settings": {
                  "label_left": _t("Медленное", "Slow"), "label_right": _t("Быстрое",
                                                                          "Fast")}},
             {"code": 3, "label": {}, "settings": {
                  "label_left": _t("Скучное", "Boring"), "label_right": _t("Модное",
                                                                          "Trendy")}}],
       points=7, relevant="selected(${AWARE}, '1')"),
    _q("S4", "section", "Новое предложение", "A new offer"),
    _q("PRICE_TEST", "randomizer", "Тест цены завтрака", "Breakfast price test",
       [_opt(1, "Цена 249 ₽", "Price 249 RUB"), _opt(2, "Цена 299 ₽", "Price 299 RUB")]),
    _q("OFFER_A", "instruction", "Представьте: кофе и сырник за 249 ₽, готово за 2 минуты.",
       "Imagine: a coffee and a cheesecake for 249 RUB, ready in 2 minutes.",
       relevant="${PRICE_TEST} = 1"),
    _q("OFFER_B", "instruction", "Представьте: кофе и сырник за 299 ₽, готово за 2 минуты.",
       "Imagine: a coffee and a cheesecake for 299 RUB, ready in 2 minutes.",
       relevant="${PRICE_TEST} = 2"),
    _q("INTENT", "likert", "Я бы купил(а) такое предложение.", "I would buy this offer.",
       points=5, required=True),
    _q("S5", "section", "О вас", "About you"),
] + [dict(spec) for spec in DEMOGRAPHICS]


def demo_definition():
    document = new_definition(_t("Кофе с собой: утренние покупки", "Coffee to go in the morning"),
                              ["ru", "en"], "ru")
    document["settings"] = {
        "welcome": _t("Спасибо, что помогаете нам стать лучше! Опрос займёт около 7 минут.",
                      "Thank you for helping us improve! The survey takes about 7 minutes."),
        "thank_you": _t("Спасибо за ваши ответы!", "Thank you for your answers!"),
        "screened_out": _t("Спасибо! К сожалению, этот опрос не для вас.",
                           "Thank you! Unfortunately this survey is not for you."),
    }
    document["option_lists"] = {"brands": BRANDS}
    document["questions"] = QUESTIONS
    return document
