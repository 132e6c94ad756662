"""How much of a wilayah's priority setting the Musrenbang export carries (#16)."""

from community.musyawarah import rules


def test_the_export_shows_the_ten_latest_closed_priority_polls():
    # about a year of RT and RW priority polls; more would bury the latest under old ones
    assert rules.MUSRENBANG_PRIORITY_POLLS == 10
