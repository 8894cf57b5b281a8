"""Demo content for the ANBI page: the publication's texts in three languages, and a closed
year of books, so that `make run` shows financial statements too.

Like the rest of the demo, the addresses and numbers are made up and belong to nobody.
"""

from decimal import Decimal

ANBI = {
    # The postal address is the campaign's (demo_content.CAMPAIGN).
    "visiting_address": "Voorbeeldplein 2\n1234 AC Voorbeeldstad",
    "phone": "+31 6 00000000",
    "public_name": {
        "es": "Diáspora Solidaria",
        "nl": "De Solidaire Diaspora",
        "en": "Diaspora Solidarity Foundation",
    },
    "purpose": {
        "es": (
            "<p>La fundación apoya a las personas presas por razones políticas en Chile desde "
            "la revuelta de octubre de 2019, y a sus familias: paga su defensa legal y sus "
            "necesidades básicas, y da a conocer su situación.</p>"
        ),
        "nl": (
            "<p>De stichting steunt mensen die sinds de opstand van oktober 2019 om politieke "
            "redenen in Chili gevangen zitten, en hun families: zij betaalt hun juridische "
            "verdediging en hun eerste levensbehoeften, en maakt hun situatie bekend.</p>"
        ),
        "en": (
            "<p>The foundation supports people imprisoned in Chile for political reasons since "
            "the revolt of October 2019, and their families: it pays for their legal defense "
            "and their basic needs, and makes their situation known.</p>"
        ),
    },
    "policy_plan": {
        "es": (
            "<ul><li><strong>Lo que hacemos:</strong> apadrinamos a cada preso con dinero y "
            "apoyo psicológico, y publicamos su historia con su consentimiento.</li>"
            "<li><strong>Cómo reunimos el dinero:</strong> donaciones en línea y por "
            "transferencia bancaria; no hacemos eventos.</li>"
            "<li><strong>Cómo lo gestionamos:</strong> cada preso tiene un fondo propio; la "
            "tesorera registra cada gasto con su comprobante y el directorio revisa las "
            "cuentas cada trimestre.</li>"
            "<li><strong>Cómo lo gastamos:</strong> abogados, multas y fianzas, peritajes, y "
            "alimentos, ropa, higiene y libros. No acumulamos más de lo que necesita un año "
            "de apoyo.</li></ul>"
        ),
        "nl": (
            "<ul><li><strong>Wat we doen:</strong> we steunen elke gevangene met geld en "
            "psychologische hulp, en publiceren hun verhaal met hun toestemming.</li>"
            "<li><strong>Hoe we geld werven:</strong> giften online en per bankoverschrijving; "
            "we organiseren geen evenementen.</li>"
            "<li><strong>Hoe we het beheren:</strong> elke gevangene heeft een eigen fonds; de "
            "penningmeester boekt elke uitgave met het bonnetje en het bestuur controleert de "
            "cijfers elk kwartaal.</li>"
            "<li><strong>Hoe we het besteden:</strong> advocaten, boetes en borgsommen, "
            "deskundigenrapporten, en voedsel, kleding, hygiëne en boeken. We houden niet meer "
            "aan dan een jaar steun nodig heeft.</li></ul>"
        ),
        "en": (
            "<ul><li><strong>What we do:</strong> we sponsor each prisoner with money and "
            "psychological support, and publish their story with their consent.</li>"
            "<li><strong>How we raise money:</strong> gifts online and by bank transfer; we "
            "hold no events.</li>"
            "<li><strong>How we manage it:</strong> each prisoner has a fund of their own; the "
            "treasurer books every expense with its receipt and the board reviews the "
            "accounts every quarter.</li>"
            "<li><strong>How we spend it:</strong> lawyers, fines and bonds, expert reports, "
            "and food, clothing, hygiene and books. We keep no more than a year of support "
            "needs.</li></ul>"
        ),
    },
    "remuneration_policy": {
        "es": (
            "<p>Los miembros del directorio no reciben remuneración. Solo se reembolsan los "
            "gastos realmente hechos, con comprobante. La fundación no tiene personal "
            "contratado: todo el trabajo lo hacen voluntarios.</p>"
        ),
        "nl": (
            "<p>De bestuursleden ontvangen geen beloning. Alleen werkelijk gemaakte kosten "
            "worden vergoed, op vertoon van het bonnetje. De stichting heeft geen personeel "
            "in dienst: vrijwilligers doen al het werk.</p>"
        ),
        "en": (
            "<p>Board members receive no remuneration. Only costs actually made are "
            "reimbursed, against a receipt. The foundation employs no staff: volunteers do "
            "all the work.</p>"
        ),
    },
    "activities_report": {
        "es": (
            "<p>El último año apoyamos a siete presos políticos y a sus familias. Pagamos "
            "honorarios de abogados y peritajes para sus juicios, y enviamos cada mes "
            "alimentos, artículos de higiene y libros. Publicamos sus historias en tres "
            "idiomas y un informe público con las cifras.</p>"
        ),
        "nl": (
            "<p>Het afgelopen jaar steunden we zeven politieke gevangenen en hun families. We "
            "betaalden advocaatkosten en deskundigenrapporten voor hun processen, en stuurden "
            "elke maand voedsel, hygiëneartikelen en boeken. We publiceerden hun verhalen in "
            "drie talen en een openbaar verslag met de cijfers.</p>"
        ),
        "en": (
            "<p>Over the past year we supported seven political prisoners and their families. "
            "We paid lawyers' fees and expert reports for their trials, and sent food, hygiene "
            "items and books every month. We published their stories in three languages, and "
            "a public report with the figures.</p>"
        ),
    },
}

# Last year's books: (seed id, month, day, amount, prisoner slug or None).
PAST_YEAR_DONATIONS = [
    ("past-1", 2, 14, Decimal("40.00"), "ana-ejemplo"),
    ("past-2", 4, 3, Decimal("75.00"), None),
    ("past-3", 6, 21, Decimal("30.00"), "benjamin-ficticio"),
    ("past-4", 9, 8, Decimal("120.00"), "felipe-prueba"),
    ("past-5", 11, 30, Decimal("25.00"), "catalina-inventada"),
]
# (key, month, day, amount, prisoner slug or None, category code)
PAST_YEAR_EXPENSES = [
    ("past-lawyer-ana", 3, 10, Decimal("35.00"), "ana-ejemplo", "lawyers-fees"),
    ("past-food-felipe", 10, 2, Decimal("60.00"), "felipe-prueba", "food-water"),
    ("past-books-general", 12, 5, Decimal("18.50"), None, "books"),
]
