"""Crawl locks shared through the database. (Placeholder: the scheduler issue fills it in.)"""
