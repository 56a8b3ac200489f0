"""Commands for demo. (Filled in by its issue.)"""
