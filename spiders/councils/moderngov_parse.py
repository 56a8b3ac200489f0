"""Pure parsers for ModernGov pages. (Placeholder: the ModernGov issue fills it in.)"""

PARSERS: list = []
