import pytest

from orderdesk.core.errors import ValidationFailed
from orderdesk.core.models import AuditEvent
from orderdesk.customers.actions import add_address, get_or_create_customer, update_preferences
from orderdesk.customers.models import Address, Customer
from orderdesk.customers.selectors import search_customers


def test_three_ways_of_typing_one_number_are_one_customer(db):
    first, created = get_or_create_customer(name="Asha Rao", phone="98765 43210")
    again, created_again = get_or_create_customer(name="Asha R", phone="+91-98765-43210")
    third, _ = get_or_create_customer(name="", phone="09876543210")
    assert created and not created_again
    assert first.pk == again.pk == third.pk
    assert Customer.objects.get().phone == "+919876543210"
    assert AuditEvent.objects.filter(action="customer.create").count() == 1


def test_audit_of_customer_keeps_phone_masked(db):
    get_or_create_customer(name="Asha Rao", phone="9876543210")
    event = AuditEvent.objects.get(action="customer.create")
    assert event.after["phone"] == "+91•••••43210"
    assert "9876543210" not in str(event.after)


def test_new_customer_needs_a_name_and_nothing_is_created(db):
    with pytest.raises(ValidationFailed) as err:
        get_or_create_customer(name="  ", phone="9876543210")
    assert (err.value.field, err.value.code) == ("name", "required")
    assert Customer.objects.count() == 0 and AuditEvent.objects.count() == 0


@pytest.mark.parametrize("pincode", ["56003", "5600345", "056003", "56O034", ""])
def test_pincode_must_be_six_digits_not_starting_with_zero(db, pincode):
    customer, _ = get_or_create_customer(name="Asha", phone="9876543210")
    with pytest.raises(ValidationFailed) as err:
        add_address(
            customer, line1="12 MG Road", landmark="Near Metro", city="Bengaluru", pincode=pincode
        )
    assert (err.value.field, err.value.code) == ("pincode", "pincode_invalid")
    assert Address.objects.count() == 0


def test_address_needs_landmark(db):
    customer, _ = get_or_create_customer(name="Asha", phone="9876543210")
    with pytest.raises(ValidationFailed) as err:
        add_address(customer, line1="12 MG Road", landmark=" ", city="Bengaluru", pincode="560001")
    assert (err.value.field, err.value.code) == ("landmark", "address_incomplete")
    assert Address.objects.count() == 0


def test_address_and_preferences_are_saved_and_audited(db):
    customer, _ = get_or_create_customer(name="Asha", phone="9876543210")
    address = add_address(
        customer, line1="12 MG Road", landmark="Opp. Metro", city="Bengaluru", pincode=" 560001"
    )
    assert address.pincode == "560001"
    update_preferences(
        customer, whatsapp_opt_in=True, accessibility_needs="hard of hearing — prefers WhatsApp"
    )
    customer.refresh_from_db()
    assert customer.whatsapp_opt_in and customer.accessibility_needs.startswith("hard of hearing")
    event = AuditEvent.objects.get(action="customer.update_preferences")
    assert event.before["whatsapp_opt_in"] is False and event.after["whatsapp_opt_in"] is True
    assert AuditEvent.objects.filter(action="address.create").count() == 1


def test_search_by_any_phone_format_or_name(db):
    get_or_create_customer(name="Asha Rao", phone="9876543210")
    get_or_create_customer(name="Vikram Shah", phone="9123456780")
    assert [c.name for c in search_customers("098765 43210")] == ["Asha Rao"]
    assert [c.name for c in search_customers("vikram")] == ["Vikram Shah"]
    assert list(search_customers("")) == []
