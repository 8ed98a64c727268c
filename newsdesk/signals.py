"""What the newsroom side announces, for the coding side (or anything else) to react to.

newsdesk never imports annotations: annotations connects its receivers in its AppConfig.
"""

from django.dispatch import Signal

# Sent once an article's entity mentions are stored and committed, by the worker that
# found them. Arguments: ``article_id``.
entities_extracted = Signal()

# Sent by ``manage.py load_demo`` once the demo accounts and articles exist, so that the
# coding side can put them to work together. Arguments: ``users``, ``articles``.
demo_loaded = Signal()
