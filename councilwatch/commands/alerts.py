"""Commands for alerts. (Filled in by its issue.)"""
