"""Vocabularies and distributions behind the helpline sample exports (private to helpline.py).

Codes are exactly the contract's (and seeds/code_map.csv's). Platform spellings are the ways
helpline staff type them: every spelling of a known platform normalises (lower-case, trim,
collapse spaces) to an alias of seeds/platform_aliases.csv; the `other` and drift names are
deliberately unknown to the taxonomy. Every character is encodable in cp1252, because the
older childfocus exports are written in it.
"""

from __future__ import annotations

import numpy as np

# --- platforms -------------------------------------------------------------------------------
# Order matters: it is the index used throughout helpline.py.
PLATFORMS = (
    "snapchat",
    "x",
    "instagram",
    "tiktok",
    "telegram",
    "whatsapp",
    "facebook",
    "discord",
    "messenger",
    "youtube",
    "reddit",
    "other",
    "bluesky",
)
TELEGRAM = PLATFORMS.index("telegram")
BLUESKY = PLATFORMS.index("bluesky")  # appears only in the drift month

SPELLINGS: dict[str, tuple[tuple[str, int], ...]] = {
    "snapchat": (
        ("Snapchat", 30),
        ("snapchat", 18),
        ("Snap", 10),
        ("snap chat", 8),
        ("SnapChat ", 6),
        ("snap", 4),
        ("Snapchat app", 2),
        ("SC", 1),
    ),
    "x": (("X", 22), ("Twitter", 20), ("X (Twitter)", 12), ("twitter", 10), ("x", 5), ("x.com", 3)),
    "instagram": (
        ("Instagram", 30),
        ("instagram", 15),
        ("Insta", 14),
        ("IG", 12),
        ("insta", 5),
        ("Instagram DM", 3),
        ("Instagramm", 2),
    ),
    "tiktok": (("TikTok", 35), ("tiktok", 15), ("Tik Tok", 12), ("Tiktok", 8), ("Tik-Tok", 4), ("TT", 1)),
    "telegram": (("Telegram", 35), ("telegram", 18), ("Telegramm", 3), ("TG", 2)),
    "whatsapp": (("WhatsApp", 30), ("Whatsapp", 12), ("whatsapp", 8), ("whats app", 8), ("Whatsap", 2), ("WA", 2)),
    "facebook": (("Facebook", 30), ("FB", 12), ("facebook", 10), ("Face book", 2)),
    "discord": (("Discord", 30), ("discord", 10)),
    "messenger": (("Messenger", 18), ("fb messenger", 10), ("Facebook Messenger", 8), ("messenger", 5)),
    "youtube": (("YouTube", 20), ("Youtube", 10), ("You Tube", 3), ("YT", 2)),
    "reddit": (("Reddit", 20), ("reddit", 6)),
    # names the taxonomy does not know: they count as `other` and raise an unmapped-value alert
    "other": (("Kik", 10), ("Omegle", 6), ("Tellonym", 5), ("Yubo", 4), ("BeReal", 4), ("Wizz", 3)),
    "bluesky": (("Bluesky", 10), ("bluesky", 3)),
}
UNKNOWN_PLATFORM_NAMES = frozenset(s.strip().lower() for p in ("other", "bluesky") for s, _ in SPELLINGS[p])

# Relative weight of each platform in a case (before the drift month). Child Focus follows the
# 2024 youth survey's "came across via" ranking; adults at IGVM use more Facebook/WhatsApp/Telegram.
PLATFORM_WEIGHTS = {
    "childfocus": np.array([33, 20, 26, 21, 12, 10, 4, 7, 3, 2, 1, 2, 0], dtype=float),
    "igvm": np.array([18, 22, 22, 10, 18, 16, 14, 4, 6, 2, 3, 2, 0], dtype=float),
}
# Drift month: share of the cases not naming Telegram that name it too (about doubles its share),
# and share of cases that (also) name Bluesky.
DRIFT_TELEGRAM_ADD_P = {"childfocus": 0.16, "igvm": 0.28}
DRIFT_BLUESKY_P = 0.09

# How many platforms a case names: 0 (field left empty), 1, 2, 3.
PLATFORM_COUNT_P = np.array([0.03, 0.58, 0.29, 0.10])
# Separators typed between several names (childfocus `Platformen`).
SEPARATORS = (", ", ",", " / ", "/", "; ", ";")
SEPARATOR_P = np.array([35, 10, 20, 10, 18, 7], dtype=float) / 100

