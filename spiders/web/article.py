"""Pure parsers for news articles. (Placeholder: the news issue fills it in.)"""

PARSERS: list = []
