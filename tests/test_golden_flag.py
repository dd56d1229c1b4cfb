from conftest import GEN_TEST_DATA


def test_golden_regeneration_flag_is_off():
    assert not GEN_TEST_DATA, "ANALYZER_GEN_TEST_DATA=1 rewrites golden files; never commit with it on"
