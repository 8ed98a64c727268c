"""What the newsroom side announces, for the coding side (or anything else) to react to.

newsdesk never imports annotations: annotations connects its receivers in its AppConfig.
"""

from django.dispatch import Signal

# Sent once an article's entity mentions are stored and committed, by the worker that
# found them, in that process. Arguments: ``article_id``; ``docs``, the article's parsed
# paragraphs as (offset into the text, spaCy Doc from the whole pipeline) when
# NEWSDESK_SHARE_PARSE is on, else None: a receiver that needs a parse makes its own then.
entities_extracted = Signal()

# Sent by ``manage.py load_demo`` once the demo accounts and articles exist, so that the
# coding side can put them to work together. Arguments: ``users``, ``articles``.
demo_loaded = Signal()
