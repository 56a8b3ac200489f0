"""Commands for search. (Filled in by its issue.)"""
