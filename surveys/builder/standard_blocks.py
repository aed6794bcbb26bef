"""Built-in standard blocks of the question library (English and Russian).

Variable names are suggestions: inserting a block renames any that are taken.
"""
from flask_babel import lazy_gettext as _l


def _t(en, ru):
    return {"en": en, "ru": ru}


def _options(*pairs, start=1, **flags_by_code):
    options = []
    for code, (en, ru) in enumerate(pairs, start=start):
        option = {"code": code, "label": _t(en, ru)}
        if code in flags_by_code.get("exclusive", ()):
            option["settings"] = {"exclusive": True}
        if code in flags_by_code.get("other", ()):
            option["settings"] = {"other": True}
        options.append(option)
    return options


def _q(variable, type_, en, ru, options=(), rows=(), **settings):
    settings.setdefault("required", type_ not in ("instruction", "section"))
    return {"variable": variable, "type": type_, "text": _t(en, ru), "settings": settings,
            "options": list(options), "rows": list(rows)}


DONT_KNOW = ("Don't know", "Затрудняюсь ответить")

DEMOGRAPHICS = [
    _q("GENDER", "single_choice", "What is your gender?", "Укажите ваш пол.",
       _options(("Male", "Мужской"), ("Female", "Женский"))),
    _q("AGE", "single_choice", "How old are you?", "Сколько вам лет?",
       _options(("18–24", "18–24"), ("25–34", "25–34"), ("35–44", "35–44"),
                ("45–54", "45–54"), ("55–64", "55–64"), ("65 or older", "65 и старше"))),
    _q("REGION", "single_choice", "Where do you live?", "Где вы живёте?",
       _options(("Moscow", "Москва"), ("Saint Petersburg", "Санкт-Петербург"),
                ("Another city over 1 million", "Другой город-миллионник"),
                ("City of 100,000 – 1 million", "Город от 100 тыс. до 1 млн"),
                ("Smaller town", "Город до 100 тыс."), ("Village", "Село")),
       display="dropdown"),
    _q("INCOME", "single_choice",
       "Which statement describes your household's finances best?",
       "Какое утверждение лучше всего описывает материальное положение вашей семьи?",
       _options(("We struggle to afford food", "Денег не хватает даже на еду"),
                ("Food yes, clothes are hard", "На еду хватает, одежда — с трудом"),
                ("Food and clothes, but not durables",
                 "На еду и одежду хватает, на технику — нет"),
                ("Durables yes, a car would be hard",
                 "Можем купить технику, но не автомобиль"),
                ("We can afford almost anything", "Можем позволить себе почти всё"),
                ("Prefer not to say", "Предпочитаю не отвечать"))),
    _q("EDUCATION", "single_choice", "What is your highest completed education?",
       "Какое у вас образование?",
       _options(("Secondary or lower", "Среднее или ниже"),
                ("Vocational", "Среднее специальное"),
                ("Incomplete higher", "Неоконченное высшее"), ("Higher", "Высшее"),
                ("Postgraduate degree", "Учёная степень"))),
    _q("HHSIZE", "numeric", "How many people, including you, live in your household?",
       "Сколько человек, включая вас, живёт в вашем домохозяйстве?", integer=True, min=1,
       max=20),
]

NPS_BLOCK = [
    _q("NPS", "nps", "How likely is it that you would recommend {brand} to a friend or "
       "colleague?", "Насколько вероятно, что вы порекомендуете {brand} другу или коллеге?",
       subject=_t("our company", "нашу компанию")),
    _q("NPS_WHY", "long_text", "What is the main reason for your score?",
       "Почему вы поставили такую оценку?", required=False),
]

CSAT = [
    _q("CSAT", "rating", "Overall, how satisfied are you with our service?",
       "В целом насколько вы удовлетворены нашим сервисом?", points=5,
       label_low=_t("Very dissatisfied", "Совсем не удовлетворён(а)"),
       label_high=_t("Very satisfied", "Полностью удовлетворён(а)")),
]

CES = [
    _q("CES", "likert", "The company made it easy for me to handle my issue.",
       "Компания позволила мне легко решить мой вопрос.", points=7),
]

CHURN = [
    _q("CHURN", "multiple_choice", "Why did you stop using the service?",
       "Почему вы перестали пользоваться услугой?",
       _options(("Price too high", "Слишком высокая цена"),
                ("Found a better alternative", "Нашёл(ла) вариант лучше"),
                ("Poor quality", "Низкое качество"),
                ("Bad customer service", "Плохое обслуживание"),
                ("No longer need it", "Больше не нужно"),
                ("Other", "Другое"), other=(6,))),
]

AWARENESS = [
    _q("AWARE_UNAIDED", "long_text",
       "Which brands in this category do you know, even if only by name?",
       "Какие марки в этой категории вы знаете, хотя бы по названию?"),
    _q("AWARE_AIDED", "multiple_choice", "Which of these brands have you heard of?",
       "О каких из этих марок вы слышали?",
       _options(("Brand A", "Марка А"), ("Brand B", "Марка Б"), ("Brand C", "Марка В"),
                ("None of these", "Ни о какой из них"), exclusive=(4,)), randomize="shuffle"),
]

PURCHASE_INTENT = [
    _q("PI", "single_choice", "How likely are you to buy this product in the next month?",
       "Насколько вероятно, что вы купите этот продукт в ближайший месяц?",
       _options(("Definitely will buy", "Точно куплю"), ("Probably will buy", "Скорее куплю"),
                ("Might or might not buy", "Может куплю, может нет"),
                ("Probably will not buy", "Скорее не куплю"),
                ("Definitely will not buy", "Точно не куплю"))),
]

CONCEPT_APPEAL = [
    _q("APPEAL", "rating", "How appealing is this idea to you?",
       "Насколько вам нравится эта идея?", points=5,
       label_low=_t("Not at all appealing", "Совсем не нравится"),
       label_high=_t("Extremely appealing", "Очень нравится")),
    _q("APPEAL_LIKE", "long_text", "What, if anything, do you like about it?",
       "Что вам в ней нравится?", required=False),
]

#: key -> (title, questions)
STANDARD_BLOCKS = {
    "demographics": (_l("Demographics: gender, age, region, income, education, household"),
                     DEMOGRAPHICS),
    "nps": (_l("NPS with the reason for the score"), NPS_BLOCK),
    "csat": (_l("Customer satisfaction (CSAT)"), CSAT),
    "ces": (_l("Customer effort score (CES)"), CES),
    "churn": (_l("Churn reasons"), CHURN),
    "awareness": (_l("Brand awareness: unaided and aided"), AWARENESS),
    "purchase_intent": (_l("Purchase intent"), PURCHASE_INTENT),
    "concept_appeal": (_l("Concept appeal"), CONCEPT_APPEAL),
}
