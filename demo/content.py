"""Demo content for `load_demo`: the campaign text and seven clearly invented prisoners.

The names are invented on purpose (Ejemplo, Ficticio, ...): nobody real is named here.
"""

from datetime import date
from decimal import Decimal

CAMPAIGN = {
    "foundation_name": "De Solidaire Diaspora Stg",
    "account_holder": "De Solidaire Diaspora Stg",
    # The standard example IBAN from the Dutch banks' documentation, not a real account.
    "iban": "NL91ABNA0417164300",
    "bic": "ABNANL2A",
    "general_reference": "DSFUND",
    "contact_email": "info@example.org",
    "goal": Decimal("15000.00"),
    # Registration details for the demo only: the numbers are made up and belong to nobody.
    "is_anbi": True,
    "anbi_since": date(2021, 1, 1),
    "rsin": "000000000",
    "kvk_number": "00000000",
    "postal_address": "Voorbeeldstraat 1\n1234 AB Voorbeeldstad",
    "cbf_status": "",
    "board": [
        ("Demo Voorzitter", "chair"),
        ("Demo Secretaris", "secretary"),
        ("Demo Penningmeester", "treasurer"),
    ],
    "title": {
        "es": "Solidaridad con los presos políticos de Chile",
        "nl": "Solidariteit met de politieke gevangenen in Chili",
        "en": "Solidarity with Chile's political prisoners",
    },
    "appeal": {
        "es": (
            "<p>Desde la revuelta de octubre de 2019, decenas de jóvenes siguen presos en Chile. "
            "Algunos esperan juicio; otros fueron condenados bajo la Ley de Seguridad del Estado. "
            "Sus familias no pueden pagar abogados, ni mascarillas, desinfectante, ropa, sábanas, "
            "frazadas o artículos de higiene.</p>"
            "<p>Como los eventos de solidaridad no son posibles, reunimos el dinero en línea. "
            "Desde enero de 2021 nuestro grupo de apadrinamiento apoya a siete presos con dinero "
            "y apoyo psicológico, y cuenta sus historias.</p>"
        ),
        "nl": (
            "<p>Sinds de opstand van oktober 2019 zitten tientallen jongeren in Chili gevangen. "
            "Sommigen wachten op hun proces; anderen zijn veroordeeld onder de Wet op de "
            "Staatsveiligheid. Hun families kunnen geen advocaten betalen, en geen mondkapjes, "
            "desinfectiemiddel, kleding, lakens, dekens of hygiëneartikelen.</p>"
            "<p>Omdat solidariteitsevenementen niet mogelijk zijn, zamelen we het geld online in. "
            "Sinds januari 2021 steunt onze sponsorgroep zeven gevangenen met geld en "
            "psychologische steun, en vertelt hun verhalen.</p>"
        ),
        "en": (
            "<p>Since the revolt of October 2019, dozens of young people remain in prison in "
            "Chile. Some are awaiting trial; others were sentenced under the State Security Act. "
            "Their families cannot afford lawyers, nor masks, disinfectant, clothing, sheets, "
            "blankets or hygiene items.</p>"
            "<p>Because solidarity events are impossible, we raise the money online. Since "
            "January 2021 our sponsorship group has supported seven prisoners with money and "
            "psychological support, and tells their stories.</p>"
        ),
    },
}

