"""Allocation and settings rules of the numbering service."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from mycommerce.plans import Plan
from mycommerce.roles import Role
from numbering.models import NumberingChange, NumberSequence
from numbering.selectors import numbering_preview, numbering_settings_for_store
from numbering.services import numbering_allocate, numbering_update_settings
from orders.models import Order
from tests.factories import MembershipFactory, OrderFactory


def allocate(store, count=1):
    with transaction.atomic():
        return numbering_allocate(store=store, count=count)


def update(membership, next_number=None, prefix="", suffix=""):
    return numbering_update_settings(
        membership=membership, next_number=next_number, prefix=prefix, suffix=suffix
    )


@pytest.mark.django_db
def test_numbers_start_at_one_and_follow_each_other(store):
    assert [a.reference for a in allocate(store, count=3)] == ["1", "2", "3"]
    assert [(a.number, a.reference) for a in allocate(store)] == [(4, "4")]


@pytest.mark.django_db(transaction=True)
def test_allocation_needs_the_callers_transaction(store):
    with pytest.raises(RuntimeError):
        numbering_allocate(store=store)


@pytest.mark.django_db
def test_a_rolled_back_order_does_not_consume_a_number(store):
    OrderFactory(store=store)
    with pytest.raises(IntegrityError), transaction.atomic():
        numbering_allocate(store=store)
        raise IntegrityError("the order failed to save")
    assert OrderFactory(store=store).number == 2
    assert numbering_settings_for_store(store=store).last_issued == 2


@pytest.mark.django_db
def test_prefix_suffix_and_higher_start_apply_to_new_orders_only(store, admin_member):
    old = OrderFactory(store=store)
    update(admin_member, next_number=1006, prefix="MaBoutique-", suffix="-2019")
    new = OrderFactory(store=store)
    old.refresh_from_db()
    assert old.reference == "1"
    assert (new.number, new.reference) == (1006, "MaBoutique-1006-2019")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [1, 5, 9])
def test_next_number_can_only_go_up(store, admin_member, value):
    allocate(store, count=4)
    update(admin_member, next_number=10)
    with pytest.raises(ValidationError) as error:
        update(admin_member, next_number=value)
    assert "Enter 10 or more" in str(error.value.message_dict["next_number"])
    assert numbering_settings_for_store(store=store).next_number == 10


@pytest.mark.django_db
def test_next_number_equal_to_an_issued_number_is_refused(store, admin_member):
    allocate(store, count=4)
    with pytest.raises(ValidationError) as error:
        update(admin_member, next_number=4)
    assert "Enter 5 or more" in str(error.value.message_dict["next_number"])


@pytest.mark.django_db
def test_keeping_the_counter_leaves_numbers_issued_meanwhile_alone(store, admin_member):
    allocate(store, count=7)
    update(admin_member, next_number=None, prefix="A-")
    assert allocate(store)[0].reference == "A-8"


@pytest.mark.django_db
def test_a_huge_next_number_is_refused_without_saving(store, admin_member):
    with pytest.raises(ValidationError) as error:
        update(admin_member, next_number=10**30, prefix="X")
    assert "next_number" in error.value.message_dict
    assert numbering_settings_for_store(store=store).prefix == ""


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["A B", " A", "A ", "A\x00", "A\tB", "é!", "x" * 21, "<b>"])
def test_bad_prefix_or_suffix_is_refused(store, admin_member, bad):
    with pytest.raises(ValidationError) as error:
        update(admin_member, next_number=50, prefix=bad)
    assert "prefix" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        update(admin_member, next_number=50, suffix=bad)
    assert "suffix" in error.value.message_dict
    assert numbering_settings_for_store(store=store).next_number == 1


@pytest.mark.django_db
@pytest.mark.parametrize("good", ["MaBoutique-", "-2019", "Été_2026/", "#.", "x" * 20])
def test_letters_digits_and_symbols_are_accepted(store, admin_member, good):
    update(admin_member, prefix=good, suffix=good)
    assert allocate(store)[0].reference == f"{good}1{good}"


@pytest.mark.django_db
def test_a_reference_issued_under_an_older_prefix_is_skipped(store, admin_member):
    update(admin_member, prefix="A1")
    assert [a.reference for a in allocate(store, count=5)] == ["A11", "A12", "A13", "A14", "A15"]
    update(admin_member, next_number=10, prefix="A")
    # "A11".."A15" were issued under prefix "A1": numbers 11 to 15 are skipped.
    refs = [a.reference for a in allocate(store, count=6)]
    assert refs == ["A10", "A16", "A17", "A18", "A19", "A20"]
    orders = [OrderFactory(store=store) for _ in range(2)]
    assert [o.reference for o in orders] == ["A21", "A22"]


@pytest.mark.django_db
def test_collision_check_ignores_case_like_search_does(store, admin_member):
    update(admin_member, prefix="ab")
    allocate(store, count=3)
    update(admin_member, prefix="AB")
    assert allocate(store)[0].reference == "AB4"
    update(admin_member, next_number=None, prefix="ab", suffix="")
    # "ab1".."ab3" and "AB4" exist; the counter is past them anyway.
    assert allocate(store)[0].reference == "ab5"


@pytest.mark.django_db
def test_a_suffix_change_can_collide_too(store, admin_member):
    update(admin_member, suffix="1")
    allocate(store, count=2)  # "11", "21"
    update(admin_member, next_number=None, suffix="")
    # 3..10 are free, then "11" and "21" are taken.
    refs = [a.reference for a in allocate(store, count=10)]
    assert "11" not in refs and "21" not in refs
    assert refs[:8] == [str(n) for n in range(3, 11)]
    assert refs[8:] == ["12", "13"]


@pytest.mark.django_db
def test_a_gap_of_billions_an_older_prefix_left_is_jumped_at_once(store, admin_member):
    update(admin_member, prefix="A1")
    allocate(store)  # "A11"
    update(admin_member, next_number=10**10, prefix="A1")
    allocate(store)  # "A110000000000": prefix "A1" issued 1 to 10^10
    update(admin_member, next_number=12 * 10**9, prefix="A")
    # "A12000000000" .. "A19999999999" are "A1" + 2000000000 .. "A1" + 9999999999.
    assert numbering_preview(store=store) == "A20000000000"
    refs = [a.reference for a in allocate(store, count=2)]
    assert refs == ["A20000000000", "A20000000001"]
    assert OrderFactory(store=store).reference == "A20000000002"


@pytest.mark.django_db
def test_an_older_suffix_of_digits_takes_every_tenth_number_across_billions(store, admin_member):
    update(admin_member, suffix="7")
    allocate(store)  # "17"
    update(admin_member, next_number=10**10, suffix="7")
    allocate(store)  # "100000000007": suffix "7" issued 1 to 10^10
    update(admin_member, next_number=None, suffix="")
    # "10000000007" and "10000000017" are 10^9 and 10^9 + 1 followed by that "7".
    numbers = [a.number - 10**10 for a in allocate(store, count=16)]
    assert numbers == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "٣", "５", "MB-٣", "2019-²", "Ⅻ"])
def test_digits_other_than_0_to_9_are_refused(store, admin_member, bad):
    for field in ("prefix", "suffix"):
        with pytest.raises(ValidationError) as error:
            update(admin_member, next_number=50, **{field: bad})
        assert "Use only the digits 0 to 9" in str(error.value.message_dict[field])
    sequence = numbering_settings_for_store(store=store)
    assert (sequence.next_number, sequence.prefix, sequence.suffix) == (1, "", "")


@pytest.mark.django_db
def test_a_stored_prefix_with_other_digits_is_not_read_as_a_number(store, admin_member):
    # Saved before such prefixes were refused: "A٣1" must not count as "A31".
    NumberSequence.objects.create(store=store, prefix="A٣")
    assert [a.reference for a in allocate(store, count=3)] == ["A٣1", "A٣2", "A٣3"]
    update(admin_member, next_number=31, prefix="A")
    assert numbering_preview(store=store) == "A31"
    assert allocate(store)[0].reference == "A31"


@pytest.mark.django_db
def test_preview_shows_the_reference_the_next_order_gets(store, admin_member):
    assert numbering_preview(store=store) == "1"
    update(admin_member, prefix="A1")
    allocate(store, count=5)
    assert numbering_preview(store=store) == "A16"
    assert numbering_preview(store=store, next_number=11, prefix="A") == "A16"
    assert numbering_preview(store=store, next_number=100, prefix="X-", suffix="-Z") == "X-100-Z"
    assert numbering_settings_for_store(store=store).prefix == "A1"


@pytest.mark.django_db
def test_every_change_is_recorded_with_who_before_and_after(store, admin_member):
    update(admin_member, next_number=1006, prefix="MaBoutique-", suffix="-2019")
    change = NumberingChange.objects.get(store=store)
    assert change.changed_by == admin_member.user
    assert change.before == {"next_number": 1, "prefix": "", "suffix": ""}
    assert change.after == {"next_number": 1006, "prefix": "MaBoutique-", "suffix": "-2019"}
    assert update(admin_member, next_number=None, prefix="MaBoutique-", suffix="-2019") is None
    assert NumberingChange.objects.filter(store=store).count() == 1


@pytest.mark.django_db
def test_staff_cannot_change_numbering(store):
    staff = MembershipFactory(store=store, role=Role.STAFF)
    with pytest.raises(PermissionDenied):
        update(staff, next_number=100)
    assert not NumberingChange.objects.exists()


@pytest.mark.django_db
def test_free_plan_cannot_change_numbering(store, owner):
    store.plan = Plan.FREE
    store.save()
    with pytest.raises(PermissionDenied):
        update(owner, next_number=100, prefix="X")
    assert numbering_settings_for_store(store=store).next_number == 1


@pytest.mark.django_db
def test_each_store_has_its_own_sequence(store, other_store):
    assert OrderFactory(store=store).number == 1
    assert OrderFactory(store=other_store).number == 1
    assert Order.objects.filter(number=1).count() == 2
