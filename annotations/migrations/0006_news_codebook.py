"""The news codebook: what kind of source, claim and framing device, per the issue's list.

Updates the starting codebook's three labels in place (their names and keys stay), so
tags made with them keep working; the two framing device values that were renamed are
renamed in the tags too. Running it backwards restores the old schemas and values.
"""

from django.db import migrations

SOURCE_TYPES = [
    "government or official",
    "security or intelligence",
    "military",
    "diplomat or mediator",
    "state media",
    "news agency or other media",
    "party or armed group",
    "NGO or UN",
    "expert",
    "witness or citizen",
    "document",
]
DEVICES = [
    "labeling or name-calling",
    "loaded word",
    "scare quotes or distancing",
    "euphemism",
    "hedging",
    "agency hidden by passive voice",
]
# The 15 dimensions of the Media Frames Corpus (Card et al., 2015).
FRAME_DIMENSIONS = [
    "economic",
    "capacity and resources",
    "morality",
    "fairness and equality",
    "legality and constitutionality",
    "policy prescription",
    "crime and punishment",
    "security and defence",
    "health and safety",
    "quality of life",
    "cultural identity",
    "public opinion",
    "political",
    "external regulation and reputation",
    "other",
]


def choice(name, values):
    return {"name": name, "kind": "choice", "values": values, "required": False}


NEWS_SCHEMAS = {
    "Source": [
        choice("identification", ["named", "partially identified", "anonymous"]),
        choice("source type", SOURCE_TYPES),
        {"name": "affiliation", "kind": "entity", "required": False},
        {"name": "reason for anonymity given", "kind": "bool", "required": False},
        {"name": "cue", "kind": "text", "required": False},
    ],
    "Claim": [
        choice(
            "type",
            [
                "factual event",
                "statistic or number",
                "prediction",
                "quote",
                "characterisation or opinion",
            ],
        ),
        {"name": "check-worthy", "kind": "bool", "required": False},
        choice("attributed", ["yes", "no", "unclear"]),
    ],
    "Framing": [
        choice("device", DEVICES),
        choice("frame dimension", FRAME_DIMENSIONS),
        choice("voice", ["reporter's own", "attributed"]),
    ],
}
GUIDELINES = {
    "Source": (
        "Who the information comes from, as the article identifies them: the whole "
        "phrase, with its apposition or “who requested anonymity” clause. Link later "
        "mentions of the same source (“the source”) with “same source as”."
    ),
    "Claim": (
        "An assertion of fact, a number, a prediction, a quote or an opinion the article "
        "makes or reports. Link it to the source it rests on."
    ),
    "Framing": (
        "Words that frame: labels (“the terrorist group”), loaded words, scare quotes and "
        "“so-called”, euphemisms, hedges, passives that hide who acted."
    ),
}
RENAMED_DEVICES = {
    "label": "labeling or name-calling",
    "scare quotes": "scare quotes or distancing",
}
OLD_SCHEMAS = {
    "Source": [choice("identification", ["named", "partially identified", "anonymous"])],
    "Claim": [{"name": "check-worthy", "kind": "bool", "required": False}],
    "Framing": [choice("device", ["label", "loaded word", "scare quotes", "euphemism", "hedging"])],
}


def _apply(apps, schemas, renames, codebook_name, new_name):
    Codebook = apps.get_model("annotations", "Codebook")
    Label = apps.get_model("annotations", "Label")
    Annotation = apps.get_model("annotations", "Annotation")
    codebook = Codebook.objects.filter(name=codebook_name).first()
    if codebook is None:
        return
    if not Codebook.objects.filter(name=new_name).exists():
        codebook.name = new_name
        codebook.description = (
            "Sources, claims and framing for studying how the news is sourced and framed."
        )
        codebook.save(update_fields=["name", "description"])
    for label in Label.objects.filter(codebook=codebook, name__in=schemas):
        label.attribute_schema = schemas[label.name]
        if label.name in GUIDELINES:
            label.guideline = GUIDELINES[label.name]
        label.save(update_fields=["attribute_schema", "guideline"])
        if label.name != "Framing":
            continue
        for tag in Annotation.objects.filter(label=label, attributes__has_key="device"):
            if tag.attributes["device"] in renames:
                tag.attributes["device"] = renames[tag.attributes["device"]]
                tag.save(update_fields=["attributes"])


def install(apps, schema_editor):
    _apply(apps, NEWS_SCHEMAS, RENAMED_DEVICES, "Default", "News")


def uninstall(apps, schema_editor):
    back = {new: old for old, new in RENAMED_DEVICES.items()}
    _apply(apps, OLD_SCHEMAS, back, "News", "Default")


class Migration(migrations.Migration):
    dependencies = [("annotations", "0005_label_shortcut_help")]

    operations = [migrations.RunPython(install, uninstall)]
