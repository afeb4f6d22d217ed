"""The rules table: per language, the words the normaliser writes and which rules apply.

One entry per supported language (BCP 47 primary subtag). Numbers are turned into words
with `num2words` where it knows the language and the rule needs words (years, ordinals,
decades, currency amounts); elsewhere digits are left for eSpeak NG, which reads them in the
voice's own language. Month names come from Babel's CLDR data.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    code: str
    #: number → words: "num2words" (the library), or None (leave digits to eSpeak NG)
    numbers: str | None = "num2words"
    to: str = "to"  # a range "2019–2022"
    and_: str = "and"  # "&"
    percent: str = "percent"
    percent_first: bool = False  # Turkish: "yüzde 45"
    units: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit: (one, many)
    currencies: dict[str, tuple[str, str]] = field(default_factory=dict)  # symbol: (one, many)
    magnitudes: dict[str, str] = field(default_factory=dict)  # "bn": "billion"
    positions: dict[str, str] = field(default_factory=dict)  # "L": "left", "L-R": …
    #: how a regnal number is said after a name: "the {ordinal}", "{cardinal}", or None
    regnal: str | None = None
    #: English-only rules (years as "twenty twenty-three", ordinal days, decades, times)
    english_dates: bool = False
    #: how an initialism's letters are joined: "A.F.P." is said letter by letter in the
    #: Latin-script voices; the Greek, Cyrillic and Arabic voices read it as the word "afp",
    #: but say "A-F-P" as the three letters (in English, as the agency calls itself)
    initials: str = "."


_UNITS_EN = {
    "km/h": ("kilometre per hour", "kilometres per hour"), "mph": ("mile per hour",
                                                                   "miles per hour"),
    "km": ("kilometre", "kilometres"), "m": ("metre", "metres"), "cm": ("centimetre",
                                                                        "centimetres"),
    "mm": ("millimetre", "millimetres"), "ft": ("foot", "feet"), "mi": ("mile", "miles"),
    "kg": ("kilogram", "kilograms"), "ha": ("hectare", "hectares"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit",
                                                         "degrees Fahrenheit"),
}

LANGUAGES: dict[str, Language] = {
    "en": Language(
        "en", units=_UNITS_EN,
        currencies={"$": ("dollar", "dollars"), "£": ("pound", "pounds"),
                    "€": ("euro", "euros"), "¥": ("yen", "yen")},
        magnitudes={"bn": "billion", "billion": "billion", "m": "million", "mn": "million",
                    "million": "million", "tn": "trillion", "trillion": "trillion",
                    "k": "thousand"},
        positions={"L": "left", "R": "right", "C": "centre", "L-R": "from left to right",
                   "R-L": "from right to left", "from L": "from left",
                   "from R": "from right", "top": "top", "bottom": "bottom"},
        regnal="the {ordinal}", english_dates=True),
    "fr": Language(
        "fr", to="à", and_="et", percent="pour cent",
        units={"km/h": ("kilomètre heure", "kilomètres heure"), "km": ("kilomètre",
               "kilomètres"), "m": ("mètre", "mètres"), "kg": ("kilogramme", "kilogrammes"),
               "°C": ("degré Celsius", "degrés Celsius")},
        currencies={"$": ("dollar", "dollars"), "€": ("euro", "euros"),
                    "£": ("livre", "livres")},
        positions={"L": "à gauche", "R": "à droite", "C": "au centre"},
        regnal="{cardinal}"),
    "es": Language(
        "es", to="a", and_="y", percent="por ciento",
        units={"km/h": ("kilómetro por hora", "kilómetros por hora"), "km": ("kilómetro",
               "kilómetros"), "m": ("metro", "metros"), "kg": ("kilo", "kilos"),
               "°C": ("grado centígrado", "grados centígrados")},
        currencies={"$": ("dólar", "dólares"), "€": ("euro", "euros")},
        positions={"L": "a la izquierda", "R": "a la derecha", "C": "en el centro"},
        regnal="{ordinal}"),
    "de": Language(
        "de", to="bis", and_="und", percent="Prozent",
        units={"km/h": ("Kilometer pro Stunde", "Kilometer pro Stunde"),
               "km": ("Kilometer", "Kilometer"), "m": ("Meter", "Meter"),
               "kg": ("Kilogramm", "Kilogramm"), "°C": ("Grad Celsius", "Grad Celsius")},
        currencies={"$": ("Dollar", "Dollar"), "€": ("Euro", "Euro")},
        positions={"L": "links", "R": "rechts", "C": "Mitte"}, regnal="der {ordinal}"),
    "el": Language(
        "el", numbers=None, initials="-", to="έως", and_="και", percent="τοις εκατό",
        units={"km/h": ("χιλιόμετρο την ώρα", "χιλιόμετρα την ώρα"),
               "km": ("χιλιόμετρο", "χιλιόμετρα"), "m": ("μέτρο", "μέτρα"),
               "°C": ("βαθμό Κελσίου", "βαθμούς Κελσίου")},
        currencies={"€": ("ευρώ", "ευρώ"), "$": ("δολάριο", "δολάρια")},
        positions={"L": "αριστερά", "R": "δεξιά", "C": "στο κέντρο",
                   "Α": "αριστερά", "Δ": "δεξιά"}),
    "ar": Language(
        "ar", numbers=None, initials="-", to="إلى", and_="و", percent="بالمئة",
        units={"km": ("كيلومتر", "كيلومترات"), "m": ("متر", "أمتار"),
               "°C": ("درجة مئوية", "درجات مئوية")},
        currencies={"$": ("دولار", "دولارات")},
        positions={"L": "يسار", "R": "يمين", "C": "في الوسط"}),
    "ru": Language(
        "ru", numbers=None, initials="-", to="до", and_="и", percent="процентов",
        units={"km": ("километров", "километров"), "°C": ("градусов Цельсия",
                                                         "градусов Цельсия")},
        positions={"L": "слева", "R": "справа", "C": "в центре"}),
    "uk": Language(
        "uk", numbers=None, initials="-", to="до", and_="і", percent="відсотків",
        units={"km": ("кілометрів", "кілометрів"), "°C": ("градусів Цельсія",
                                                         "градусів Цельсія")},
        positions={"L": "ліворуч", "R": "праворуч", "C": "в центрі"}),
    "tr": Language(
        "tr", numbers=None, to="ile", and_="ve", percent="yüzde", percent_first=True,
        units={"km": ("kilometre", "kilometre"), "°C": ("santigrat derece",
                                                       "santigrat derece")},
        positions={"L": "solda", "R": "sağda", "C": "ortada"}),
}


def language(lang: str | None) -> Language:
    """The table for a BCP 47 tag (its primary subtag); English when the language has none."""
    primary = (lang or "en").lower().replace("_", "-").split("-")[0]
    return LANGUAGES.get(primary, LANGUAGES["en"])
