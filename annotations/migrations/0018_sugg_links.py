"""Suggestions keep their link: a pronoun to its antecedent, a claim to its source."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0017_review_consensus"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestion",
            name="link_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="linked_from",
                to="annotations.suggestion",
            ),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="link_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("attributed_to", "attributed to"),
                    ("same_as", "same source as"),
                    ("fragment_of", "continues"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddConstraint(
            model_name="suggestion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("link_to__isnull", True),
                    models.Q(("link_type", ""), _negated=True),
                    _connector="OR",
                ),
                name="suggestion_link_has_type",
            ),
        ),
    ]
