"""The framing lexicon a new installation starts with (annotations.suggest.DEFAULT_LEXICON)."""

from django.db import migrations

from annotations.suggest import DEFAULT_LEXICON


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
