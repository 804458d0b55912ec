"""Previous/next article links: sets `prev_article` (older) and `next_article` (newer).

Done once over the sorted list, so templates need no per-page search of all articles.
"""

from pelican import signals


def link_neighbours(generator):
    articles = generator.articles  # newest first
    for index, article in enumerate(articles):
        article.next_article = articles[index - 1] if index > 0 else None
        article.prev_article = articles[index + 1] if index + 1 < len(articles) else None


def register():
    signals.article_generator_finalized.connect(link_neighbours)
