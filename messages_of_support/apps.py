from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagesOfSupportConfig(AppConfig):
    name = "messages_of_support"
    verbose_name = _("Messages of support")