# (code, purpose, order, {lang: (name, description)})
CATEGORIES = [
    (
        "lawyers-fees",
        "legal_defense",
        1,
        {
            "es": ("Honorarios de abogados", "La defensa ante los tribunales."),
            "nl": ("Advocaatkosten", "De verdediging voor de rechter."),
            "en": ("Lawyers' fees", "Defense before the courts."),
        },
    ),
    (
        "fines-bonds",
        "legal_defense",
        2,
        {
            "es": ("Multas y fianzas", "Para recuperar la libertad mientras dura el proceso."),
            "nl": ("Boetes en borgsommen", "Om vrij te komen zolang het proces loopt."),
            "en": ("Fines and bonds", "To regain freedom while the trial runs."),
        },
    ),
    (
        "lab-analysis",
        "legal_defense",
        3,
        {
            "es": ("Análisis de laboratorio", "Análisis independiente de las pruebas físicas."),
            "nl": ("Laboratoriumonderzoek", "Onafhankelijk onderzoek van het fysieke bewijs."),
            "en": ("Laboratory analysis", "Independent analysis of the physical evidence."),
        },
    ),
    (
        "expert-reports",
        "legal_defense",
        4,
        {
            "es": ("Peritajes", "Informes de expertos para la defensa."),
            "nl": ("Deskundigenrapporten", "Rapporten van deskundigen voor de verdediging."),
            "en": ("Expert reports", "Reports by experts for the defense."),
        },
    ),
    (
        "food-water",
        "basic_needs",
        1,
        {
            "es": ("Alimentos y agua", ""),
            "nl": ("Voedsel en water", ""),
            "en": ("Food and water", ""),
        },
    ),
    (
        "clothing-bedding",
        "basic_needs",
        2,
        {
            "es": ("Ropa, sábanas y frazadas", ""),
            "nl": ("Kleding, lakens en dekens", ""),
            "en": ("Clothing and bedding", ""),
        },
    ),
    (
        "hygiene",
        "basic_needs",
        3,
        {
            "es": ("Higiene y protección", "Mascarillas, desinfectante y artículos de aseo."),
            "nl": ("Hygiëne en bescherming", "Mondkapjes, desinfectiemiddel en toiletartikelen."),
            "en": ("Hygiene and protection", "Masks, disinfectant and toiletries."),
        },
    ),
    (
        "books",
        "basic_needs",
        4,
        {
            "es": ("Libros", "Para estudiar y leer en prisión."),
            "nl": ("Boeken", "Om in de gevangenis te studeren en te lezen."),
            "en": ("Books", "To study and read in prison."),
        },
    ),
    (
        "other-needs",
        "basic_needs",
        5,
        {
            "es": ("Otras necesidades", "En prisión o bajo arresto domiciliario."),
            "nl": ("Overige behoeften", "In de gevangenis of onder huisarrest."),
            "en": ("Other needs", "In prison or under house arrest."),
        },
    ),
]

_STORY = {
    "es": (
        "<p>{name} tenía {age} años cuando fue {arrested} en {city} durante las protestas de "
        "{month}. Estudiaba {study} y ayudaba en una olla común de su barrio.</p>"
        "<p>Su familia {obj} visita cada semana. Con tu apoyo pagamos su defensa y lo que "
        "necesita para vivir con dignidad.</p>"
    ),
    "nl": (
        "<p>{name} was {age} jaar toen {subj} tijdens de protesten van {month} in {city} werd "
        "opgepakt. {Subj} studeerde {study} en hielp bij een gaarkeuken in de wijk.</p>"
        "<p>De familie komt elke week op bezoek. Met jouw steun betalen we {poss} verdediging "
        "en wat {subj} nodig heeft om waardig te leven.</p>"
    ),
    "en": (
        "<p>{name} was {age} when {subj} was arrested in {city} during the protests of {month}. "
        "{Subj} studied {study} and helped at a community kitchen in the neighbourhood.</p>"
        "<p>The family visits every week. With your support we pay for {poss} defense and for "
        "what {subj} needs to live with dignity.</p>"
    ),
}
_GENDER_WORDS = {
    "f": {
        "es": {"arrested": "detenida", "obj": "la"},
        "nl": {"subj": "zij", "Subj": "Zij", "poss": "haar"},
        "en": {"subj": "she", "Subj": "She", "poss": "her"},
    },
    "m": {
        "es": {"arrested": "detenido", "obj": "lo"},
        "nl": {"subj": "hij", "Subj": "Hij", "poss": "zijn"},
        "en": {"subj": "he", "Subj": "He", "poss": "his"},
    },
}

_MONTHS = {
    "es": ["octubre de 2019", "noviembre de 2019", "diciembre de 2019"],
    "nl": ["oktober 2019", "november 2019", "december 2019"],
    "en": ["October 2019", "November 2019", "December 2019"],
}
_STUDIES = {
    "es": ["mecánica", "enfermería", "historia", "música"],
    "nl": ["werktuigbouw", "verpleegkunde", "geschiedenis", "muziek"],
    "en": ["mechanics", "nursing", "history", "music"],
}
_SUMMARIES = {
    "awaiting_trial": {
        "es": "Espera juicio desde hace más de un año.",
        "nl": "Wacht al meer dan een jaar op het proces.",
        "en": "Has been awaiting trial for more than a year.",
    },
    "sentenced": {
        "es": "Cumple condena bajo la Ley de Seguridad del Estado.",
        "nl": "Veroordeeld onder de Wet op de Staatsveiligheid.",
        "en": "Sentenced under the State Security Act.",
    },
    "house_arrest": {
        "es": "Bajo arresto domiciliario, sin poder trabajar.",
        "nl": "Onder huisarrest, zonder te kunnen werken.",
        "en": "Under house arrest, unable to work.",
    },
    "released": {
        "es": "En libertad, pero el proceso continúa.",
        "nl": "Vrij, maar het proces loopt door.",
        "en": "Released, but the case goes on.",
    },
}
_HELD_AT = {
    "Santiago 1": {
        "es": "Cárcel Santiago 1",
        "nl": "Gevangenis Santiago 1",
        "en": "Santiago 1 prison",
    },
    "home": {"es": "En casa, en {city}", "nl": "Thuis, in {city}", "en": "At home, in {city}"},
    "Valparaíso": {
        "es": "Cárcel de Valparaíso",
        "nl": "Gevangenis van Valparaíso",
        "en": "Valparaíso prison",
    },
}

