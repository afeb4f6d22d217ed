"""The speech normaliser, rule by rule and language by language (pure text; the engine's
own reading of each example is checked in test_phonemes.py).

Every expected string here was written by hand from how a newsreader says the example; the
code is never asked what the answer is.
"""

from __future__ import annotations

import pytest

from reader.speech.normalise import LANGUAGES, RULES, language, normalise

# (rule, language, text, said)
CASES = [
    # characters / symbols
    ("characters", "en", "tabs\there\x07 and\u200bzero\u00a0space", "tabs here and zero space"),
    ("symbols", "en", "Fans 🎉🇶🇦 cheer 👍🏽 the team ❤️", "Fans cheer the team"),
    ("symbols", "el", "Οπαδοί 🎉 πανηγυρίζουν", "Οπαδοί πανηγυρίζουν"),
    ("symbols", "ar", "مشجعون 🎉 يحتفلون", "مشجعون يحتفلون"),
    # quotes: a short pause
    ("quotes", "en", "Protesters chant “go home” as troops leave",
     "Protesters chant, go home, as troops leave"),
    ("quotes", "fr", "Ils crient « non » devant", "Ils crient, non, devant"),
    ("quotes", "el", "Φωνάζουν «όχι» μπροστά", "Φωνάζουν, όχι, μπροστά"),
    ("quotes", "en", "“No,” he said.", "No, he said."),
    # positions
    ("positions", "en", "Jane Roe (L) and John Doe (R) meet Ann Lee (C).",
     "Jane Roe, left, and John Doe, right, meet Ann Lee, centre."),
    ("positions", "en", "Leaders (L-R) Ann, Bo and Cy",
     "Leaders, from left to right, Ann, Bo and Cy"),
    ("positions", "fr", "Jeanne (L) et Jean (R)", "Jeanne, à gauche, et Jean, à droite"),
    ("positions", "es", "Juana (L) y Juan (R)", "Juana, a la izquierda, y Juan, a la derecha"),
    ("positions", "de", "Anna (L) und Jan (R)", "Anna, links, und Jan, rechts"),
    ("positions", "el", "Η Άννα (Α) και ο Γιάννης (Δ)", "Η Άννα, αριστερά, και ο Γιάννης, δεξιά"),
    ("positions", "ar", "أحمد (R) وعلي (L)", "أحمد, يمين, وعلي, يسار"),
    ("positions", "ru", "Анна (L) и Иван (R)", "Анна, слева, и Иван, справа"),
    ("positions", "uk", "Анна (L) і Іван (R)", "Анна, ліворуч, і Іван, праворуч"),
    ("positions", "tr", "Ayşe (L) ve Ali (R)", "Ayşe, solda, ve Ali, sağda"),
    # ISO dates: never a range
    ("iso_dates", "en", "Taken 2023-04-03.", "Taken April third, twenty twenty-three."),
    ("iso_dates", "fr", "Prise le 2023-04-03.", "Prise le 3 avril 2023."),
    ("iso_dates", "es", "Tomada el 2023-04-03.", "Tomada el 3 de abril de 2023."),
    ("iso_dates", "de", "Am 2023-04-03.", "Am 3. April 2023."),
    ("iso_dates", "el", "Στις 2023-04-03.", "Στις 3 Απριλίου 2023."),
    ("iso_dates", "ru", "Снято 2023-04-03.", "Снято 3 апреля 2023 года."),
    ("iso_dates", "uk", "Знято 2023-04-03.", "Знято 3 квітня 2023 року."),
    ("iso_dates", "tr", "2023-04-03 günü", "3 Nisan 2023 günü"),
    ("iso_dates", "en", "Not a date 2023-13-45", "Not a date 2023 to 13 to 45"),
    # abbreviations (English, AP style)
    ("abbreviations", "en", "Residents in Miami, Fla. Police arrived",
     "Residents in Miami, Florida. Police arrived"),
    ("abbreviations", "en", "Gov. Ron Roe on Sept. 5", "Governor Ron Roe on September fifth"),
    # times
    ("times", "en", "At 10:30 a.m. and at 9pm", "At ten thirty A.M. and at nine P.M."),
    ("times", "en", "The 14:05 train", "The fourteen oh five train"),
    # dates
    ("dates", "en", "Monday, April 3, 2023.", "Monday, April third, twenty twenty-three."),
    ("dates", "en", "on 3 April 2023", "on the third of April, twenty twenty-three"),
    ("dates", "en", "on February 20th", "on February twentieth"),
    ("dates", "en", "in May 2022", "in May twenty twenty-two"),
    ("dates", "en", "April 1 - 7, 2023", "April first to seventh, twenty twenty-three"),
    # currency
    ("currency", "en", "a $1.5bn deal", "a one point five billion dollars deal"),
    ("currency", "en", "£20m and €3 and $1", "twenty million pounds and three euros and one "
     "dollar"),
    ("currency", "fr", "pour 1,5 $ et 20 €", "pour 1,5 dollars et 20 euros"),
    ("currency", "es", "por $20", "por 20 dólares"),
    # units and percentages
    ("units", "en", "a 12-km walk of 12 km at 50 km/h", "a 12-kilometre walk of 12 kilometres "
     "at 50 kilometres per hour"),
    ("units", "en", "1 km, 40 ft high, 100m from the sea", "1 kilometre, 40 feet high, 100 "
     "metres from the sea"),
    ("units", "en", "5m people", "5m people"),
    ("units", "en", "45% at 25°C", "45 percent at 25 degrees Celsius"),
    ("units", "fr", "45% à 25°C sur 12 km", "45 pour cent à 25 degrés Celsius sur 12 kilomètres"),
    ("units", "es", "45% a 25°C", "45 por ciento a 25 grados centígrados"),
    ("units", "de", "45% bei 25°C", "45 Prozent bei 25 Grad Celsius"),
    ("units", "el", "45% στους 25°C", "45 τοις εκατό στους 25 βαθμούς Κελσίου"),
    ("units", "ar", "بنسبة 45% على بعد 12 km", "بنسبة 45 بالمئة على بعد 12 كيلومترات"),
    ("units", "ru", "45% и 25°C", "45 процентов и 25 градусов Цельсия"),
    ("units", "uk", "45% і 25°C", "45 відсотків і 25 градусів Цельсія"),
    ("units", "tr", "%45 ve 25°C", "yüzde 45 ve 25 santigrat derece"),
    # fractions
    ("fractions", "en", "2½ hours, 3/4 of them, ¼ left", "2 and a half hours, three quarters "
     "of them, a quarter left"),
    ("fractions", "en", "on 4/3/2023", "on 4 3 2023"),
    # decades
    ("decades", "en", "in the 1990s and the ’80s", "in the nineteen nineties and the eighties"),
    ("decades", "en", "the 2000s", "the two thousands"),
    # ranges and years
    ("ranges", "en", "Open 9–17 daily", "Open 9 to 17 daily"),
    ("ranges", "fr", "de 9 à 17, 2019–2022", "de 9 à 17, 2019 à 2022"),
    ("ranges", "de", "2019–2022", "2019 bis 2022"),
    ("years", "en", "Best photos of 2016", "Best photos of twenty sixteen"),
    ("years", "en", "from 2019-2022, 1,500 people", "from twenty nineteen to twenty twenty-two, "
     "1,500 people"),
    # regnal numbers
    ("regnal", "en", "King Charles III and Pope Benedict XVI", "King Charles the third and Pope "
     "Benedict the sixteenth"),
    ("regnal", "en", "World War II veterans", "World War two veterans"),
    ("regnal", "en", "I went", "I went"),
    ("regnal", "fr", "Le roi Charles III", "Le roi Charles trois"),
    ("regnal", "es", "El rey Carlos III", "El rey Carlos tercero"),
    ("regnal", "de", "König Karl III", "König Karl der dritte"),
    # initialisms
    ("initialisms", "en", "Photo: Jane Roe, AFP", "Photo: Jane Roe, A.F.P."),
    ("initialisms", "en", "the NGO's shelter, NGOs, the UN, the US and NATO",
     "the N.G.O.'s shelter, N.G.O.s, the U.N., the U.S. and NATO"),
    ("initialisms", "en", "FIFA World Cup", "FIFA World Cup"),
    ("initialisms", "en", "WHAT A DAY FOR ALL", "WHAT A DAY FOR ALL"),
    ("initialisms", "el", "Φωτογραφία: Γιάννης, AFP", "Φωτογραφία: Γιάννης, A-F-P"),
    ("initialisms", "ru", "Фото: Иван, AFP.", "Фото: Иван, A-F-P."),
    ("initialisms", "fr", "Photo : Jean, AFP.", "Photo: Jean, A.F.P."),
    # pauses: dashes, ellipses, slashes, brackets, &
    ("pauses", "en", "A boat – the last one – leaves.", "A boat, the last one, leaves."),
    ("pauses", "en", "in the province. — Army troops", "in the province. Army troops"),
    ("pauses", "en", "Waiting… and waiting", "Waiting, and waiting"),
    ("pauses", "en", "cats and/or dogs & birds (left)", "cats and or dogs and birds, left"),
    ("pauses", "el", "γάτες & σκύλοι", "γάτες και σκύλοι"),
    ("pauses", "ar", "قطط & كلاب", "قطط و كلاب"),
    # tidy
    ("tidy", "en", "Photo: Jane Roe, AP.", "Photo: Jane Roe, A.P."),
    ("tidy", "en", "left. , Then ,, more ,.", "left. Then, more."),
]


@pytest.mark.parametrize("rule, lang, text, said", CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule(rule, lang, text, said):
    assert normalise(text, lang) == said


def test_every_rule_and_every_language_has_a_case():
    assert {c[0] for c in CASES} == {name for name, _ in RULES}
    assert {c[1] for c in CASES} >= set(LANGUAGES)


def test_unknown_language_falls_back_to_english_rules():
    assert language("xx-YY").code == "en"
    assert language("pt-BR").code == "en"
    assert language("el-GR").code == "el"
    assert normalise("12 km", "nl") == "12 kilometres"


def test_normalising_twice_changes_nothing_more():
    for _, lang, text, _said in CASES:
        once = normalise(text, lang)
        assert normalise(once, lang) == once, (lang, text)
