"""Default answer scales and wordings, in English and Russian.

These are questionnaire content (shown in the questionnaire's language), not interface text, so
they are ``{lang: text}`` mappings rather than gettext messages. Languages other than English and
Russian fall back to English until a researcher overrides the labels.
"""

from __future__ import annotations


def _options(*labels: tuple[str, str], first_code: int = 1) -> list:
    return [{'code': first_code + index, 'label': {'en': en, 'ru': ru}, 'settings': {}}
            for index, (en, ru) in enumerate(labels)]


#: 1 = strongly disagree ... 5 = strongly agree (higher codes mean more agreement).
LIKERT_5 = _options(
    ('Strongly disagree', 'Полностью не согласен(на)'),
    ('Disagree', 'Скорее не согласен(на)'),
    ('Neither agree nor disagree', 'И согласен(на), и не согласен(на)'),
    ('Agree', 'Скорее согласен(на)'),
    ('Strongly agree', 'Полностью согласен(на)'),
)

LIKERT_7 = _options(
    ('Strongly disagree', 'Полностью не согласен(на)'),
    ('Disagree', 'Не согласен(на)'),
    ('Somewhat disagree', 'Скорее не согласен(на)'),
    ('Neither agree nor disagree', 'И согласен(на), и не согласен(на)'),
    ('Somewhat agree', 'Скорее согласен(на)'),
    ('Agree', 'Согласен(на)'),
    ('Strongly agree', 'Полностью согласен(на)'),
)

LIKERT = {5: LIKERT_5, 7: LIKERT_7}

#: 1 = not at all important ... 5 = extremely important.
IMPORTANCE_5 = _options(
    ('Not at all important', 'Совсем не важно'),
    ('Slightly important', 'Не очень важно'),
    ('Moderately important', 'Умеренно важно'),
    ('Very important', 'Очень важно'),
    ('Extremely important', 'Крайне важно'),
)

#: Yes = 1, No = 2 (the usual SPSS coding of dichotomous questions).
YES_NO = _options(('Yes', 'Да'), ('No', 'Нет'))

#: The consent gate: 1 = agrees, 2 = declines (declining screens the respondent out).
CONSENT = _options(('Yes, I agree', 'Да, я согласен(на)'),
                   ('No, I do not agree', 'Нет, я не согласен(на)'))

#: The standard NPS question (Reichheld 2003); ``{brand}`` is filled from ``settings.subject``.
NPS_WORDING = {
    'en': 'How likely is it that you would recommend {brand} to a friend or colleague?',
    'ru': 'Насколько вероятно, что вы порекомендуете {brand} другу или коллеге?',
}
NPS_LOW = {'en': 'Not at all likely', 'ru': 'Совершенно невероятно'}
NPS_HIGH = {'en': 'Extremely likely', 'ru': 'Очень вероятно'}

#: Value label of 0 in a multiple-response dichotomy (1 is labelled with the option's label).
NOT_SELECTED = {'en': 'Not selected', 'ru': 'Не выбрано'}


def pick(mapping: dict, language: str) -> str:
    """A default text in ``language``, falling back to English."""
    return mapping.get(language) or mapping['en']
