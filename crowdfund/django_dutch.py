"""Django's own words that its Dutch catalog lacks, so that our catalogs give them.

For a string missing in the active language, Django reads settings.LANGUAGE_CODE's catalog,
Spanish here: the Dutch admin's app tables had the screen-reader headers "Nombre del modelo".
Nothing imports this module. It is here so that `make messages` puts these strings in
locale/, whose catalogs come before Django's. When a new Django brings more such strings,
tests/crowdfund/test_admin_language.py names them. The Dutch follows Django's, which says "u".
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = [
    # The admin's app tables (screen-reader headers), and its page titles after an error.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    # The admin's user form, login page and password-reset email.
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    # A form's answer to a related object that does not exist.
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    # An older wording of the password-length rule, still in Django's Spanish catalog.
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
]
