"""Issue 21, 10: the one-time phone code moves from storefront to customers, in state only.

The table stays ``storefront_phoneverification`` (storefront 0001 created it); nothing in
the database changes, so existing codes keep working. No dependency on storefront: this
changes no table, and depending on it would reorder storefront's data migrations.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_retentionstate"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PhoneVerification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code_hash", models.CharField(max_length=64)),
                        ("salt", models.CharField(max_length=32)),
                        ("created_at", models.DateTimeField(db_index=True)),
                        ("expires_at", models.DateTimeField()),
                        ("attempts", models.PositiveSmallIntegerField(default=0, help_text="wrong codes tried")),
                        ("verified_at", models.DateTimeField(blank=True, null=True)),
                        ("customer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="phone_verifications", to="customers.customer")),
                    ],
                    options={"db_table": "storefront_phoneverification", "ordering": ["-created_at", "-id"]},
                ),
            ],
        ),
    ]
