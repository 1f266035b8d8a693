from django.db import models


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    HINDI = "hi", "Hindi"
    TAMIL = "ta", "Tamil"
    TELUGU = "te", "Telugu"
    KANNADA = "kn", "Kannada"
    MARATHI = "mr", "Marathi"
    BENGALI = "bn", "Bengali"
