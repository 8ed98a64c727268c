"""Label colours are #rrggbb and notes have a length limit; colours stored before that
are made to fit (#abc is widened to #aabbcc, anything else becomes a neutral grey)."""

import re

import django.core.validators
from django.db import migrations, models

RRGGBB = re.compile(r"\A#[0-9a-fA-F]{6}\Z")
RGB = re.compile(r"\A#?([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])\Z")


def fit_colours(apps, schema_editor):
    Label = apps.get_model("annotations", "Label")
    for label in Label.objects.all().only("pk", "colour"):
        colour = label.colour.strip()
        if RRGGBB.match(colour):
            if colour != label.colour:
                Label.objects.filter(pk=label.pk).update(colour=colour)
            continue
        if short := RGB.match(colour):
            colour = "#" + "".join(c * 2 for c in short.groups())
        elif RRGGBB.match("#" + colour):
            colour = "#" + colour
        else:
            colour = "#555555"
        Label.objects.filter(pk=label.pk).update(colour=colour.lower())


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0010_annotation_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="annotation",
            name="note",
            field=models.TextField(
                blank=True, validators=[django.core.validators.MaxLengthValidator(5000)]
            ),
        ),
        migrations.AlterField(
            model_name="label",
            name="colour",
            field=models.CharField(
                help_text="#rrggbb, used for the label chip.",
                max_length=7,
                validators=[
                    django.core.validators.RegexValidator(
                        "\\A#[0-9a-fA-F]{6}\\Z",
                        "Enter a colour as # and six hex digits (#rrggbb), e.g. #2f6f4f.",
                    )
                ],
            ),
        ),
        migrations.RunPython(fit_colours, migrations.RunPython.noop),
    ]
