"""Benchmarks: synthetic corpora and the timed runs behind ``manage.py bench`` and
``manage.py bench_browser``. Not imported by the app itself."""
