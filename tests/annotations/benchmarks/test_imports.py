import io
import zipfile

import pytest

from annotations.benchmarks import imports as benchmark
from newsdesk.models import Article, ImportItem


def test_the_synthetic_zip_holds_distinct_articles():
    data = benchmark.build_zip(20)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        texts = [archive.read(name) for name in archive.namelist()]
    assert len(texts) == len(set(texts)) == 20


# A transactional test: the import and NER run on commit, as in the bench command.
@pytest.mark.django_db(transaction=True)
def test_it_measures_a_real_import_with_entities():
    result = benchmark.measure_import(5)
    assert result["articles"] == 5 and result["articles_per_minute"] > 0
    assert Article.objects.filter(status="ready").count() == 5
    assert Article.objects.filter(mentions__label="GPE").distinct().count() == 5
    assert ImportItem.objects.filter(status="imported").count() == 5
