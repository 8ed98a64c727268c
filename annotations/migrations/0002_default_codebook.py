from django.db import migrations

IDENTIFICATION = ["named", "partially identified", "anonymous"]
DEFAULT_LABELS = [
    # category, name, colour, shortcut, guideline, attribute schema
    (
        "claim",
        "Claim",
        "#c2410c",
        "c",
        "An assertion of fact, a number or a prediction the article makes or reports.",
        [{"name": "check-worthy", "kind": "bool", "required": False}],
    ),
    (
        "source",
        "Source",
        "#1d5fa8",
        "s",
        "Who the information is said to come from, as the article identifies them.",
        [
            {
                "name": "identification",
                "kind": "choice",
                "values": IDENTIFICATION,
                "required": False,
            }
        ],
    ),
    (
        "framing",
        "Framing",
        "#8e3b8e",
        "f",
        "Word choices and devices that frame the story: labels, loaded words, scare quotes.",
        [
            {
                "name": "device",
                "kind": "choice",
                "values": ["label", "loaded word", "scare quotes", "euphemism", "hedging"],
                "required": False,
            }
        ],
    ),
]


def install(apps, schema_editor):
    Codebook = apps.get_model("annotations", "Codebook")
    Label = apps.get_model("annotations", "Label")
    codebook, _ = Codebook.objects.get_or_create(
        name="Default",
        defaults={
            "description": "Claims, sources and framing: the starting codebook.",
            "is_default": not Codebook.objects.filter(is_default=True).exists(),
        },
    )
    for position, (category, name, colour, key, guideline, attrs) in enumerate(DEFAULT_LABELS):
        Label.objects.get_or_create(
            codebook=codebook,
            name=name,
            defaults={
                "category": category,
                "colour": colour,
                "shortcut": key,
                "guideline": guideline,
                "attribute_schema": attrs,
                "position": position,
            },
        )


def uninstall(apps, schema_editor):
    Codebook = apps.get_model("annotations", "Codebook")
    Codebook.objects.filter(name="Default", labels__annotations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