# --- childfocus codes ------------------------------------------------------------------------
KANAAL = ("Telefoon 116000", "Chat", "E-mail", "Webformulier")
KANAAL_P = np.array([0.33, 0.36, 0.11, 0.20])
MELDER = ("Slachtoffer", "Ouder", "Vriend(in)", "School/hulpverlener", "Andere")
MELDER_P = np.array([0.42, 0.30, 0.10, 0.11, 0.07])
TYPE_FEITEN = ("Deepnude", "Verspreiding echte naaktbeelden", "Sextortion", "Andere")
GESLACHT = ("V", "M", "X", "Onbekend")
AI = ("Ja", "Nee", "Onbekend")
RELATIE = ("Klasgenoot/leeftijdsgenoot", "(Ex-)partner", "Kennis", "Onbekende", "Onbekend")
TAAL = ("NL", "FR", "DE")

# Province (Dutch name, French name, population-like weight, language probabilities NL/FR/DE).
PROVINCES = (
    ("Antwerpen", "Anvers", 0.155, (0.96, 0.035, 0.005)),
    ("Oost-Vlaanderen", "Flandre-Orientale", 0.135, (0.96, 0.035, 0.005)),
    ("West-Vlaanderen", "Flandre-Occidentale", 0.105, (0.96, 0.035, 0.005)),
    ("Vlaams-Brabant", "Brabant flamand", 0.095, (0.93, 0.065, 0.005)),
    ("Limburg", "Limbourg", 0.075, (0.96, 0.035, 0.005)),
    ("Brussel", "Bruxelles", 0.100, (0.30, 0.69, 0.01)),
    ("Henegouwen", "Hainaut", 0.115, (0.05, 0.945, 0.005)),
    ("Luik", "Liège", 0.095, (0.04, 0.88, 0.08)),
    ("Namen", "Namur", 0.040, (0.05, 0.945, 0.005)),
    ("Waals-Brabant", "Brabant wallon", 0.035, (0.06, 0.935, 0.005)),
    ("Luxemburg", "Luxembourg", 0.025, (0.05, 0.93, 0.02)),
    ("Onbekend", "Onbekend", 0.025, (0.60, 0.38, 0.02)),
)
BRUSSEL = [p[0] for p in PROVINCES].index("Brussel")
FRENCH_PROVINCE_NAME_P = 0.35  # a French-speaking worker types the French name
BRUSSELS_LONG_NAME_P = 0.10  # "Brussels Hoofdstedelijk Gewest"

# Rows follow the incident type (Deepnude, real images, Sextortion, Andere).
GESLACHT_P = np.array(
    [[0.90, 0.07, 0.01, 0.02], [0.84, 0.13, 0.01, 0.02], [0.50, 0.47, 0.01, 0.02], [0.75, 0.20, 0.02, 0.03]]
)
AI_P = np.array([[0.86, 0.02, 0.12], [0.02, 0.83, 0.15], [0.05, 0.75, 0.20], [0.06, 0.70, 0.24]])
RELATIE_P = np.array(
    [
        [0.55, 0.05, 0.15, 0.10, 0.15],
        [0.30, 0.35, 0.15, 0.08, 0.12],
        [0.08, 0.10, 0.12, 0.55, 0.15],
        [0.30, 0.10, 0.20, 0.15, 0.25],
    ]
)
# Deepnude share grows linearly over the period; the rest splits real/sextortion/other as below.
DEEPNUDE_SHARE = {"childfocus": (0.30, 0.44), "igvm": (0.26, 0.38)}
NON_DEEPNUDE_SPLIT = {"childfocus": np.array([0.47, 0.37, 0.16]), "igvm": np.array([0.52, 0.33, 0.15])}

CF_AGES = np.arange(8, 20)
CF_AGE_W = np.array([1, 1.5, 2, 3.5, 7, 10, 13, 16, 18, 17, 3, 1])  # mostly 12-17, a few under 12 and 18+

