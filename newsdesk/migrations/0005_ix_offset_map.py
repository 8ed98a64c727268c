from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsdesk", "0004_web_links_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="offset_map",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