# (slug, name, gender, reference, situation, held key, since, age, city, month, study, goal)
PRISONERS = [
    (
        "ana-ejemplo",
        "Ana Ejemplo",
        "f",
        "DSA3KM",
        "awaiting_trial",
        "Santiago 1",
        date(2019, 11, 8),
        19,
        "Santiago",
        1,
        1,
        Decimal("2000.00"),
    ),
    (
        "benjamin-ficticio",
        "Benjamín Ficticio",
        "m",
        "DSB4LN",
        "sentenced",
        "Valparaíso",
        date(2019, 10, 25),
        22,
        "Valparaíso",
        0,
        0,
        Decimal("2500.00"),
    ),
    (
        "catalina-inventada",
        "Catalina Inventada",
        "f",
        "DSC6MP",
        "house_arrest",
        "home",
        date(2020, 1, 14),
        20,
        "Puente Alto",
        2,
        2,
        Decimal("1500.00"),
    ),
    (
        "diego-demo",
        "Diego Demo",
        "m",
        "DSD7NR",
        "awaiting_trial",
        "Santiago 1",
        date(2019, 12, 3),
        18,
        "Santiago",
        2,
        3,
        Decimal("2000.00"),
    ),
    (
        "elena-muestra",
        "Elena Muestra",
        "f",
        "DSE9PT",
        "released",
        "home",
        date(2019, 10, 30),
        24,
        "Concepción",
        0,
        1,
        Decimal("1000.00"),
    ),
    (
        "felipe-prueba",
        "Felipe Prueba",
        "m",
        "DSF3RU",
        "sentenced",
        "Santiago 1",
        date(2019, 11, 20),
        21,
        "Santiago",
        1,
        0,
        Decimal("3000.00"),
    ),
    (
        "gabriela-ensayo",
        "Gabriela Ensayo",
        "f",
        "DSG4TV",
        "awaiting_trial",
        "Valparaíso",
        date(2020, 2, 2),
        19,
        "Viña del Mar",
        2,
        2,
        Decimal("1500.00"),
    ),
]

UPDATE = {
    "title": {
        "es": "La audiencia se aplazó otra vez",
        "nl": "De zitting is opnieuw uitgesteld",
        "en": "The hearing was postponed again",
    },
    "body": {
        "es": "<p>El tribunal aplazó la audiencia. La defensa sigue preparando los peritajes.</p>",
        "nl": "<p>De rechtbank stelde de zitting uit. De verdediging werkt verder aan de "
        "deskundigenrapporten.</p>",
        "en": "<p>The court postponed the hearing. The defense keeps preparing the expert "
        "reports.</p>",
    },
}

# Paid demo gifts so that the totals are not empty: (seed id, amount, prisoner slug or None).
DONATIONS = [
    ("seed-1", Decimal("25.00"), "ana-ejemplo"),
    ("seed-2", Decimal("50.00"), "ana-ejemplo"),
    ("seed-3", Decimal("10.00"), "benjamin-ficticio"),
    ("seed-4", Decimal("100.00"), None),
    ("seed-5", Decimal("35.50"), "catalina-inventada"),
    ("seed-6", Decimal("250.00"), "felipe-prueba"),
    ("seed-7", Decimal("20.00"), None),
]


def story(lang: str, *, name: str, gender: str, age: int, city: str, month: int, study: int) -> str:
    return _STORY[lang].format(
        **_GENDER_WORDS[gender][lang],
        name=name.split()[0],
        age=age,
        city=city,
        month=_MONTHS[lang][month],
        study=_STUDIES[lang][study],
    )


def summary(lang: str, situation: str) -> str:
    return _SUMMARIES[situation][lang]


def held_at(lang: str, key: str, city: str) -> str:
    return _HELD_AT[key][lang].format(city=city)


# Demo spending: (key, days ago, amount, prisoner slug or None, category code)
EXPENSES = [
    ("lawyer-ana", 40, Decimal("150.00"), "ana-ejemplo", "lawyers-fees"),
    ("hygiene-ben", 30, Decimal("22.40"), "benjamin-ficticio", "hygiene"),
    ("books-felipe", 20, Decimal("35.00"), "felipe-prueba", "books"),
    ("expert-general", 10, Decimal("80.00"), None, "expert-reports"),
    ("food-catalina", 5, Decimal("18.75"), "catalina-inventada", "food-water"),
]
