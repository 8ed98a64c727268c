"""The review bench runs on a small project and reports its rows with their targets."""

import pytest

from annotations.benchmarks import review


@pytest.mark.django_db
def test_it_measures_the_review_pages(monkeypatch, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    real = review.build
    monkeypatch.setattr(review, "build", lambda articles, seed=12: real(min(articles, 3), seed))
    rows = review.measure(1, log=lambda message: None)
    names = [row["name"] for row in rows]
    assert names[0].startswith("agreement") and "comparison page (3 × 50 tags)" in names
    assert any(name.startswith("project dashboard") for name in names)
    assert all(row["median_ms"] > 0 and row["target_ms"] for row in rows)
