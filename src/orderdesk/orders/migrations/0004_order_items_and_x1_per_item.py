"""Issue 15 item 4: an order carries several devices (``OrderItem``); each existing order
becomes one item (its variant, answers, estimate and, once inspected, its final price)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OPEN_STATUSES = ("created", "vendor_assigned", "pickup_scheduled", "out_for_pickup", "inspected", "paid")


def one_item_per_order(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderItem = apps.get_model("orders", "OrderItem")
    batch = []
    for order in Order.objects.order_by("pk").iterator(chunk_size=2000):
        inspected = order.final_price is not None
        batch.append(
            OrderItem(
                order_id=order.pk,
                position=1,
                customer_id=order.customer_id,
                device_model_id=order.device_model_id,
                variant_id=order.variant_id,
                quantity=1,
                answers=order.answers,
                quote_id=order.quote_id,
                unit_price=order.estimated_price,
                estimated_price=order.estimated_price,
                outcome="accepted" if inspected else "pending",
                accepted_quantity=1 if inspected else None,
                final_price=order.final_price,
                guard_key=order.guard_key,
                is_open=order.status in OPEN_STATUSES,
            )
        )
        if len(batch) >= 2000:
            OrderItem.objects.bulk_create(batch)
            batch = []
    if batch:
        OrderItem.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_condition_texts_in_hindi"),
        ("customers", "0002_retentionstate"),
        ("orders", "0003_order_updated_at_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(help_text="1, 2, … in the order")),
                ("quantity", models.PositiveSmallIntegerField(default=1)),
                ("answers", models.JSONField(help_text="condition answers {question_key: option_key}")),
                ("unit_price", models.PositiveIntegerField(help_text="rupees per device, computed by the server")),
                ("estimated_price", models.PositiveIntegerField(help_text="unit_price x quantity (M3)")),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("pending", "Not inspected yet"),
                            ("accepted", "Accepted"),
                            ("partly_accepted", "Partly accepted"),
                            ("returned", "Returned to the customer"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("accepted_quantity", models.PositiveSmallIntegerField(blank=True, null=True)),
                (
                    "final_price",
                    models.PositiveIntegerField(
                        blank=True, help_text="rupees for the accepted devices, set at inspection", null=True
                    ),
                ),
                ("guard_key", models.CharField(blank=True, default="", max_length=64)),
                ("is_open", models.BooleanField(default=True)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="customers.customer"
                    ),
                ),
                (
                    "device_model",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="order_items",
                        to="catalog.devicemodel",
                    ),
                ),
                (
                    "order",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="items", to="orders.order"
                    ),
                ),
                (
                    "quote",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="catalog.quote",
                    ),
                ),
                (
                    "variant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="order_items",
                        to="catalog.variant",
                    ),
                ),
            ],
            options={
                "ordering": ["order_id", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("is_open", True)),
                        fields=("customer", "device_model", "guard_key"),
                        name="one_open_item_per_customer_device",
                    ),
                    models.UniqueConstraint(fields=("order", "position"), name="order_item_position"),
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gte", 1), ("quantity__lte", 5)),
                        name="order_item_quantity_bounded",
                    ),
                ],
            },
        ),
        migrations.AlterField(
            model_name="order",
            name="estimated_price",
            field=models.PositiveIntegerField(
                help_text="rupees, computed by the server (M3): the sum of the items' estimates"
            ),
        ),
        migrations.AlterField(
            model_name="order",
            name="final_price",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="rupees, set at inspection (O4): the sum of the accepted items' prices",
                null=True,
            ),
        ),
        migrations.RunPython(one_item_per_order, migrations.RunPython.noop),
        # X1 is now the items' index (one_open_item_per_customer_device), and a
        # supervisor's override can be granted ahead (DuplicateOverride).
        migrations.CreateModel(
            name='DuplicateOverride',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=300)),
                ('granted_at', models.DateTimeField(auto_now_add=True)),
                ('guard_key', models.CharField(max_length=64, unique=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='order',
            name='one_open_order_per_customer_device',
        ),
        migrations.AddField(
            model_name='duplicateoverride',
            name='customer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer'),
        ),
        migrations.AddField(
            model_name='duplicateoverride',
            name='device_model',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.devicemodel'),
        ),
        migrations.AddField(
            model_name='duplicateoverride',
            name='for_order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='duplicate_overrides', to='orders.order'),
        ),
        migrations.AddField(
            model_name='duplicateoverride',
            name='granted_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='duplicateoverride',
            name='used_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orders.order'),
        ),
    ]
