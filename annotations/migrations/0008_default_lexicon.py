"""The framing lexicon a new installation starts with.

Frozen here as it stood then: later words come in their own migrations (0019), so every
database, new or old, ends with the same lexicon and each step can be undone.
"""

from django.db import migrations

DEFAULT_LEXICON = {
    "labeling or name-calling": [
        "terrorist",
        "terrorists",
        "terrorist group",
        "terrorist cell",
        "terrorist organisation",
        "terrorist organization",
        "extremist",
        "extremists",
        "extremist group",
        "thugs",
        "mob",
        "rioters",
        "looters",
        "jihadists",
        "radicals",
        "fanatics",
        "saboteurs",
        "infiltrators",
        "regime",
        "occupation regime",
        "zionist regime",
        "puppet government",
        "martyr",
        "martyrs",
        "freedom fighters",
        "hardline",
        "hardliners",
        "warmongers",
        "invaders",
    ],
    "loaded word": [
        "massacre",
        "slaughter",
        "bloodbath",
        "carnage",
        "cowardly",
        "barbaric",
        "brutal",
        "heinous",
        "atrocity",
        "atrocities",
        "crackdown",
        "stormed",
        "slammed",
        "blasted",
        "catastrophic",
        "devastated",
        "devastating",
        "reckless",
        "rigged",
        "witch hunt",
        "liberated",
        "invasion",
        "onslaught",
        "flood of",
        "swarm",
        "hordes",
        "crisis",
        "chaos",
    ],
    "scare quotes or distancing": ["so-called", "self-styled", "self-proclaimed", "purported"],
    "euphemism": [
        "neutralised",
        "neutralized",
        "collateral damage",
        "enhanced interrogation",
        "pacification",
        "relocated",
        "surgical strike",
        "downsizing",
    ],
    "hedging": [
        "reportedly",
        "allegedly",
        "apparently",
        "purportedly",
        "widely believed",
        "it is believed",
        "appears to",
        "seems to",
        "sources say",
        "it is understood",
    ],
}


def install(apps, schema_editor):
    FramingTerm = apps.get_model("annotations", "FramingTerm")
    FramingTerm.objects.bulk_create(
        [
            FramingTerm(language="en", expression=expression, device=device)
            for device, expressions in DEFAULT_LEXICON.items()
            for expression in expressions
        ],
        ignore_conflicts=True,
    )


def uninstall(apps, schema_editor):
    FramingTerm = apps.get_model("annotations", "FramingTerm")
    FramingTerm.objects.filter(language="en", note="").delete()


class Migration(migrations.Migration):
    dependencies = [("annotations", "0007_suggestions_and_lexicon")]

    operations = [migrations.RunPython(install, uninstall)]
