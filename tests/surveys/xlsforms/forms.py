"""Hand-written XLSForms, as KoboToolbox and ODK users write them, kept as data.

Each form is ``{sheet name: [header row, row, ...]}``; :func:`build` turns one into .xlsx bytes
with openpyxl. ``make_fixtures.py`` writes them all to .xlsx files for a look in Excel or an
upload to KoboToolbox (nothing binary is kept in the repository).
"""

import io

from openpyxl import Workbook


def build(form: dict) -> bytes:
    """The .xlsx bytes of ``form`` (sheets in the order given)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in form.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# A KoBo-style household survey: metadata, groups with relevance, a nested group, constraints,
# select_one yes_no with text names, or_other, English and Russian labels, hints, messages.
HOUSEHOLD = {
    'survey': [
        ['type', 'name', 'label::English (en)', 'label::Russian (ru)', 'hint::English (en)',
         'hint::Russian (ru)', 'required', 'required_message::English (en)', 'relevant',
         'constraint', 'constraint_message::English (en)', 'constraint_message::Russian (ru)',
         'appearance', 'calculation'],
        ['start', 'start'],
        ['end', 'end'],
        ['today', 'today'],
        ['deviceid', 'deviceid'],
        ['note', 'intro', 'Thank you for taking part in the household survey.',
         'Спасибо за участие в опросе домохозяйств.'],
        ['select_one yes_no', 'consent_given', 'Do you agree to take part?',
         'Вы согласны принять участие?', None, None, 'yes', 'Please answer this question.'],
        ['begin group', 'household', 'Household', 'Домохозяйство', None, None, None, None,
         "${consent_given} = 'yes'", None, None, None, 'field-list'],
        ['integer', 'hh_size', 'How many people live in your household?',
         'Сколько человек живёт в вашем домохозяйстве?', 'Including yourself.',
         'Включая вас.', 'yes', 'We need the household size.', None,
         '. >= 1 and . <= 30', 'Between 1 and 30, please.', 'От 1 до 30.'],
        ['integer', 'children', 'How many of them are under 18?', 'Сколько из них младше 18?',
         None, None, 'TRUE()', None, '${hh_size} > 1', '. < ${hh_size}',
         'Fewer than the household size.', 'Меньше размера домохозяйства.'],
        ['select_one water_source or_other', 'water', 'Main source of drinking water?',
         'Основной источник питьевой воды?', None, None, 'yes'],
        ['select_multiple assets', 'assets', 'Which of these does your household own?',
         'Что из этого есть в вашем домохозяйстве?', None, None, None, None, None,
         "not(selected(., 'none') and count-selected(.) > 1)",
         '"None" cannot be combined with other answers.', '«Ничего» нельзя сочетать.'],
        ['begin_group', 'livestock', 'Livestock', 'Скот', None, None, None, None,
         '${hh_size} > 2'],
        ['integer', 'cattle', 'How many cattle?', 'Сколько голов КРС?', None, None, None, None,
         None, '. >= 0'],
        ['end_group'],
        ['text', 'comment', 'Anything else about your household?',
         'Что-нибудь ещё о вашем домохозяйстве?', None, None, None, None, None, None, None, None,
         'multiline'],
        ['end group'],
        ['begin group', 'respondent', 'About you', 'О вас', None, None, None, None,
         "${consent_given} = 'yes'"],
        ['select_one gender', 'sex', 'Sex', 'Пол', None, None, 'yes'],
        ['date', 'dob', 'Date of birth', 'Дата рождения', None, None, None, None, None,
         '. < today()'],
        ['select_one yes_no', 'employed', 'Are you employed?', 'Вы работаете?'],
        ['text', 'employer', 'Who is your employer?', 'Кто ваш работодатель?', None, None,
         None, None, "${employed} = 'yes'"],
        ['end group'],
        ['calculate', 'adults', None, None, None, None, None, None, None, None, None, None,
         None, '${hh_size} - ${children}'],
    ],
    'choices': [
        ['list_name', 'name', 'label::English (en)', 'label::Russian (ru)'],
        ['yes_no', 'yes', 'Yes', 'Да'],
        ['yes_no', 'no', 'No', 'Нет'],
        ['water_source', 'piped', 'Piped water', 'Водопровод'],
        ['water_source', 'well', 'Well', 'Колодец'],
        ['water_source', 'surface', 'River or lake', 'Река или озеро'],
        ['assets', 'tv', 'Television', 'Телевизор'],
        ['assets', 'fridge', 'Refrigerator', 'Холодильник'],
        ['assets', 'car', 'Car', 'Автомобиль'],
        ['assets', 'none', 'None of these', 'Ничего из этого'],
        ['gender', 'male', 'Male', 'Мужской'],
        ['gender', 'female', 'Female', 'Женский'],
    ],
    'settings': [
        ['form_title', 'form_id', 'version', 'default_language'],
        ['Household survey 2024', 'household_2024', '2024031501', 'English (en)'],
    ],
}

# A customer survey: CSAT as a labelled 1-5 scale, NPS as range 0-10, customer effort as a
# range 1-7, follow-ups; plain "label" columns, no default_language setting.
CUSTOMER = {
    'survey': [
        ['type', 'name', 'label', 'hint', 'required', 'relevant', 'constraint', 'appearance',
         'parameters'],
        ['today', 'today'],
        ['select_one csat', 'csat', 'Overall, how satisfied are you with our service?', None,
         'yes', None, None, 'likert'],
        ['range', 'nps', 'How likely are you to recommend Acme to a friend or colleague?',
         '0 = not at all likely, 10 = extremely likely', 'yes', None, None, None,
         'start=0 end=10 step=1'],
        ['text', 'nps_reason', 'What is the main reason for your score?', None, None,
         '${nps} <= 6', None, 'multiline'],
        ['select_multiple improve', 'improve', 'What should we improve?', 'Choose all that apply.',
         None, '${csat} <= 3', None, None, 'randomize=true'],
        ['range', 'effort', 'How easy was it to get your issue resolved?', None, None, None,
         None, None, 'start=1 end=7 step=1'],
        ['select_one yes_no', 'contact', 'May we contact you about your answers?', None, 'yes'],
        ['text', 'email', 'Your e-mail address', None, 'yes', '${contact} = 1',
         "contains(., '@')"],
    ],
    'choices': [
        ['list_name', 'name', 'label'],
        ['csat', '1', 'Very dissatisfied'],
        ['csat', '2', 'Dissatisfied'],
        ['csat', '3', 'Neutral'],
        ['csat', '4', 'Satisfied'],
        ['csat', '5', 'Very satisfied'],
        ['improve', '1', 'Price'],
        ['improve', '2', 'Delivery speed'],
        ['improve', '3', 'Customer support'],
        ['improve', '4', 'Product range'],
        ['yes_no', 1, 'Yes'],
        ['yes_no', 2, 'No'],
    ],
    'settings': [
        ['form_title', 'form_id'],
        ['Customer feedback', 'acme_cx'],
    ],
}

# Ranking and ranges, in Russian with plain label columns; a list chosen from twice.
BRANDS = {
    'Survey': [
        ['Type', 'Name', 'Label', 'Required', 'Relevant', 'Constraint', 'Appearance',
         'Parameters'],
        ['rank brands', 'brand_rank', 'Расположите марки по предпочтению', 'yes', None, None,
         None, 'randomize=true'],
        ['range', 'price_ok', 'Насколько вас устраивает цена?', None, None, None, None,
         'start=1 end=5 step=1'],
        ['range', 'temp', 'При какой температуре вы пьёте кофе?', None, None, None, None,
         'start=-10 end=40 step=0.5'],
        ['select_one brands', 'fav', 'Любимая марка', 'yes', None, None, 'minimal'],
        ['select_one brands', 'second', 'Вторая по предпочтению марка', None,
         'string-length(${fav}) > 0', '. != ${fav}'],
    ],
    'Choices': [
        ['List_Name', 'Name', 'Label'],
        ['brands', 1, 'Альфа'],
        ['brands', 2, 'Бета'],
        ['brands', 3, 'Гамма'],
        ['brands', 4, 'Дельта'],
    ],
}

# Choice names that are words, and expressions that test them.
DRINKS = {
    'survey': [
        ['type', 'name', 'label::English', 'relevant', 'constraint'],
        ['select_one gender', 'sex', 'Sex'],
        ['select_one region', 'region', 'Region'],
        ['select_multiple drinks', 'drinks', 'What do you drink in the morning?', None,
         "not(selected(., 'none') and count-selected(.) > 1)"],
        ['text', 'which_tea', 'Which tea?', "selected(${drinks}, 'tea')"],
        ['integer', 'cups', 'How many cups a day?',
         "selected(${drinks}, 'coffee') or selected(${drinks}, 'tea')", '. > 0 and . < 20'],
        ['note', 'thanks', 'Thank you, southern and eastern women!',
         "${sex} = 'female' and ${region} != 'north'"],
    ],
    'choices': [
        ['list_name', 'name', 'label::English'],
        ['gender', 'male', 'Male'],
        ['gender', 'female', 'Female'],
        ['region', 'north', 'North'],
        ['region', 'south', 'South'],
        ['region', 'east', 'East'],
        ['drinks', 'coffee', 'Coffee'],
        ['drinks', 'tea', 'Tea'],
        ['drinks', 'juice', 'Juice'],
        ['drinks', 'none', 'Nothing'],
    ],
}

# Rows Anketa cannot import; the import must name every one of them at once.
UNSUPPORTED = {
    'survey': [
        ['type', 'name', 'label', 'constraint', 'relevant'],
        ['integer', 'age', 'Age'],                                           # 2: fine
        ['begin repeat', 'members', 'Household members'],                    # 3: repeat
        ['text', 'member_name', 'Name'],                                     # 4
        ['end repeat'],                                                      # 5
        ['geopoint', 'location', 'Where are you?'],                          # 6: geo
        ['text', 'phone', 'Phone number', "regex(., '^[0-9]{10}$')"],        # 7: regex()
        ['barcode_scanner', 'code', 'Scan the code'],                        # 8: unknown type
        ['integer', 'age', 'Age again'],                                     # 9: duplicate
        ['text', 'pet', 'Name of your pet', None, "jr:choice-name(${age}, '${age}') = 'x'"],
        ['text', 'first-name', 'First name'],                                # 11: bad name
        ['integer', 'weight', 'Your weight'],                                # 12: reserved
        ['select_one colours', 'colour', 'Favourite colour'],                # 13: no list
    ],
    'choices': [
        ['list_name', 'name', 'label'],
        ['yes_no', 'yes', 'Yes'],
    ],
}

FORMS = {'household': HOUSEHOLD, 'customer': CUSTOMER, 'brands': BRANDS, 'drinks': DRINKS,
         'unsupported': UNSUPPORTED}
