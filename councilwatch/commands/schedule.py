"""Commands for schedule. (Filled in by its issue.)"""
