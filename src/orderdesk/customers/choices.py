from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    HINDI = "hi", _("Hindi")
    TAMIL = "ta", _("Tamil")
    TELUGU = "te", _("Telugu")
    KANNADA = "kn", _("Kannada")
    MARATHI = "mr", _("Marathi")
    BENGALI = "bn", _("Bengali")
