"""Commands for compare. (Filled in by its issue.)"""
