"""SMS never goes to a fixed line (SPEC §4): the landline test reads a validated E.164 number
exactly as the phone library's parser does, only without parsing it."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from sheets_sync.core.parse import _try_phone, e164_number
from sheets_sync.core.touch_engine import is_landline

TYPES = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
         phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE, phonenumbers.PhoneNumberType.VOIP,
         phonenumbers.PhoneNumberType.TOLL_FREE)


def example_numbers() -> list[str]:
    """Every region's example numbers, as the validator writes them (E.164), and random
    digits after every country code, some with a leading zero or a national prefix."""
    found = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                found.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    rng = random.Random(7)
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        for _ in range(6):
            length = rng.randint(1, 18)
            found.add(f"+{code}" + "".join(rng.choice("0123456789") for _ in range(length)))
    return sorted(found)


def parsed_is_landline(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE


def test_an_e164_number_reads_as_the_parser_reads_it() -> None:
    for phone in example_numbers():
        number = e164_number(phone)
        if number is not None:
            assert number == phonenumbers.parse(phone, None), phone


def test_an_e164_number_read_without_the_parse_is_its_own_e164_form() -> None:
    for phone in example_numbers():
        number = e164_number(phone)
        if number is not None:
            assert phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.E164) == phone, phone


def test_a_number_is_a_landline_exactly_when_the_parsed_number_is_one() -> None:
    phones = example_numbers()
    assert [is_landline(p) for p in phones] == [parsed_is_landline(p) for p in phones]


@pytest.mark.parametrize("phone", ["+60 12-345 6789", "0123456789", "", "+0123", "+60"])
def test_text_that_is_not_plain_e164_is_parsed(phone: str) -> None:
    assert e164_number(phone) is None
    assert is_landline(phone) == parsed_is_landline(phone)


def test_a_malaysian_fixed_line_is_one_and_a_mobile_is_not() -> None:
    assert is_landline("+60322821234")
    assert not is_landline("+60123456789")


def library_phone(phone: str) -> tuple[str, bool] | None:
    """What the validator gives for a number when it asks phonenumbers for the type of every
    number: None for an unknown type, else the E.164 text and whether it is a fixed line."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        return None
    return (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            kind == phonenumbers.PhoneNumberType.FIXED_LINE)


def test_a_number_is_valid_and_a_landline_exactly_as_the_library_says() -> None:
    # The validator asks the library for a number's type only when the number is not plainly a
    # mobile of its country (parse._known_mobile); the answer must not move for any number.
    _try_phone.cache_clear()
    for phone in example_numbers():
        found = _try_phone(phone, None)
        assert (None if found is None else tuple(found)) == library_phone(phone), phone
