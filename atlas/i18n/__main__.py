"""``python -m atlas.i18n``: how far each language is translated and reviewed (DESIGN §8)."""

from atlas.i18n.review import summary

print("\n".join(summary()))
