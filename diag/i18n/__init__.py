"""Message catalogs of the customer-side UI (CLI and wizard). The mechanism is shared: reports.i18n."""

from reports.i18n import LANGS, Catalog, Lang, detect_lang

__all__ = ["LANGS", "Catalog", "Lang", "detect_lang"]
