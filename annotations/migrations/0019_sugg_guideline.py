"""Issue 13's codebook and lexicon: the Source guideline says what each identification means
(as the suggesters propose it), and the framing words added to the suggesters reach the
database lexicon. Both undone by running it backwards; what an admin edited is left alone.
"""

from django.db import migrations

OLD_SOURCE_GUIDELINE = (
    "Who the information comes from, as the article identifies them: the whole "
    "phrase, with its apposition or “who requested anonymity” clause. Link later "
    "mentions of the same source (“the source”) with “same source as”."
)
SOURCE_GUIDELINE = (
    "Who the information comes from, as the article identifies them: the whole "
    "phrase, with its apposition or “who requested anonymity” clause. Link later "
    "mentions of the same source (“the source”, “he”, “they”) with “same source as”.\n"
    "Identification: named — a person or body given by name (“Maria Lopez”, “the "
    "Interior Ministry”, “Reuters”); partially identified — an unnamed institution or "
    "one office named by its role (“the ministry”, “the police”, “the labour minister”); "
    "anonymous — unnamed people (“officials”, “aides”, “a diplomat”, “people familiar "
    "with the talks”) and any source said to be unnamed or speaking on condition of "
    "anonymity."
)
# The words the suggesters' lexicon gained for issue 13, frozen as they were added.
NEW_TERMS = {
    "loaded word": [
        "trashed", "hawkish", "dovish", "bombshell", "slashes", "slashed", "shambolic",
        "sellout", "sell-out", "caved in", "propaganda", "smear campaign", "power grab",
        "alarmist", "fiasco", "debacle", "draconian", "scandal", "scandalous", "disgraceful",
        "outrageous", "shocking", "explosive", "fury", "outrage", "lashed out", "hit out",
        "savaged", "torpedoed", "gutted", "doomed", "disastrous", "disaster", "humiliating",
        "humiliation", "embattled", "beleaguered", "controversial", "notorious", "infamous",
        "radical", "lavish", "bloated", "handout", "handouts", "scrounger", "scroungers",
        "meltdown", "collapse", "plunged", "soared", "skyrocketed", "spiralling", "spiraling",
        "cronies", "cronyism", "elite", "elites", "repelled", "crippling",
        "widely criticised", "widely criticized", "botched",
    ],
}  # fmt: skip


def _source_labels(apps):
    Label = apps.get_model("annotations", "Label")
    return Label.objects.filter(codebook__is_default=True, category="source", name="Source")


def install(apps, schema_editor):
    _source_labels(apps).filter(guideline=OLD_SOURCE_GUIDELINE).update(guideline=SOURCE_GUIDELINE)
    FramingTerm = apps.get_model("annotations", "FramingTerm")
    FramingTerm.objects.bulk_create(
        [
            FramingTerm(language="en", expression=expression, device=device)
            for device, expressions in NEW_TERMS.items()
            for expression in expressions
        ],
        ignore_conflicts=True,  # a word the admin already added stays as they made it
    )


def uninstall(apps, schema_editor):
    _source_labels(apps).filter(guideline=SOURCE_GUIDELINE).update(guideline=OLD_SOURCE_GUIDELINE)
    FramingTerm = apps.get_model("annotations", "FramingTerm")
    for device, expressions in NEW_TERMS.items():
        FramingTerm.objects.filter(
            language="en", device=device, expression__in=expressions, note=""
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("annotations", "0018_sugg_links")]

    operations = [migrations.RunPython(install, uninstall)]
