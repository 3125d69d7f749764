from django.utils.translation import gettext_lazy as _

SITE_NAME = _("ERO Explained")


def site(request):
    """The site's name and main navigation, for every template."""
    return {
        "site_name": SITE_NAME,
        "main_nav": [
            ("home", _("Home")),
            ("program_list", _("Programs")),
            ("glossary", _("Glossary")),
            ("faq", _("FAQ")),
            ("resources", _("Help and resources")),
            ("source_list", _("Sources")),
            ("about", _("About")),
        ],
    }