# --- igvm codes ------------------------------------------------------------------------------
CHANNEL = ("web_form", "phone", "email")
CHANNEL_P = np.array([0.55, 0.30, 0.15])
INCIDENT_TYPE = ("deepfake_nude", "real_image_shared", "sextortion", "other")
GENDER = ("female", "male", "non_binary", "undisclosed")
GENDER_P = np.array(
    [[0.90, 0.06, 0.02, 0.02], [0.82, 0.13, 0.02, 0.03], [0.55, 0.40, 0.02, 0.03], [0.75, 0.18, 0.03, 0.04]]
)
REGION = ("flanders", "wallonia", "brussels", None)
REGION_P = np.array([0.56, 0.28, 0.11, 0.05])
AI_JSON = ("true", "false", "null")
AI_JSON_P = np.array([[0.90, 0.02, 0.08], [0.02, 0.85, 0.13], [0.04, 0.80, 0.16], [0.05, 0.75, 0.20]])
OFFENDER = ("partner_or_ex", "acquaintance", "colleague", "stranger", "unknown")
OFFENDER_P = np.array(
    [
        [0.15, 0.30, 0.15, 0.15, 0.25],
        [0.55, 0.20, 0.05, 0.07, 0.13],
        [0.05, 0.10, 0.03, 0.62, 0.20],
        [0.25, 0.25, 0.10, 0.15, 0.25],
    ]
)

# --- takedown --------------------------------------------------------------------------------
CONTENT_TYPE = ("image", "video", "account", "link")
CONTENT_TYPE_P = np.array([0.52, 0.16, 0.18, 0.14])
OUTCOME = ("removed", "geo_blocked", "rejected", "no_response")
# Per platform (PLATFORMS order): final outcome probabilities and median hours to removal.
OUTCOME_P = np.array(
    [
        [0.80, 0.04, 0.11, 0.05],  # snapchat
        [0.58, 0.12, 0.20, 0.10],  # x
        [0.76, 0.05, 0.13, 0.06],  # instagram
        [0.76, 0.05, 0.13, 0.06],  # tiktok
        [0.50, 0.06, 0.14, 0.30],  # telegram
        [0.60, 0.05, 0.20, 0.15],  # whatsapp
        [0.74, 0.06, 0.14, 0.06],  # facebook
        [0.70, 0.05, 0.15, 0.10],  # discord
        [0.72, 0.05, 0.16, 0.07],  # messenger
        [0.78, 0.06, 0.12, 0.04],  # youtube
        [0.72, 0.06, 0.14, 0.08],  # reddit
        [0.45, 0.05, 0.20, 0.30],  # other
        [0.70, 0.05, 0.15, 0.10],  # bluesky
    ]
)
REMOVAL_MEDIAN_HOURS = np.array([20, 60, 30, 26, 96, 50, 40, 36, 40, 30, 44, 80, 48], dtype=float)
# Requests per platform a case names: 0..3 (several pieces of content on one platform happen).
REQUESTS_PER_PLATFORM_P = np.array([0.50, 0.40, 0.08, 0.02])

# --- personal data ---------------------------------------------------------------------------
FIRST_NAMES = (
    "Emma",
    "Olivia",
    "Louise",
    "Mila",
    "Noor",
    "Lotte",
    "Nora",
    "Elena",
    "Julie",
    "Marie",
    "Léa",
    "Chloé",
    "Zoë",
    "Anaïs",
    "Maëlle",
    "Hélène",
    "Inès",
    "Amélie",
    "Noémie",
    "Océane",
    "Camille",
    "Lina",
    "Sara",
    "Yasmine",
    "Fatima",
    "Hanne",
    "Fien",
    "Jana",
    "Lien",
    "Febe",
    "Lucas",
    "Arthur",
    "Noah",
    "Louis",
    "Liam",
    "Jules",
    "Adam",
    "Victor",
    "Finn",
    "Mathis",
    "Raphaël",
    "Loïc",
    "Noël",
    "Théo",
    "Zoé",
    "Cédric",
    "François",
    "Jérôme",
    "Mehdi",
    "Senne",
    "Wout",
    "Stijn",
    "Annelies",
    "Griet",
    "Sofie",
    "Els",
    "Katrien",
    "Ilse",
    "Nathalie",
    "Véronique",
)
LAST_NAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Leroy",
    "Simon",
    "Laurent",
    "Vermeulen",
    "Van den Broeck",
    "Desmet",
    "Verstraete",
    "Hermans",
    "Lemmens",
    "Michiels",
    "Declercq",
    "Pauwels",
    "Dumont",
    "Lefèvre",
    "Gérard",
    "Noël",
    "Hendrickx",
    "Aerts",
    "Van Damme",
    "Claeys",
    "Coppens",
    "Stevens",
    "D'Hondt",
    "Öztürk",
    "Yilmaz",
    "El Amrani",
    "Benali",
    "Bakkali",
    "Vandenberghe",
    "Ménard",
    "Deprez",
    "François",
    "Renard",
    "Mathieu",
    "Vanhoutte",
    "Moens",
)
MOBILE_PREFIXES = np.array(
    [
        456,
        460,
        465,
        466,
        467,
        468,
        470,
        471,
        472,
        473,
        474,
        475,
        476,
        477,
        478,
        479,
        483,
        484,
        485,
        486,
        487,
        488,
        489,
        490,
        491,
        492,
        493,
        494,
        495,
        496,
        497,
        498,
        499,
    ]
)
EUROS = ("50", "100", "150", "200", "250", "300", "500", "1.000")

