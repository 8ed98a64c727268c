"""0019: the Source guideline's identification meanings and issue 13's lexicon words, both ways."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from annotations import suggest

BEFORE = [("annotations", "0018_sugg_links")]
AFTER = [("annotations", "0019_sugg_guideline")]
MIGRATION = importlib.import_module("annotations.migrations.0019_sugg_guideline")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def before_0019():
    """The database just before 0019, its migration data put back (an earlier
    transactional test's flush may have taken it)."""
    apps = migrate(BEFORE)
    for name in ("0002_default_codebook", "0006_news_codebook", "0008_default_lexicon"):
        importlib.import_module(f"annotations.migrations.{name}").install(apps, None)
    return apps


def source_guideline(apps):
    Label = apps.get_model("annotations", "Label")
    return Label.objects.get(codebook__is_default=True, name="Source").guideline


def expressions(apps):
    FramingTerm = apps.get_model("annotations", "FramingTerm")
    return set(FramingTerm.objects.values_list("expression", flat=True))


@pytest.mark.django_db(transaction=True)
def test_it_installs_the_guideline_and_the_new_words_and_takes_them_back():
    try:
        apps = before_0019()
        assert source_guideline(apps) == MIGRATION.OLD_SOURCE_GUIDELINE
        assert "bombshell" not in expressions(apps)
        apps = migrate(AFTER)
        guideline = source_guideline(apps)
        assert "unnamed people" in guideline and "unnamed institution" in guideline
        # The database lexicon now holds every word the suggesters ship with.
        shipped = {entry.expression for entry in suggest.default_lexicon()}
        assert shipped <= expressions(apps)
        apps = migrate(BEFORE)
        assert source_guideline(apps) == MIGRATION.OLD_SOURCE_GUIDELINE
        assert not {"bombshell", "hawkish", "trashed"} & expressions(apps)
        assert "so-called" in expressions(apps)  # 0008's words stay
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_it_leaves_what_the_admin_edited_alone():
    try:
        apps = before_0019()
        Label = apps.get_model("annotations", "Label")
        FramingTerm = apps.get_model("annotations", "FramingTerm")
        Label.objects.filter(name="Source").update(guideline="Our own rules.")
        FramingTerm.objects.create(expression="fiasco", device="hedging", note="ours")
        apps = migrate(AFTER)
        assert source_guideline(apps) == "Our own rules."
        FramingTerm = apps.get_model("annotations", "FramingTerm")
        assert FramingTerm.objects.get(expression="fiasco").device == "hedging"
        apps = migrate(BEFORE)
        FramingTerm = apps.get_model("annotations", "FramingTerm")
        assert FramingTerm.objects.filter(expression="fiasco", note="ours").exists()
    finally:
        call_command("migrate", verbosity=0)
