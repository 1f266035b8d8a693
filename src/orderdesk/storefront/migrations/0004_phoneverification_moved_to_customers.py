"""Issue 21, 10: PhoneVerification now lives in customers (state only; the table stays)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0003_tracking_link_and_phone_code"),
        ("customers", "0003_phoneverification_moved_from_storefront"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="PhoneVerification")],
        ),
    ]