# Free-text summaries: "<lead> <name> (<phone>) <body>". A body may hold one "{eur}".
CF_LEADS = ("Melder", "Oproeper", "Contactpersoon", "Beller")
# One tuple of bodies per incident type (Deepnude, real images, Sextortion, Andere).
CF_BODIES = (
    (
        (
            "zegt dat een klasgenoot met een ‘uitkleed-app’ een naaktbeeld maakte en verspreidde; "
            "gesprek beëindigd, ouders verwittigd."
        ),
        (
            "meldt een nep-naaktfoto die in een groepschat circuleert; "
            "slachtoffer erg aangeslagen, doorverwezen naar politie."
        ),
        (
            "ontdekte een AI-beeld gemaakt op basis van een profielfoto; "
            "verwijderingsverzoek ingediend, school geïnformeerd."
        ),
        "vertelt dat leeftijdsgenoten “grappige” deepnudes van meisjes uit de klas delen; info gegeven over aangifte.",
    ),
    (
        "zegt dat een ex-vriend intieme foto's doorstuurde zonder toestemming; gesprek beëindigd, ouders verwittigd.",
        'meldt dat naaktbeelden "per ongeluk" in een klasgroep belandden; school en CLB zijn geïnformeerd.',
        "vertelt dat een video van het slachtoffer rondgaat; slachtoffer wil geen aangifte, opvolging na één week.",
    ),
    (
        (
            "wordt afgeperst: de dader eist €{eur} in ruil voor het niet verspreiden van beelden; "
            "geen betaling gedaan, aangifte aangeraden."
        ),
        (
            "kreeg dreigberichten van een onbekend profiel dat €{eur} vraagt via cadeaukaarten; "
            "account geblokkeerd, bewijs bewaard."
        ),
        (
            "zegt dat de dader dreigt foto's naar familie te sturen; "
            "slachtoffer betaalde al €{eur}, doorverwezen naar politie."
        ),
    ),
    (
        "heeft vragen na het zien van beelden van een leeftijdsgenoot; info gegeven over ‘Stop Sextortion’ en 116 000.",
        "belt voor advies: een leerkracht kreeg een gemanipuleerd beeld doorgestuurd; doorverwezen naar de hulplijn.",
        "wil weten hoe beelden te laten verwijderen; uitleg gegeven, oproeper geëmotioneerd maar gerustgesteld.",
    ),
)
IGVM_LEADS = {"nl": ("Melder", "Contactpersoon"), "fr": ("Déclarante", "Personne de contact")}
IGVM_BODIES = {
    "nl": (
        (
            "meldt een gemanipuleerd naaktbeeld dat een collega via sociale media verspreidt; aangifte overwogen.",
            (
                "ontdekte een deepfake-video met haar gezicht; "
                "verwijderingsverzoeken ingediend, ideeën voor opvolging besproken."
            ),
        ),
        (
            (
                "zegt dat een ex-partner intieme beelden online zette; "
                "slachtoffer wil klacht indienen, info over procedure gegeven."
            ),
            "meldt dat privéfoto's zonder toestemming in een groep werden gedeeld; doorverwezen naar slachtofferhulp.",
        ),
        (
            "wordt afgeperst: de dader eist €{eur} om beelden niet te verspreiden; niet betaald, aangifte aangeraden.",
            "kreeg berichten van een nepprofiel dat €{eur} vraagt; account gerapporteerd, bewijs bewaard.",
        ),
        ("vraagt advies over een “verdacht” bericht met een link naar beelden; info gegeven over het meldpunt.",),
    ),
    "fr": (
        (
            (
                "signale qu'une fausse image dénudée circule sur les réseaux; "
                "plainte envisagée, demande de retrait envoyée."
            ),
        ),
        ("déclare qu'un ex-partenaire a publié des photos intimes sans accord; orientée vers l'aide aux victimes.",),
        (
            (
                "subit un chantage: l'auteur exige €{eur} pour ne pas diffuser les images; "
                "pas de paiement, plainte conseillée."
            ),
        ),
        ("demande des conseils après avoir reçu un message « suspect »; informations données sur le signalement.",),
    ),
}
