import pytest

from annotations.benchmarks import article_list
from newsdesk.models import Article

pytestmark = pytest.mark.django_db


def test_it_times_the_article_list_and_checks_its_queries_stay_constant():
    row = article_list.measure(runs=3, articles=60, size=5_000)
    assert Article.objects.count() == 60
    assert row["name"] == "article list (60 articles of 5 KB)"
    assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"]
    assert row["target_ms"] == 100
    assert row["constant_queries"] is True
    assert row["queries"] == row["queries_with_10_articles"]
