"""Country resolution: codes and names in, alpha-2 out; typos get suggestions."""

from __future__ import annotations

import pytest

from briefgen.countries import country_name, normalise, resolve_country
from briefgen.errors import CountryError


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("VE", "VE"),
        ("ve", "VE"),
        ("VEN", "VE"),
        ("Venezuela", "VE"),
        ("venezuela", "VE"),
        ("Bolivia", "BO"),
        ("Perú", "PE"),
        ("peru", "PE"),
        ("México", "MX"),
        ("Brazil", "BR"),
        ("cuba", "CU"),
        ("United Kingdom", "GB"),
        ("USA", "US"),
        ("  nicaragua ", "NI"),
    ],
)
def test_countries_resolve_codes_and_names(name, code):
    assert resolve_country(name) == code


@pytest.mark.parametrize("name", ["narnia", "XX", "", "../etc"])
def test_countries_unknown_name_is_a_usage_error(name):
    with pytest.raises(CountryError) as info:
        resolve_country(name)
    assert info.value.exit_code == 2
    assert repr(name) in info.value.message


def test_countries_typo_gets_suggestion():
    with pytest.raises(CountryError, match="Did you mean Venezuela"):
        resolve_country("Venezula")


def test_countries_names_read_well():
    assert country_name("VE") == "Venezuela"
    assert country_name("BO") == "Bolivia"
    assert normalise("  Perú! ") == "PERU"
