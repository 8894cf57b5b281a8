import pytest
from django.core.exceptions import ImproperlyConfigured

from crowdfund.env import env_period
from tests.crowdfund.test_settings import _manage


@pytest.mark.parametrize("raw", ["0", "-7", "seven", "7.5"])
def test_it_refuses_a_retention_period_that_is_not_a_positive_whole_number(monkeypatch, raw):
    monkeypatch.setenv("RETENTION_DONOR_YEARS", raw)
    with pytest.raises(ImproperlyConfigured, match="RETENTION_DONOR_YEARS="):
        env_period("RETENTION_DONOR_YEARS", 7)


def test_it_reads_a_retention_period(monkeypatch):
    monkeypatch.setenv("RETENTION_WEBHOOK_BODY_DAYS", " 120 ")
    assert env_period("RETENTION_WEBHOOK_BODY_DAYS", 90) == 120
    monkeypatch.delenv("RETENTION_WEBHOOK_BODY_DAYS")
    assert env_period("RETENTION_WEBHOOK_BODY_DAYS", 90) == 90


def test_it_will_not_start_with_a_retention_period_of_zero():
    result = _manage("check", DEBUG="1", RETENTION_UNFINISHED_GIFT_DAYS="0")
    assert result.returncode != 0
    assert "RETENTION_UNFINISHED_GIFT_DAYS=0 must be 1 or more." in result.stderr
